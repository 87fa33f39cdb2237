"""Bad requests, through HTTP: each gets its status and says what was wrong in one sentence."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from core.settings import load_settings
from tests.api.conftest import WEEK, Api
from tests.conftest import TEST_KEY

LIMIT = 2_048
TOO_LARGE = "The request body is larger than the limit of 2,048 bytes."
RECORD = {"source_id": "e1", "text": "fine week", "created_at": "2026-03-03T10:00:00Z"}


@pytest.fixture(scope="module")
def small_api(api: Api, tmp_path_factory) -> Api:
    """The same store and keys, served with a body limit of 2,048 bytes."""
    settings = load_settings(
        data_dir=tmp_path_factory.mktemp("small"),
        pseudonym_key=TEST_KEY,
        database_url=api.engine.url.render_as_string(hide_password=False),
        api_max_body_bytes=LIMIT,
    )
    return Api(TestClient(create_app(settings)), api.keys, api.engine, None)


def test_an_unknown_query_value_is_refused_naming_the_parameter(api) -> None:
    response = api.get("/v1/trends", "people_ops", period="hour")
    assert response.status_code == 422
    assert response.json() == {
        "detail": "The query parameter 'period': input should be 'day', 'week' or 'month'."
    }


def test_a_start_after_the_end_is_refused(api) -> None:
    response = api.get("/v1/trends", "people_ops", start=WEEK["end"], end=WEEK["start"])
    assert response.status_code == 400
    assert response.json() == {"detail": "Start (2026-03-08) must not be after end (2026-03-02)."}


def test_a_range_longer_than_allowed_is_refused(api) -> None:
    # A daily range may span 366 days; 7 March 2025 to 8 March 2026 is 367.
    response = api.get(
        "/v1/trends", "people_ops", period="day", start="2025-03-07", end="2026-03-08"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "A daily range may span at most 366 days; ask for less."}


def test_a_daily_query_by_org_unit_is_refused_for_privacy(api) -> None:
    response = api.get("/v1/trends", "people_ops", period="day", org_unit="eng", **WEEK)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Daily figures are for the whole organisation only; "
        "ask for weeks to filter or break down by org unit or channel."
    }


def test_an_unknown_route_is_answered_with_where_the_routes_are(api) -> None:
    response = api.get("/v1/nowhere", "people_ops")
    assert response.status_code == 404
    assert response.json() == {"detail": "There is no such route; the routes are listed at /docs."}


def test_a_body_declared_over_the_limit_is_refused(small_api) -> None:
    body = {"source": "errors-test", "records": [RECORD] * 40}
    response = small_api.post("/v1/posts", body, "ingestor")
    assert int(response.request.headers["content-length"]) > LIMIT
    assert response.status_code == 413
    assert response.json() == {"detail": TOO_LARGE}


def test_a_streamed_body_over_the_limit_is_refused(small_api) -> None:
    chunks = (b" " * 512 for _ in range(5))  # 2,560 bytes, no Content-Length
    response = small_api.client.post(
        "/v1/posts",
        content=chunks,
        headers={**small_api.auth("ingestor"), "Content-Type": "application/json"},
    )
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert response.json() == {"detail": TOO_LARGE}


def test_a_body_within_the_limit_is_read(small_api) -> None:
    # Read and validated: the refusal is about its content, not its size.
    response = small_api.post("/v1/posts", {"source": "errors-test", "records": []}, "ingestor")
    assert response.status_code == 422
    assert response.json() == {
        "detail": "The body field 'records': list should have at least 1 item after validation, "
        "not 0."
    }


def test_more_than_a_thousand_records_are_refused(api) -> None:
    body = {"source": "errors-test", "records": [RECORD] * 1_001}
    response = api.post("/v1/posts", body, "ingestor")
    assert response.status_code == 422
    assert response.json() == {
        "detail": "The body field 'records': list should have at most 1000 items after "
        "validation, not 1001."
    }


def test_a_body_that_is_not_json_is_refused(api) -> None:
    response = api.client.post(
        "/v1/posts",
        content=b"{source: errors-test}",
        headers={**api.auth("ingestor"), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": "The request body is not valid JSON: "
        "expecting property name enclosed in double quotes at character 1."
    }
