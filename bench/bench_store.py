"""What the benches share: a freshly migrated store and the ingest batch their posts belong to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Engine, insert, text

from core.database import get_engine
from core.migrate import upgrade
from core.tables import ingest_batches, metadata


def fresh_store(url: str, shared: bool) -> Engine:
    """A migrated, empty store at ``url``; ``shared``: a server database, emptied first."""
    engine = get_engine(url)
    if shared:
        with engine.begin() as connection:
            connection.execute(text("drop table if exists alembic_version"))
            metadata.drop_all(connection)
    upgrade(engine)
    return engine


def insert_batch(connection: Connection, started_at: datetime) -> int:
    """The ingest batch the bench's posts claim to come from; returns its id."""
    return connection.execute(
        insert(ingest_batches)
        .values(
            source="bench", file_name="bench", format="jsonl", status="done", started_at=started_at
        )
        .returning(ingest_batches.c.id)
    ).scalar_one()
