"""Ingest throughput and peak memory, end to end, through the real ``barometer ingest``.

Usage:
    python bench/ingest_bench.py --posts 20000 --db sqlite
    python bench/ingest_bench.py --posts 1000000 --db postgres --workers 2

Generates a demo-style JSONL of about ``--posts`` posts (anonymization has real
work: names, emails, phones), ingests it in a child process, and samples the
resident memory of that process and its anonymizer workers every 0.2 s.
Prints one Markdown table row; appends a JSON line to bench/out/ingest.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cli.demo.generate import WEEKS, DemoSpec, generate  # noqa: E402

POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def tree_rss(pid: int) -> tuple[int, int]:
    """(RSS of the process, RSS of it and all its descendants), in bytes."""
    import psutil

    try:
        process = psutil.Process(pid)
        own = process.memory_info().rss
        children = sum(child.memory_info().rss for child in process.children(recursive=True))
    except psutil.Error:
        return 0, 0
    return own, own + children


def make_input(posts: int, folder: Path) -> Path:
    per_week = max(1, int(posts / WEEKS / 1.08))  # events add about 8% on top
    path = folder / f"forum-{posts}.jsonl"
    if not path.exists():
        generate(folder / f"gen-{posts}", DemoSpec(posts_per_week=per_week))
        (folder / f"gen-{posts}" / "forum.jsonl").rename(path)
    return path


def database(kind: str, folder: Path) -> tuple[str, callable]:
    if kind == "sqlite":
        db = folder / f"bench-{uuid.uuid4().hex[:6]}.db"
        return f"sqlite:///{db}", lambda: [p.unlink() for p in folder.glob(db.name + "*")]
    from sqlalchemy import create_engine, text

    name = f"barometer_bench_{uuid.uuid4().hex[:6]}"
    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'create database "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'drop database "{name}" with (force)'))

    return POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}", drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--work-dir", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()
    args.work_dir.mkdir(parents=True, exist_ok=True)
    source = make_input(args.posts, args.work_dir)
    lines = sum(1 for _ in source.open("rb"))
    url, cleanup = database(args.db, args.work_dir)
    env = {
        **os.environ,
        "BAROMETER_DATABASE_URL": url,
        "HF_HUB_OFFLINE": "1",
        "BAROMETER_PSEUDONYM_KEY": "benchmark-key-0123456789abcdef",
        "BAROMETER_INGEST_WORKERS": str(args.workers),
    }
    # Migrate first, so the timing covers ingest only.
    subprocess.run(
        [sys.executable, "-m", "cli.main", "db", "upgrade"],
        env=env,
        check=True,
        capture_output=True,
    )
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "ingest", str(source)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    peak_main = peak_tree = 0
    while process.poll() is None:
        own, total = tree_rss(process.pid)
        peak_main, peak_tree = max(peak_main, own), max(peak_tree, total)
        time.sleep(0.2)
    elapsed = time.perf_counter() - started
    output = process.stdout.read() if process.stdout else ""
    cleanup()
    if process.returncode != 0:
        sys.exit(f"ingest failed: {output}")
    result = {
        "date": datetime.now(UTC).date().isoformat(),
        "machine": f"{platform.node()} {os.cpu_count()} cores {platform.machine()}",
        "db": args.db,
        "workers": args.workers,
        "records": lines,
        "seconds": round(elapsed, 1),
        "posts_per_second": round(lines / elapsed),
        "peak_rss_main_mb": round(peak_main / 2**20),
        "peak_rss_total_mb": round(peak_tree / 2**20),
        "summary": output.strip().splitlines()[0] if output.strip() else "",
    }
    with (args.work_dir / "ingest.jsonl").open("a") as log:
        log.write(json.dumps(result) + "\n")
    print(
        f"| {args.db} | {args.workers} | {lines:,} | {elapsed:,.0f} s | "
        f"{result['posts_per_second']:,} | {result['peak_rss_main_mb']} MB | "
        f"{result['peak_rss_total_mb']} MB |"
    )


if __name__ == "__main__":
    main()
