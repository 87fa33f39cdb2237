"""Scoring speed, memory and quality per encoder backend.

Stores N posts (texts from the project's labeled posts, each made unique) in a
fresh SQLite or PostgreSQL database and exports the ONNX graphs once. Then, for
each backend, a fresh process scores every stored post with the shipped
champions (posts/s end to end, and that process's peak RSS, export excluded)
and evaluates the champions on the test split through the same encoder, so the
cost of int8 in macro-F1 is measured next to its speed.

Usage: HF_HUB_OFFLINE=1 python bench/score_bench.py [--posts 5000]
       [--backends torch onnx onnx-int8] [--database-url URL]
       [--batch-size 256] [--encoder-batch-size 16]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_store import fresh_store, insert_batch
from sqlalchemy import insert, text

from core.database import get_engine
from core.tables import posts
from models.champions import load_scorer
from models.dataset import project_posts, project_split
from models.encoder import Encoder
from models.evaluation import evaluate_sentiment, evaluate_topics
from models.registry import load_model
from models.scoring import score_posts
from models.shipped import SHIPPED


def store_posts(engine, count: int) -> None:
    texts = [p.text for p in project_posts()]
    now = datetime(2026, 3, 2)
    with engine.begin() as connection:
        batch_id = insert_batch(connection, now)
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
    parser.add_argument("--encoder-batch-size", type=int, default=16)
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--scratch", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(score_once(args)))
        return
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url or f"sqlite:///{scratch}/bench.db"
        engine = fresh_store(url, shared=bool(args.database_url))
        store_posts(engine, args.posts)
        engine.dispose()
        for kind in ("sentiment", "topics"):
            # Merge each champion's adapter and export it now, so no worker times or
            # measures the one-off merge and export (which import PyTorch).
            exporter = Encoder(backend="onnx", cache_dir=Path(scratch) / "onnx-cache")
            load_model(SHIPPED / kind, exporter).predict_proba(["export"])
        print(
            f"{args.posts:,} posts in {engine.dialect.name}; batch size {args.batch_size}, "
            f"encoder batch size {args.encoder_batch_size}"
        )
        print(
            "| backend | posts/s | peak RSS (MB) | test sentiment macro-F1 | test topics micro-F1 |"
        )
        print("|---|---:|---:|---:|---:|")
        for backend in args.backends:
            command = [sys.executable, __file__, *sys.argv[1:], "--worker", backend]
            command += ["--scratch", scratch, "--database-url", url]
            result = json.loads(
                subprocess.run(command, check=True, capture_output=True, text=True)
                .stdout.strip()
                .splitlines()[-1]
            )
            print(
                f"| {backend} | {result['posts_per_s']:,.0f} | {result['peak_rss_mb']:,.0f} "
                f"| {result['sentiment_macro_f1']:.3f} | {result['topics_micro_f1']:.3f} |"
            )


def score_once(args: argparse.Namespace) -> dict[str, float]:
    """Score every stored post with one backend, then evaluate on the test split."""
    engine = get_engine(args.database_url)
    encoder = Encoder(
        backend=args.worker,
        cache_dir=Path(args.scratch) / "onnx-cache",
        batch_size=args.encoder_batch_size,
    )
    scorer = load_scorer(engine, Path(args.scratch) / f"models-{args.worker}", encoder)
    started = time.perf_counter()
    result = score_posts(engine, scorer, batch_size=args.batch_size)
    seconds = time.perf_counter() - started
    peak = _peak_rss_mb()
    with engine.begin() as connection:
        for table in ("post_topics", "topic_predictions", "sentiment_predictions"):
            connection.execute(text(f"delete from {table}"))
        connection.execute(text("delete from model_versions"))
    test = project_split("test")
    return {
        "posts_per_s": result.scored / seconds,
        "peak_rss_mb": peak,
        "sentiment_macro_f1": evaluate_sentiment(scorer.sentiment, test)["macro_f1"],
        "topics_micro_f1": evaluate_topics(scorer.topics, test)["micro_f1"],
    }


def _peak_rss_mb() -> float:
    """This process's peak resident set in MB, from VmHWM.

    getrusage would report the parent's peak too: Linux keeps ru_maxrss across exec.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


if __name__ == "__main__":
    main()
