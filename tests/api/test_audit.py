"""The audit log: every request, written before the answer; readable by reps; unchangeable."""

from __future__ import annotations

import anyio
import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError

from core.database import get_engine
from core.migrate import upgrade
from core.tables import audit_log
from tests.api.conftest import WEEK, make_api


def _last(api) -> dict:
    with api.engine.connect() as connection:
        row = connection.execute(select(audit_log).order_by(audit_log.c.id.desc())).first()
    return row._asdict()


def _count(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(audit_log)).scalar_one()


def test_a_query_is_logged_with_key_role_route_parameters_and_cells(api) -> None:
    response = api.get("/v1/breakdowns", "people_ops", by="org_unit", topic="workload", **WEEK)
    cells = response.json()["cells"]
    row = _last(api)
    assert (row["role"], row["method"], row["route"], row["status"]) == (
        "people_ops",
        "GET",
        "/v1/breakdowns",
        200,
    )
    assert row["key_id"] is not None
    assert row["parameters"] == (
        '{"by": "org_unit", "end": "2026-03-08", "start": "2026-03-02", "topic": "workload"}'
    )
    assert row["cells_suppressed"] == sum(c["suppressed"] for c in cells) > 0
    assert row["cells_returned"] == sum(not c["suppressed"] for c in cells) > 0


def test_a_refused_request_is_logged_without_a_key(api) -> None:
    api.get("/v1/trends")
    row = _last(api)
    assert (row["key_id"], row["role"], row["status"]) == (None, None, 401)


def test_the_row_is_written_before_the_response_starts(api) -> None:
    before = _count(api.engine)
    rows_when_answered: list[int] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            rows_when_answered.append(_count(api.engine))

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/v1/topics",
        "raw_path": b"/v1/topics",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"authorization", f"Bearer {api.keys['people_ops']}".encode())],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }
    anyio.run(api.client.app, scope, receive, send)
    assert rows_when_answered == [before + 1]


def test_nothing_is_answered_when_the_audit_row_cannot_be_written(tmp_path) -> None:
    engine = get_engine(f"sqlite:///{tmp_path / 'broken.db'}")  # a trigger stages the failure
    upgrade(engine)
    api = make_api(engine, tmp_path, None)
    with engine.begin() as connection:
        connection.execute(
            text(
                "create trigger audit_broken before insert on audit_log "
                "begin select raise(abort, 'disk full'); end"
            )
        )
    response = api.get("/v1/topics", "people_ops")
    assert response.status_code == 503
    assert response.json() == {
        "detail": "The request could not be written to the audit log, so it was not answered."
    }


def test_employee_reps_read_what_people_ops_asked(api) -> None:
    api.get("/v1/trends", "people_ops", topic="surveillance", **WEEK)
    entries = api.get("/v1/audit", "employee_rep", limit=1000).json()["entries"]
    asked = [e for e in entries if e["role"] == "people_ops" and e["route"] == "/v1/trends"]
    assert {"topic": "surveillance", **WEEK} in [e["parameters"] for e in asked]


def test_the_audit_log_pages_oldest_first(api) -> None:
    for _ in range(3):
        api.get("/v1/topics", "people_ops")
    first = api.get("/v1/audit", "admin", limit=2).json()
    second = api.get("/v1/audit", "admin", limit=2, after_id=first["next_after_id"]).json()
    ids = [e["id"] for e in first["entries"] + second["entries"]]
    assert ids == sorted(ids) and len(set(ids)) == 4


@pytest.mark.parametrize("method", ["DELETE", "PUT", "PATCH", "POST"])
def test_no_route_changes_or_deletes_the_audit_log(api, method) -> None:
    before = _count(api.engine)
    response = api.client.request(method, "/v1/audit", headers=api.auth("admin"))
    assert response.status_code == 405
    assert _count(api.engine) == before + 1  # the attempt itself, logged


@pytest.mark.parametrize(
    "statement",
    [update(audit_log).values(status=200), delete(audit_log)],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_change_or_delete_audit_rows(api, statement) -> None:
    api.get("/v1/topics", "people_ops")
    with pytest.raises(DBAPIError, match="append-only"), api.engine.begin() as connection:
        connection.execute(statement)


def test_a_request_body_is_never_logged(empty_api) -> None:
    record = {"source_id": "b1", "text": "Ring Dana Whitfield", "created_at": "2026-03-03"}
    empty_api.post("/v1/posts", {"source": "forum", "records": [record]}, "ingestor")
    row = _last(empty_api)
    assert row["parameters"] == '{"records": 1, "source": "forum"}'
    assert "Whitfield" not in str(row)
