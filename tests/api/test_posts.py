"""POST /v1/posts: the CLI's validation, anonymization, quarantine and exactly-once, per record."""

from __future__ import annotations

from sqlalchemy import select

from core.tables import metadata, posts, quarantine
from tests.conftest import TEST_KEY


def _record(source_id: str, text: str = "The on-call rota is brutal this month.", **extra) -> dict:
    return {
        "source_id": source_id,
        "text": text,
        "created_at": "2026-03-03T10:00:00Z",
        "author_id": f"person-{source_id}",
        **extra,
    }


def _send(api, *records) -> dict:
    response = api.post("/v1/posts", {"source": "forum", "records": list(records)}, "ingestor")
    assert response.status_code == 200, response.text
    return response.json()


def _statuses(answer: dict) -> list[str]:
    return [r["status"] for r in answer["records"]]


def test_every_record_is_answered_in_order(empty_api) -> None:
    answer = _send(empty_api, _record("p1"), _record("p2", text="Pay review slipped again."))
    assert _statuses(answer) == ["stored", "stored"]
    assert [r["source_id"] for r in answer["records"]] == ["p1", "p2"]
    assert (answer["read"], answer["stored"]) == (2, 2)


def test_sending_the_same_records_again_stores_nothing_new(empty_api) -> None:
    _send(empty_api, _record("p1"), _record("p2"))
    again = _send(empty_api, _record("p1"), _record("p2"))
    assert _statuses(again) == ["duplicate", "duplicate"]
    with empty_api.engine.connect() as connection:
        assert len(connection.execute(select(posts.c.id)).all()) == 2


def test_a_repeated_source_id_within_one_request_is_a_duplicate(empty_api) -> None:
    assert _statuses(_send(empty_api, _record("p1"), _record("p1"))) == ["stored", "duplicate"]


def test_a_bad_record_is_quarantined_with_its_reason_and_the_rest_land(empty_api) -> None:
    answer = _send(empty_api, _record("p1"), _record("p2", text="   "), _record("p3"))
    assert _statuses(answer) == ["stored", "quarantined", "stored"]
    bad = answer["records"][1]
    assert (bad["field"], bad["reason"]) == ("text", "text is empty after trimming whitespace")
    with empty_api.engine.connect() as connection:
        (row,) = connection.execute(select(quarantine)).mappings().all()
    assert (row["source"], row["line"], row["field"]) == ("forum", 2, "text")


def test_a_record_that_is_not_an_object_is_quarantined(empty_api) -> None:
    answer = _send(empty_api, _record("p1"), ["not", "a", "record"])
    assert answer["records"][1] == {
        "index": 1,
        "source_id": None,
        "status": "quarantined",
        "field": None,
        "reason": "a record must be a JSON object, got an array",
    }


def test_a_newer_edit_replaces_the_stored_post(empty_api) -> None:
    _send(empty_api, _record("p1", updated_at="2026-03-03T11:00:00Z"))
    edited = _record("p1", text="Edited: the rota got fixed.", updated_at="2026-03-03T12:00:00Z")
    assert _statuses(_send(empty_api, edited)) == ["updated"]


def test_names_and_contacts_are_removed_and_the_author_is_a_pseudonym(empty_api) -> None:
    text = "Ask Dana Whitfield (dana.whitfield@example.com, 415-555-0199) about the rota."
    _send(empty_api, _record("p1", text=text, author_id="EMP-204311"))
    with empty_api.engine.connect() as connection:
        (row,) = connection.execute(select(posts.c.text, posts.c.author)).all()
    assert "Whitfield" not in row.text and "example.com" not in row.text
    assert "555" not in row.text
    assert row.author != "EMP-204311" and len(row.author) == 16


def test_a_unit_with_fewer_than_k_authors_is_reported_as_its_parent(empty_api) -> None:
    """P5 through HTTP: three authors in eng/small (k is 5) are counted under eng.

    eng's own two authors and eng/small's three make the five eng needs.
    """
    small = [_record(f"s{i}", org_unit="eng/small") for i in range(3)]
    own = [_record(f"e{i}", org_unit="eng") for i in range(2)]
    large = [_record(f"l{i}", org_unit="eng/large") for i in range(6)]
    _send(empty_api, *small, *own, *large)
    with empty_api.engine.connect() as connection:
        reported = dict(connection.execute(select(posts.c.source_id, posts.c.org_unit)).all())
    assert {reported[f"s{i}"] for i in range(3)} == {"eng"}
    assert {reported[f"l{i}"] for i in range(6)} == {"eng/large"}


def test_the_pseudonym_key_appears_in_no_answer_and_no_table(empty_api) -> None:
    """P7 through HTTP: the key is in neither the answers nor anything stored."""
    answers = [
        empty_api.post(
            "/v1/posts", {"source": "forum", "records": [_record("p1"), {}]}, "ingestor"
        ),
        empty_api.get("/v1/audit", "employee_rep"),
        empty_api.get("/v1/trends", "people_ops"),
        empty_api.get("/v1/ready"),
    ]
    stored = []
    with empty_api.engine.connect() as connection:
        for table in metadata.sorted_tables:
            stored += [str(row) for row in connection.execute(select(table))]
    for text in [a.text for a in answers] + stored:
        assert TEST_KEY not in text
