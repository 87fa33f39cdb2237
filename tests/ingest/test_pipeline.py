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
    with engine.connect() as connection:
        assert connection.execute(select(quarantine.c.batch_id)).scalar_one() == again.batch_id


def stored_texts(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(select(posts.c.text).order_by(posts.c.id)).scalars())


def test_a_newer_edit_replaces_the_stored_post(tmp_path, engine, anonymizer, pseudonymize) -> None:
    run(write_jsonl(tmp_path / "a.jsonl", [post(1)]), engine, anonymizer, pseudonymize)
    edit = post(1, text="Edited: the reorg is off.", updated_at="2026-03-05T10:00:00Z")
    result = run(write_jsonl(tmp_path / "b.jsonl", [edit]), engine, anonymizer, pseudonymize)
    assert result.updated == 1
    assert stored_texts(engine) == ["Edited: the reorg is off."]


def test_a_copy_without_an_edit_time_does_not_replace_the_stored_post(
    tmp_path, engine, anonymizer, pseudonymize
) -> None:
    run(write_jsonl(tmp_path / "a.jsonl", [post(1)]), engine, anonymizer, pseudonymize)
    copy = post(1, text="Some other version.")
    result = run(write_jsonl(tmp_path / "b.jsonl", [copy]), engine, anonymizer, pseudonymize)
    assert (result.updated, result.duplicates) == (0, 1)
    assert stored_texts(engine) == [post(1)["text"]]


def test_an_older_edit_does_not_undo_a_newer_one(
    tmp_path, engine, anonymizer, pseudonymize
) -> None:
    newer = post(1, text="Second version.", updated_at="2026-03-06T10:00:00Z")
    older = post(1, text="First version.", updated_at="2026-03-05T10:00:00Z")
    run(write_jsonl(tmp_path / "a.jsonl", [newer]), engine, anonymizer, pseudonymize)
    run(write_jsonl(tmp_path / "b.jsonl", [older]), engine, anonymizer, pseudonymize)
    assert stored_texts(engine) == ["Second version."]


def test_rerunning_a_file_with_two_versions_of_a_post_changes_nothing(
    tmp_path, engine, anonymizer, pseudonymize
) -> None:
    rows = [post(1, text="First version.", updated_at="2026-03-05T10:00:00Z")]
    rows += [post(i) for i in range(2, 8)]  # pushes the second version into a later chunk
    rows += [post(1, text="Second version.", updated_at="2026-03-06T10:00:00Z")]
    path = write_jsonl(tmp_path / "f.jsonl", rows)
    run(path, engine, anonymizer, pseudonymize)
    again = run(path, engine, anonymizer, pseudonymize)
    assert (again.stored, again.updated) == (0, 0)
    assert stored_texts(engine)[0] == "Second version."


def test_an_edit_that_would_duplicate_another_post_is_not_applied(
    tmp_path, engine, anonymizer, pseudonymize
) -> None:
    first = post(1, text="+1", author_id="user-1", created_at="2026-03-02T09:00:00Z")
    second = post(2, text="+1 agreed", author_id="user-1", created_at="2026-03-02T10:00:00Z")
    run(write_jsonl(tmp_path / "a.jsonl", [first, second]), engine, anonymizer, pseudonymize)
    edit = {**second, "text": "+1", "updated_at": "2026-03-02T11:00:00Z"}
    result = run(write_jsonl(tmp_path / "b.jsonl", [edit]), engine, anonymizer, pseudonymize)
    assert result.updated == 0
    assert sorted(stored_texts(engine)) == ["+1", "+1 agreed"]


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
