"""A killed ingest, run again, stores every valid record exactly once."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from core.tables import posts
from tests.conftest import TEST_KEY
from tests.ingest.helpers import post, write_jsonl

RECORDS = 1_500
BAD_EVERY = 50  # every 50th record is malformed and must be quarantined, not stored


def ingest_command(path: Path, database_url: str) -> tuple[list[str], dict[str, str]]:
    env = {
        **os.environ,
        "BAROMETER_PSEUDONYM_KEY": TEST_KEY,
        "BAROMETER_DATABASE_URL": database_url,
        "BAROMETER_INGEST_BATCH_SIZE": "25",
        "BAROMETER_INGEST_WORKERS": "1",
    }
    return [sys.executable, "-m", "cli.main", "ingest", str(path)], env


def stored(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(posts)).scalar_one()


@pytest.mark.slow
def test_a_killed_ingest_rerun_stores_each_valid_record_once(
    tmp_path: Path, engine: Engine, database_url: str
) -> None:
    rows = [
        post(
            i,
            text="" if i % BAD_EVERY == 0 else f"Post {i}: on-call again this week.",
            author_id=f"user-{i}",
        )
        for i in range(RECORDS)
    ]
    path = write_jsonl(tmp_path / "big.jsonl", rows)
    command, env = ingest_command(path, database_url)
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while stored(engine) < 100 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    at_kill = stored(engine)
    assert 0 < at_kill < RECORDS - RECORDS // BAD_EVERY, "the kill must land part-way"

    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)

    assert rerun.returncode == 0, rerun.stderr
    valid = {f"p{i}" for i in range(RECORDS) if i % BAD_EVERY}
    with engine.connect() as connection:
        ids = connection.execute(select(posts.c.source_id)).scalars().all()
    assert sorted(ids) == sorted(valid)
