"""Scored stores for reports tests: the real ingest, predictions written as a champion would."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from core.tables import model_versions, post_topics, posts, sentiment_predictions
from ingest.pipeline import ingest_file
from reports import cells
from reports.aggregate import Block
from reports.periods import Period
from reports.privacy import Privacy
from reports.rollup import ALL_TOPICS, Champions
from tests.ingest.helpers import write_jsonl


def ingest_scored_store(
    engine: Engine, path: Path, rows: list[dict[str, Any]], min_group_size: int, **parts: Any
) -> Champions:
    """Ingest ``rows`` through the real pipeline; register a sentiment and a topics champion."""
    ingest_file(write_jsonl(path, rows), engine=engine, min_group_size=min_group_size, **parts)
    with engine.begin() as connection:
        return Champions(
            register_version(connection, "sentiment"), register_version(connection, "topics")
        )


def store_prediction(
    connection: Connection,
    champions: Champions,
    post_id: int,
    label: str,
    score: float,
    topic: str | None = None,
) -> None:
    """Write one post's predictions, as ``barometer score`` would."""
    connection.execute(
        insert(sentiment_predictions).values(
            post_id=post_id,
            model_version_id=champions.sentiment_version_id,
            label=label,
            score=score,
            scored_at=datetime(2026, 3, 30),
        )
    )
    if topic is not None:
        connection.execute(
            insert(post_topics).values(
                post_id=post_id,
                model_version_id=champions.topics_version_id,
                topic=topic,
                probability=0.9,
            )
        )


def ingest_late_posts(
    engine: Engine,
    champions: Champions,
    path: Path,
    rows: list[dict[str, Any]],
    label: str,
    score: float,
    **parts: Any,
) -> None:
    """Ingest ``rows`` after the store was reported on, then score them ``label``."""
    ingest_file(write_jsonl(path, rows), engine=engine, min_group_size=2, **parts)
    source_ids = [row["source_id"] for row in rows]
    with engine.begin() as connection:
        ids = connection.execute(select(posts.c.id).where(posts.c.source_id.in_(source_ids)))
        for post_id in ids.scalars():
            store_prediction(connection, champions, post_id, label, score)


def register_version(connection: Connection, kind: str, version: str | None = None) -> int:
    """A champion model version row, as the registry writes it on promotion; returns its id."""
    return connection.execute(
        insert(model_versions)
        .values(
            kind=kind,
            version=version or f"{kind}-test",
            path=kind,
            status="champion",
            created_at=datetime(2026, 3, 1),
            encoder="test",
            code_version="test",
            metrics="{}",
        )
        .returning(model_versions.c.id)
    ).scalar_one()


def stored_blocks(
    engine: Engine,
    champions: Champions,
    start: date,
    stop: date,
    period: Period,
    topics: tuple[str, ...] = (ALL_TOPICS,),
) -> dict[tuple[date, str], Block]:
    """The counted blocks as reports read them from the stored cells (refreshed first)."""
    guarded = cells.read(engine, champions, Privacy(), start, stop, period, topics)
    return {key: block.cells for key, block in guarded.items()}
