"""Scoring speed and memory: ``score_posts`` over stored posts, per encoder backend.

Stores N posts (texts from the project's labeled posts, each made unique) in a
fresh SQLite or PostgreSQL database, then scores them with the shipped
champions and reports posts per second and the process's peak RSS.

Usage: HF_HUB_OFFLINE=1 python bench/score_bench.py [--posts 5000]
       [--backends torch onnx onnx-int8] [--database-url URL]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text

from core.database import get_engine
from core.migrate import upgrade
from core.tables import ingest_batches, metadata, posts
from models.champions import load_scorer
from models.dataset import project_posts
from models.encoder import Encoder
from models.scoring import score_posts


def store_posts(engine, count: int) -> None:
    texts = [p.text for p in project_posts()]
    now = datetime(2026, 3, 2)
    with engine.begin() as connection:
        batch_id = connection.execute(
            insert(ingest_batches)
            .values(
                source="bench", file_name="bench", format="jsonl", status="done", started_at=now
            )
            .returning(ingest_batches.c.id)
        ).scalar_one()
        rows = [
            {
                "source": "bench",
                "source_id": str(i),
                "batch_id": batch_id,
                "created_at": now,
                "author": f"{i % 500:016x}",
                "text": f"{texts[i % len(texts)]} #{i}",
                "content_hash": f"{i:032x}",
                "ingested_at": now,
            }
            for i in range(count)
        ]
        for start in range(0, count, 5000):
            connection.execute(insert(posts), rows[start : start + 5000])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--backends", nargs="+", default=["torch", "onnx", "onnx-int8"])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--batch-size", type=int, default=256)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url or f"sqlite:///{scratch}/bench.db"
        engine = get_engine(url)
        if args.database_url:
            with engine.begin() as connection:
                connection.execute(text("drop table if exists alembic_version"))
                metadata.drop_all(connection)
        upgrade(engine)
        store_posts(engine, args.posts)
        print(f"{args.posts:,} posts in {engine.dialect.name}; batch size {args.batch_size}")
        print("| backend | posts/s | peak RSS (MB) |")
        print("|---|---:|---:|")
        for backend in args.backends:
            model_dir = Path(scratch) / f"models-{backend}"
            encoder = Encoder(backend=backend, cache_dir=Path(scratch) / "onnx-cache")
            encoder.encode(["warm up"])  # the ONNX export is a one-off cost, not scoring speed
            scorer = load_scorer(engine, model_dir, encoder)
            started = time.perf_counter()
            result = score_posts(engine, scorer, batch_size=args.batch_size)
            seconds = time.perf_counter() - started
            print(f"| {backend} | {result.scored / seconds:,.0f} | {_peak_rss_mb():,.0f} |")
            with engine.begin() as connection:
                for table in ("post_topics", "topic_predictions", "sentiment_predictions"):
                    connection.execute(text(f"delete from {table}"))
                connection.execute(text("delete from model_versions"))


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
