"""The demo organisation: big enough, varied, reproducible, with its events recorded."""

import collections
import hashlib
import json
from pathlib import Path

import pytest

from cli.demo.events import EVENTS, NEW_THEME, TOPICS
from cli.demo.generate import DemoSpec, generate, load_phrases


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[dict, list[dict]]:
    folder = tmp_path_factory.mktemp("demo")
    metadata = generate(folder)
    lines = (folder / "forum.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines if line.endswith("}")]
    return metadata, [r for r in records if "author_id" in r]  # the malformed ones have none


def test_has_twenty_thousand_posts_by_fifteen_hundred_authors(demo) -> None:
    _, records = demo
    assert len(records) >= 20_000
    assert len({r["author_id"] for r in records}) >= 1_500


def test_spans_twenty_five_units_in_three_levels(demo) -> None:
    _, records = demo
    units = {r["org_unit"] for r in records}
    assert len(units) >= 25
    assert {unit.count("/") for unit in units} == {2}


def test_spans_twenty_six_weeks(demo) -> None:
    _, records = demo
    days = sorted(r["created_at"][:10] for r in records)
    from datetime import date

    span = date.fromisoformat(days[-1]) - date.fromisoformat(days[0])
    assert 175 <= span.days < 182


def test_fewer_than_five_percent_of_texts_are_exact_duplicates(demo) -> None:
    _, records = demo
    counts = collections.Counter(r["text"] for r in records)
    assert sum(n - 1 for n in counts.values()) / len(records) < 0.05


def test_some_posts_carry_personal_data_for_the_anonymizer(demo) -> None:
    _, records = demo
    with_email = sum("@corp.example" in r["text"] for r in records)
    assert 50 < with_email < len(records) * 0.05


def test_records_every_planted_event_and_its_week(demo) -> None:
    metadata, _ = demo
    planted = {e["name"]: e["week"] for e in metadata["events"]}
    assert planted == {e.name: e.week for e in EVENTS}
    assert {
        "reassignment_drive",
        "tracking_tool_rollout",
        "layoff_round",
        "petition",
        "badge_system_change",
    } == set(planted)
    assert metadata["new_theme"] == NEW_THEME and NEW_THEME not in TOPICS


def test_the_same_seed_gives_the_same_forum(tmp_path: Path) -> None:
    spec = DemoSpec(people=100, posts_per_week=20)
    digests = []
    for name in ("a", "b"):
        generate(tmp_path / name, spec)
        digests.append(hashlib.sha256((tmp_path / name / "forum.jsonl").read_bytes()).digest())
    assert digests[0] == digests[1]


def test_every_topic_has_sentences_in_every_mood() -> None:
    phrases = load_phrases()
    for topic in (*TOPICS, NEW_THEME, "none"):
        for mood in ("negative", "neutral", "positive"):
            assert len(phrases[topic][mood]) >= 45, (topic, mood)
