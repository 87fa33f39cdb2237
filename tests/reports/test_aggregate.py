"""Counting in SQL: every block equals a post-by-post count, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from core.tables import post_topics, posts, sentiment_predictions
from reports.blocks import ALL, ROOT, GroupKey
from reports.periods import snap
from reports.rollup import ALL_TOPICS
from tests.ingest.helpers import post
from tests.reports.blocks_reference import Post, reference_cells
from tests.reports.helpers import ingest_scored_store, store_prediction, stored_blocks

UNITS = [None, "eng", "eng/infra", "eng/infra/storage", "eng/apps", "ops", "ops/field"]
CHANNELS = [None, "general", "random"]
SENTIMENTS = ("negative", "neutral", "positive")


@pytest.fixture
def store(engine, anonymizer, pseudonymize, tmp_path: Path):
    """60 posts over three weeks of March 2026, all scored but the last five; odd ids: workload."""
    rng = random.Random(4)
    rows = [
        post(
            i,
            text=f"Post {i} about the week",
            created_at=f"2026-03-{2 + i % 21:02d}T{8 + i % 9:02d}:00:00Z",
            author_id=f"user-{rng.randrange(25)}",
            org_unit=rng.choice(UNITS),
            channel=rng.choice(CHANNELS),
        )
        for i in range(60)
    ]
    rows = [{k: v for k, v in row.items() if v is not None} for row in rows]
    champions = ingest_scored_store(
        engine,
        tmp_path / "posts.jsonl",
        rows,
        min_group_size=3,
        redactor=anonymizer,
        pseudonymize=pseudonymize,
    )
    with engine.begin() as connection:
        ids = connection.execute(select(posts.c.id).order_by(posts.c.id)).scalars().all()
        for post_id in ids[:-5]:
            topic = "workload" if post_id % 2 else None
            label = SENTIMENTS[post_id % 3]
            store_prediction(connection, champions, post_id, label, (post_id % 3 - 1) * 0.5, topic)
    return engine, champions


def _reference(engine, champions, week: date, topic: str):
    """The block of one week and topic, counted post by post from the stored rows."""
    query = (
        select(posts, sentiment_predictions.c.label, sentiment_predictions.c.score)
        .join(sentiment_predictions, sentiment_predictions.c.post_id == posts.c.id)
        .where(sentiment_predictions.c.model_version_id == champions.sentiment_version_id)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
        tagged = set(connection.execute(select(post_topics.c.post_id)).scalars())
    chosen = [
        Post(r.author, r.org_unit, r.channel, r.label, r.score)
        for r in rows
        if snap(r.created_at.date(), r.created_at.date(), "week")[0] == week
        and (topic == ALL_TOPICS or r.id in tagged)
    ]
    return reference_cells(chosen)


@pytest.mark.parametrize("topic", [ALL_TOPICS, "workload"])
def test_every_block_equals_a_post_by_post_count(store, topic) -> None:
    engine, champions = store
    blocks = stored_blocks(
        engine, champions, date(2026, 3, 2), date(2026, 3, 23), "week", topics=(topic,)
    )
    assert {week for week, _ in blocks} == {date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)}
    for (week, block_topic), block in blocks.items():
        assert block_topic == topic
        expected = _reference(engine, champions, week, topic)
        assert _counts(block) == _counts(expected)
        for key, figures in block.items():
            assert figures.score_sum == pytest.approx(expected[key].score_sum)


def _counts(block) -> dict:
    return {k: (f.posts, f.authors, f.negative, f.neutral, f.positive) for k, f in block.items()}


def test_posts_the_champion_has_not_scored_are_not_counted(store) -> None:
    engine, champions = store
    blocks = stored_blocks(engine, champions, date(2026, 3, 2), date(2026, 3, 23), "week")
    total = sum(b[GroupKey(ROOT, False, ALL)].posts for b in blocks.values())
    assert total == 55


@pytest.mark.parametrize(
    ("period", "starts"),
    [
        ("day", 21),  # one block per day from 2 to 22 March
        ("week", 3),  # Mondays 2, 9 and 16 March
        ("month", 1),  # March
    ],
)
def test_posts_fall_into_whole_periods(store, period, starts) -> None:
    engine, champions = store
    start, stop = snap(date(2026, 3, 2), date(2026, 3, 22), period)
    blocks = stored_blocks(engine, champions, start, stop, period)
    assert len(blocks) == starts
    assert sum(b[GroupKey(ROOT, False, ALL)].posts for b in blocks.values()) == 55
