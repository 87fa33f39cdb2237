from datetime import datetime

from sqlalchemy import Engine, insert, select

from core.tables import ingest_batches, posts
from ingest.org_units import refresh_org_units, roll_up
from ingest.store import post_row


def authors(n: int, prefix: str) -> set[str]:
    return {f"{prefix}{i}" for i in range(n)}


def test_a_small_team_reports_as_its_parent() -> None:
    units = {
        u.path: u
        for u in roll_up({"eng/infra/tiny": authors(2, "t"), "eng/infra": authors(5, "i")}, 5)
    }
    assert units["eng/infra/tiny"].reported_as == "eng/infra"
    assert units["eng/infra"].reported_as == "eng/infra"


def test_a_team_with_k_authors_reports_as_itself() -> None:
    units = {u.path: u for u in roll_up({"eng/infra/storage": authors(5, "s")}, 5)}
    assert units["eng/infra/storage"].reported_as == "eng/infra/storage"


def test_small_siblings_pool_in_their_parent() -> None:
    units = {u.path: u for u in roll_up({"eng/a": authors(3, "a"), "eng/b": authors(3, "b")}, 5)}
    assert units["eng/a"].reported_as == units["eng/b"].reported_as == "eng"


def test_a_parent_holding_only_a_small_child_rolls_up_further() -> None:
    # eng/infra's own posts would be the 2 authors of eng/infra/tiny alone: it must not show.
    units = {
        u.path: u
        for u in roll_up(
            {
                "eng/infra/tiny": authors(2, "t"),
                "eng/apps": authors(9, "a"),
                "eng": authors(4, "e"),
            },
            5,
        )
    }
    assert units["eng/infra/tiny"].reported_as == "eng"
    assert units["eng/infra"].reported_as == "eng"


def test_a_small_top_level_unit_reports_as_the_whole_organisation() -> None:
    units = {u.path: u for u in roll_up({"legal": authors(2, "l")}, 5)}
    assert units["legal"].reported_as is None


def test_counts_distinct_authors_of_the_subtree() -> None:
    units = {u.path: u for u in roll_up({"eng/a": {"x", "y"}, "eng/b": {"y", "z"}}, 5)}
    assert units["eng"].authors == 3


def _store(engine: Engine, unit: str, author_count: int, start: int) -> None:
    with engine.begin() as connection:
        batch = connection.execute(
            insert(ingest_batches)
            .values(
                source="t",
                file_name="f",
                format="jsonl",
                status="done",
                started_at=datetime(2026, 3, 1),
            )
            .returning(ingest_batches.c.id)
        ).scalar_one()
        for i in range(author_count):
            row = post_row(
                source_id=f"{unit}-{start + i}",
                text="t",
                created_at=datetime(2026, 3, 2),
                author=f"a{start + i:015d}",
                org_unit=unit,
                channel=None,
                thread_id=None,
            )
            connection.execute(
                insert(posts).values(
                    **row, source="t", batch_id=batch, ingested_at=datetime(2026, 3, 2)
                )
            )


def test_refresh_moves_a_team_out_of_its_parent_once_it_has_k_authors(engine: Engine) -> None:
    _store(engine, "eng/infra", 6, 0)
    _store(engine, "eng/infra/storage", 3, 100)
    refresh_org_units(engine, 5)
    query = select(posts.c.org_unit).where(posts.c.declared_org_unit == "eng/infra/storage")
    with engine.connect() as connection:
        assert set(connection.execute(query).scalars()) == {"eng/infra"}
    _store(engine, "eng/infra/storage", 2, 200)
    refresh_org_units(engine, 5)
    with engine.connect() as connection:
        assert set(connection.execute(query).scalars()) == {"eng/infra/storage"}
