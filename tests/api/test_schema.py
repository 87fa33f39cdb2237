"""Schemathesis against the OpenAPI schema, in-process: no 5xx, no answer outside the schema.

Every operation gets generated requests, valid and (in negative mode) invalid,
sent with a key of a role it admits. Each answer must be no server error and
must match what the schema documents: its status code, content type and body.
Every 4xx must also say what was wrong in one sentence: ``{"detail": "..."}``.

Only SQLite: the schema and the handlers are the same on both stores, and the
stores' own behaviour is pinned by the other API tests.
"""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from core.settings import load_settings
from tests.conftest import TEST_KEY

pytestmark = pytest.mark.parametrize("org_engine", ["sqlite"], indirect=True)

# The document is code, not data: an app over an unopened in-memory store serves
# the same one. It is loaded at import because Schemathesis builds its tests at
# collection (its `pytest.from_fixture` fails under pytest 9.2: no `_nodeid`).
schema = schemathesis.openapi.from_dict(
    create_app(load_settings(database_url="sqlite://", pseudonym_key=TEST_KEY)).openapi()
)
# The role each path is called with; people_ops for the rest (the readers' routes).
ROLE = {"/v1/audit": "employee_rep", "/v1/posts": "ingestor", "/v1/health": None, "/v1/ready": None}
SENTENCE_INSIDE = re.compile(r"[.!?]\s+[A-Z]")  # a full stop followed by another sentence


def one_sentence_4xx(ctx, response, case) -> None:
    """A 4xx body is ``{"detail": "<one sentence>"}``: a full stop at the end, none inside."""
    if not 400 <= response.status_code < 500:
        return
    try:
        body = response.json()
    except ValueError:
        raise AssertionError(f"a 4xx body is not JSON: {response.text!r}") from None
    assert isinstance(body, dict), f"a {response.status_code} body is not an object: {body!r}"
    assert set(body) == {"detail"}, f"a {response.status_code} body has {sorted(body)}"
    detail = body["detail"]
    assert isinstance(detail, str), f"detail is not a string: {detail!r}"
    assert detail.endswith("."), f"detail does not end a sentence: {detail!r}"
    assert "\n" not in detail, f"detail spans lines: {detail!r}"
    assert not SENTENCE_INSIDE.search(detail), f"detail is more than one sentence: {detail!r}"


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    one_sentence_4xx,
]


def call_and_check(api, case):
    """Send ``case`` in-process with a key the operation admits, and run ``CHECKS``."""
    role = ROLE.get(case.operation.path, "people_ops")
    return case.call_and_validate(app=api.client.app, headers=api.auth(role), checks=CHECKS)


@schema.exclude(path=["/v1/reports", "/v1/posts"]).parametrize()
@settings(max_examples=30, deadline=None)
def test_reading_routes_answer_within_the_schema(case, api) -> None:
    call_and_check(api, case)


# A report takes about a second to render (HTML charts, PDF), so fewer examples.
@schema.include(method="GET", path="/v1/reports").parametrize()
@settings(max_examples=12, deadline=None)
def test_the_report_answers_within_the_schema(case, api) -> None:
    call_and_check(api, case)


@schema.include(method="POST", path="/v1/posts").parametrize()
@settings(max_examples=15, deadline=None)
def test_posting_records_answers_within_the_schema(case, api) -> None:
    call_and_check(api, case)


def test_a_stored_record_is_answered_within_the_schema(api) -> None:
    # The schema leaves records free-form, so generated ones are all quarantined;
    # this one goes through the real anonymizer and is stored.
    record = {"source_id": "s1", "text": "Ask Dana about it", "created_at": "2026-03-04T09:00:00Z"}
    case = schema["/v1/posts"]["POST"].Case(
        body={"source": "schema-test", "records": [record, None]}, media_type="application/json"
    )
    response = call_and_check(api, case)
    assert (response.status_code, response.json()["stored"]) == (200, 1)
