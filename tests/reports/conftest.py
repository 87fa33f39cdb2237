"""Fixtures for the reports tests: a small scored organisation and its report."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from core.tables import posts
from reports.privacy import Privacy
from reports.report import build_report
from tests.ingest.helpers import post
from tests.reports.helpers import ingest_scored_store, store_prediction

WEEK = (date(2026, 3, 2), date(2026, 3, 8))
PRIVACY = Privacy(k=5, protected={"collective_action": 10})


def _people(unit: str, channel: str, authors: int, first: int, topic: str | None = None) -> list:
    return [
        {
            **post(first + i, text=f"note {first + i}", author_id=f"person-{first + i}"),
            "created_at": "2026-03-03T10:00:00Z",
            "org_unit": unit,
            "channel": channel,
            "topic": topic,
        }
        for i in range(authors)
    ]


def organisation() -> tuple[list[dict], dict[str, str | None]]:
    """eng/infra: general 8 authors, random 7, help 2; eng/apps: general 9; ops: general 6.

    Everyone in eng/infra's general channel writes about workload; three ops
    people about collective action. Returns the records and source_id -> topic.
    """
    rows = (
        _people("eng/infra", "general", 8, 0, "workload")
        + _people("eng/infra", "random", 7, 100)
        + _people("eng/infra", "help", 2, 200)
        + _people("eng/apps", "general", 9, 300)
        + _people("ops", "general", 3, 400, "collective_action")
        + _people("ops", "general", 3, 500)
    )
    topics = {row["source_id"]: row.pop("topic") for row in rows}
    return rows, topics


@pytest.fixture
def store(engine, anonymizer, pseudonymize, tmp_path: Path):
    """The small organisation (``organisation``), ingested and scored."""
    rows, topics = organisation()
    champions = ingest_scored_store(
        engine,
        tmp_path / "posts.jsonl",
        rows,
        min_group_size=2,
        redactor=anonymizer,
        pseudonymize=pseudonymize,
    )
    with engine.begin() as connection:
        for post_id, source_id in connection.execute(select(posts.c.id, posts.c.source_id)):
            store_prediction(connection, champions, post_id, "negative", -0.8, topics[source_id])
    return engine, champions


@pytest.fixture
def report(store):
    """The weekly report of the small organisation."""
    engine, champions = store
    return build_report(engine, champions, PRIVACY, *WEEK)
