import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from core.tables import ingest_batches, posts


@pytest.mark.slow
def test_demo_runs_the_pipeline_and_prints_the_api_keys_and_report(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAROMETER_")}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cli.main",
            "demo",
            "--data-dir",
            str(tmp_path / "d"),
            "--people",
            "150",
            "--posts-per-week",
            "12",
            "--no-serve",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "planted layoff_round in week 14" in result.stdout
    engine = create_engine(f"sqlite:///{tmp_path / 'd' / 'barometer.db'}")
    with engine.connect() as connection:
        stored = connection.execute(select(func.count()).select_from(posts)).scalar_one()
        batch = connection.execute(select(ingest_batches)).mappings().one()
    assert batch["status"] == "done"
    assert batch["quarantined"] == 5
    assert stored == batch["stored"] > 300
    assert f"report: {(tmp_path / 'd' / 'report.html').resolve()}" in result.stdout
    assert "API: http://127.0.0.1:8000/v1" in result.stdout
    for role in ("admin", "people_ops", "employee_rep", "ingestor"):
        assert re.search(rf"^  {role} +brm_\S+$", result.stdout, re.MULTILINE), role
    assert "serving" not in result.stdout
