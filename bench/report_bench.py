"""Report speed: a 12-week report over N stored, scored posts, on SQLite or PostgreSQL.

Stores N posts spread over 26 weeks, 2,000 authors, 30 units in a three-level
tree and 8 channels, with a sentiment prediction for each and one or two
topics for most (written directly: this measures reporting, not scoring).
Then times building the rollup from scratch (what the first report after a
new champion pays), ``build_report`` for the last 12 weeks as ``barometer
report`` runs it, and the same report again after 1,000 late posts arrive
for a day inside it (the rollup recomputes that day first).

Usage: python bench/report_bench.py [--posts 1000000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_store import fresh_store, insert_batch
from sqlalchemy import insert

from core.org_tree import closure
from core.tables import (
    model_versions,
    org_unit_ancestors,
    org_units,
    post_topics,
    posts,
    sentiment_predictions,
)
from models.taxonomy import SENTIMENTS, TOPIC_IDS
from reports import cells
from reports.privacy import Privacy
from reports.report import build_report
from reports.rollup import Champions

FIRST = datetime(2026, 3, 2)
UNITS = [f"d{a}/t{b}" for a in range(6) for b in range(5)]
CHANNELS = [f"channel-{i}" for i in range(8)]


def register(engine) -> tuple[int, Champions]:
    """An ingest batch, a champion per kind and the org tree's closure."""
    with engine.begin() as connection:
        batch = insert_batch(connection, FIRST)
        ids = {}
        for kind in ("sentiment", "topics"):
            ids[kind] = connection.execute(
                insert(model_versions)
                .values(
                    kind=kind,
                    version="bench",
                    path=kind,
                    status="champion",
                    created_at=FIRST,
                    encoder="bench",
                    code_version="bench",
                    metrics="{}",
                )
                .returning(model_versions.c.id)
            ).scalar_one()
        paths = sorted({u for unit in UNITS for u in (unit, unit.split("/")[0])})
        connection.execute(org_unit_ancestors.delete())
        connection.execute(insert(org_unit_ancestors), closure(paths))
        connection.execute(org_units.delete())
        connection.execute(insert(org_units), [_unit(path) for path in paths])
    return batch, Champions(ids["sentiment"], ids["topics"])


def _unit(path: str) -> dict:
    """An ``org_units`` row: every unit of the bench tree is large enough to report as itself."""
    parent = path.rsplit("/", 1)[0] if "/" in path else None
    return {"path": path, "parent": parent, "depth": path.count("/") + 1, "authors": 2000,
            "reported_as": path}  # fmt: skip


def fill(
    engine, batch: int, champions: Champions, count: int, first_id: int, first: datetime, days: int
) -> None:
    """``count`` scored posts with ids after ``first_id``, spread over ``days`` from ``first``."""
    rng = random.Random(11 + first_id)
    for start in range(first_id, first_id + count, 20000):
        rows, sentiment, topics = [], [], []
        for i in range(start, min(first_id + count, start + 20000)):
            created = first + timedelta(seconds=rng.randrange(days * 86400))
            rows.append(
                {
                    "id": i + 1,
                    "source": "bench",
                    "source_id": str(i),
                    "batch_id": batch,
                    "created_at": created,
                    "author": f"{rng.randrange(2000):016x}",
                    "org_unit": rng.choice(UNITS),
                    "channel": rng.choice(CHANNELS),
                    "text": "x",
                    "content_hash": f"{i:032x}",
                    "ingested_at": created,
                }
            )
            label = rng.choice(SENTIMENTS)
            sentiment.append(
                {
                    "post_id": i + 1,
                    "model_version_id": champions.sentiment_version_id,
                    "label": label,
                    "score": SENTIMENTS.index(label) - 1.0,
                    "scored_at": created,
                }
            )
            for topic in rng.sample(TOPIC_IDS, rng.choice([0, 1, 1, 2])):
                topics.append(
                    {
                        "post_id": i + 1,
                        "model_version_id": champions.topics_version_id,
                        "topic": topic,
                        "probability": 0.9,
                    }
                )
        with engine.begin() as connection:
            connection.execute(insert(posts), rows)
            connection.execute(insert(sentiment_predictions), sentiment)
            if topics:
                connection.execute(insert(post_topics), topics)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url or f"sqlite:///{scratch}/bench.db"
        engine = fresh_store(url, shared=bool(args.database_url))
        started = time.perf_counter()
        batch, champions = register(engine)
        fill(engine, batch, champions, args.posts, 0, FIRST, 26 * 7)
        print(
            f"stored {args.posts:,} posts in {time.perf_counter() - started:.0f} s "
            f"({engine.dialect.name})"
        )
        started = time.perf_counter()
        days = cells.refresh(engine, champions, Privacy())
        seconds = time.perf_counter() - started
        print(f"rollup and guarded cells built for {days} days in {seconds:.1f} s")
        end = date(2026, 8, 30)
        for attempt in ("run 1", "run 2", "after 1,000 late posts"):
            if attempt.startswith("after"):
                fill(engine, batch, champions, 1000, args.posts, datetime(2026, 8, 5), 1)
            started = time.perf_counter()
            report = build_report(
                engine, champions, Privacy(), end - timedelta(weeks=12, days=-1), end
            )
            seconds = time.perf_counter() - started
            print(
                f"{attempt}: 12-week report in {seconds:.1f} s, "
                f"{len(report.trends) + len(report.breakdown):,} cells"
            )


if __name__ == "__main__":
    main()
