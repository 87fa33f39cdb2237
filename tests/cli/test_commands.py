"""The ``barometer`` command as an operator uses it: real processes, real exit codes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TEST_KEY
from tests.ingest.helpers import post, write_jsonl


def barometer(*args: str, tmp_path: Path, key: bool = True) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "BAROMETER_DATA_DIR": str(tmp_path / "data"),
        "BAROMETER_INGEST_WORKERS": "1",
    }
    env.pop("BAROMETER_PSEUDONYM_KEY", None)
    if key:
        env["BAROMETER_PSEUDONYM_KEY"] = TEST_KEY
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_ingest_prints_its_counts_and_exits_zero(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "f.jsonl", [post(1), post(2, text=""), post(3)])
    barometer("db", "upgrade", tmp_path=tmp_path)
    result = barometer("ingest", str(path), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "read 3, stored 2, updated 0, duplicates 0, quarantined 1" in result.stdout


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        # a file that is not there
        ("missing.jsonl", None, "InputError: input file"),
        # an extension no source reads
        ("posts.xml", "<posts/>", "InputError: cannot tell the format of 'posts.xml'"),
        # an archive that is not a zip
        ("export.zip", "not a zip", "InputError: 'export.zip' is not a readable zip archive"),
    ],
)
def test_ingest_of_an_unreadable_file_exits_one_with_a_one_line_reason(
    tmp_path: Path, name: str, content: str | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    barometer("db", "upgrade", tmp_path=tmp_path)
    result = barometer("ingest", str(path), tmp_path=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_unknown_format_option_lists_the_valid_ones(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "f.jsonl", [post(1)])
    result = barometer("ingest", str(path), "--format", "xml", tmp_path=tmp_path)
    assert result.returncode == 1
    assert "choose one of csv, discourse, jsonl, parquet, slack" in result.stderr


def test_a_missing_pseudonym_key_stops_the_command(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "f.jsonl", [post(1)])
    result = barometer("ingest", str(path), tmp_path=tmp_path, key=False)
    assert result.returncode == 1
    assert result.stderr.startswith("ConfigError: invalid settings: pseudonym_key is required")


def test_quarantine_list_shows_line_field_and_reason(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "f.jsonl", [post(1), post(2, created_at="not a date")])
    barometer("db", "upgrade", tmp_path=tmp_path)
    barometer("ingest", str(path), tmp_path=tmp_path)
    result = barometer("quarantine", "list", tmp_path=tmp_path)
    assert result.returncode == 0
    assert "created_at" in result.stdout and "expected ISO 8601" in result.stdout
    assert "│ 2 " in result.stdout


def test_anonymize_redacts_each_line_and_reports_malformed_ones(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "a", "text": "mail jo@corp.example"}) + "\nnot json\n")
    result = barometer(
        "anonymize",
        "--input",
        str(source),
        "--output",
        str(tmp_path / "out.jsonl"),
        tmp_path=tmp_path,
    )
    assert result.returncode == 0
    assert "line 2: skipped" in result.stderr
    lines = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert lines == [{"id": "a", "text": "mail <EMAIL>"}]


def test_db_upgrade_reports_the_revision(tmp_path: Path) -> None:
    result = barometer("db", "upgrade", tmp_path=tmp_path)
    assert result.returncode == 0
    from core.migrate import head_revision

    assert f"database at revision {head_revision()}" in result.stdout


def test_an_unreachable_database_exits_one_with_a_one_line_reason(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "f.jsonl", [post(1)])
    env_url = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    result = subprocess.run(
        [sys.executable, "-m", "cli.main", "ingest", str(path)],
        env={**os.environ, "BAROMETER_PSEUDONYM_KEY": TEST_KEY, "BAROMETER_DATABASE_URL": env_url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("DatabaseError: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_ingest_refuses_a_database_that_was_not_migrated(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "f.jsonl", [post(1)])
    result = barometer("ingest", str(path), tmp_path=tmp_path)
    assert result.returncode == 1
    assert "run `barometer db upgrade`" in result.stderr


def test_report_on_an_empty_store_exits_one_with_a_one_line_reason(tmp_path: Path) -> None:
    barometer("db", "upgrade", tmp_path=tmp_path)
    result = barometer("report", tmp_path=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "InputError: the store holds no posts yet; run barometer ingest and score first"
    ]


def test_report_writes_the_guarded_report_in_the_format_asked(tmp_path: Path) -> None:
    rows = [post(i, author_id=f"user-{i}") for i in range(12)]
    barometer("db", "upgrade", tmp_path=tmp_path)
    barometer("ingest", str(write_jsonl(tmp_path / "f.jsonl", rows)), tmp_path=tmp_path)
    barometer("score", tmp_path=tmp_path)
    result = barometer("report", "--format", "csv", "--out", "r.csv", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "-> r.csv" in result.stdout
    header = (tmp_path / "r.csv").read_text().splitlines()[0]
    assert header.startswith("section,period,topic,org_unit")
