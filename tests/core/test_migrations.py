from sqlalchemy import Engine, inspect

from core.migrate import current_revision, head_revision, upgrade


def test_upgrade_creates_the_tables_later_stages_rely_on(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert {"posts", "quarantine", "ingest_batches", "org_units"} <= tables


def test_upgrade_reaches_the_newest_revision_and_is_repeatable(engine: Engine) -> None:
    upgrade(engine)
    assert current_revision(engine) == head_revision()
