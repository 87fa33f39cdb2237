"""``barometer classify``, ``train``, ``promote`` and ``score`` as an operator runs them."""

import json
from pathlib import Path

from models.dataset import project_posts, write_labeled
from tests.cli.test_commands import barometer


def test_classify_writes_predictions_and_reports_malformed_lines(tmp_path: Path) -> None:
    barometer("db", "upgrade", tmp_path=tmp_path)
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"id": 1, "text": "They log every keystroke now, this is creepy."}\n'
        "not json\n"
        '{"id": 2}\n'
        '{"id": 3, "text": "Loving the new hybrid policy, thank you!"}\n'
    )
    result = barometer(
        "classify",
        "--input",
        str(source),
        "--output",
        str(tmp_path / "out.jsonl"),
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "line 2: skipped (not JSON)" in result.stderr
    assert "line 3: skipped (no non-empty string 'text')" in result.stderr
    lines = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [line["id"] for line in lines] == [1, 3]
    assert set(lines[0]) == {"id", "sentiment", "score", "topics", "topic_scores"}
    assert lines[0]["sentiment"] == "negative" and "surveillance" in lines[0]["topics"]
    assert lines[1]["sentiment"] == "positive" and "remote_work" in lines[1]["topics"]


def test_a_candidate_trained_on_little_data_does_not_replace_the_champion(tmp_path: Path) -> None:
    barometer("db", "upgrade", tmp_path=tmp_path)
    few = write_labeled(project_posts()[:240], tmp_path / "few.jsonl")
    result = barometer("train", "--data", str(few), "--promote-if-better", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "sentiment: candidate macro_f1" in result.stdout
    assert "kept the champion" in result.stdout
    listing = barometer("models", "list", tmp_path=tmp_path)
    assert "candidate" in listing.stdout and "champion" in listing.stdout


def test_score_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    result = barometer("score", tmp_path=tmp_path)
    assert result.returncode == 1
    assert "run `barometer db upgrade`" in result.stderr
