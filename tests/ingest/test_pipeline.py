from pathlib import Path

from sqlalchemy import Engine, func, select

from core.tables import ingest_batches, posts, quarantine
from ingest.pipeline import ingest_file
from tests.ingest.helpers import post, write_jsonl


def run(path: Path, engine: Engine, anonymizer, pseudonymize, **kwargs):
    return ingest_file(
        path,
        engine=engine,
        redactor=anonymizer,
        pseudonymize=pseudonymize,
        min_group_size=5,
        chunk_size=4,
        **kwargs,
    )


def count(engine: Engine, table) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def test_bad_records_go_to_quarantine_and_the_rest_lands(
    tmp_path, engine, anonymizer, pseudonymize
) -> None:
    path = write_jsonl(
        tmp_path / "f.jsonl",
        [
            post(1),
            post(2, text=""),
            post(3),
            '{"source_id": "p4", "text": "tru',
            post(5),
        ],
    )
    result = run(path, engine, anonymizer, pseudonymize)
    assert (result.read, result.stored, result.quarantined) == (5, 3, 2)
    with engine.connect() as connection:
        rows = connection.execute(
            select(quarantine.c.line, quarantine.c.field, quarantine.c.reason).order_by(
                quarantine.c.line
            )
        ).all()
    assert [(r.line, r.field) for r in rows] == [(2, "text"), (4, None)]
    assert "empty" in rows[0].reason and "invalid JSON" in rows[1].reason


def test_ingesting_the_same_file_twice_stores_nothing_new(
    tmp_path, engine, anonymizer, pseudonymize
) -> None:
    path = write_jsonl(tmp_path / "f.jsonl", [post(i) for i in range(10)] + [post(99, text=" ")])
    run(path, engine, anonymizer, pseudonymize)
    again = run(path, engine, anonymizer, pseudonymize)
    assert (again.stored, again.duplicates, again.quarantined) == (0, 10, 1)
    assert count(engine, posts) == 10
    assert count(engine, quarantine) == 1


def test_an_edited_post_replaces_the_stored_one(tmp_path, engine, anonymizer, pseudonymize) -> None:
    run(write_jsonl(tmp_path / "a.jsonl", [post(1)]), engine, anonymizer, pseudonymize)
    edited = run(
        write_jsonl(tmp_path / "b.jsonl", [post(1, text="Edited: the reorg is off.")]),
        engine,
        anonymizer,
        pseudonymize,
    )
    assert edited.updated == 1
    with engine.connect() as connection:
        assert connection.execute(select(posts.c.text)).scalar_one() == "Edited: the reorg is off."


def test_the_same_text_by_the_same_author_on_the_same_day_counts_once(
    tmp_path, engine, anonymizer, pseudonymize
) -> None:
    rows = [
        post(1, text="Same words.", created_at="2026-03-02T09:00:00Z"),
        post(2, text="Same words.", created_at="2026-03-02T18:00:00Z", author_id="user-1"),
        post(3, text="Same words.", created_at="2026-03-03T10:00:00Z", author_id="user-1"),
    ]
    path = write_jsonl(tmp_path / "f.jsonl", [{**r, "author_id": "user-1"} for r in rows])
    result = run(path, engine, anonymizer, pseudonymize)
    assert (result.stored, result.duplicates) == (2, 1)


def test_a_batch_row_records_what_the_run_did(tmp_path, engine, anonymizer, pseudonymize) -> None:
    path = write_jsonl(tmp_path / "f.jsonl", [post(1, likes=3), post(2), post(3, text=7)])
    result = run(path, engine, anonymizer, pseudonymize, source="forum-a")
    with engine.connect() as connection:
        batch = connection.execute(select(ingest_batches)).mappings().one()
    assert batch["id"] == result.batch_id
    assert (batch["source"], batch["status"], batch["file_name"]) == ("forum-a", "done", "f.jsonl")
    assert (batch["read"], batch["stored"], batch["quarantined"], batch["unknown_fields"]) == (
        3,
        2,
        1,
        1,
    )


def test_stored_text_is_redacted_and_the_author_is_a_pseudonym(
    tmp_path, engine, anonymizer, pseudonymize
) -> None:
    path = write_jsonl(
        tmp_path / "f.jsonl",
        [post(1, text="Email maria.gonzalez@corp.example about it", author_id="u-777")],
    )
    run(path, engine, anonymizer, pseudonymize)
    with engine.connect() as connection:
        row = connection.execute(select(posts)).mappings().one()
    assert row["text"] == "Email <EMAIL> about it"
    assert row["author"] == pseudonymize("u-777")


def test_small_org_units_are_rolled_up_after_ingest(
    tmp_path, engine, anonymizer, pseudonymize
) -> None:
    rows = [post(i, author_id=f"a{i}", org_unit="eng/infra") for i in range(5)]
    rows += [post(10 + i, author_id=f"b{i}", org_unit="eng/infra/tiny") for i in range(2)]
    run(write_jsonl(tmp_path / "f.jsonl", rows), engine, anonymizer, pseudonymize)
    with engine.connect() as connection:
        units = set(connection.execute(select(posts.c.org_unit).distinct()).scalars())
    assert units == {"eng/infra"}
