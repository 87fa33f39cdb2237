"""The rollup equals a fresh count after late posts, re-scoring, new champions and the P5 roll-up.

Every change below goes through the store the way the pipeline makes it (a
real ingest, SQL writes as scoring and the roll-up do them), never through
the rollup: the database's triggers must notice it.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from sqlalchemy import delete, func, select, update

from core.tables import posts, report_rollup, sentiment_predictions
from reports import cells
from reports.blocks import ALL, ROOT, Figures, GroupKey
from reports.periods import snap
from reports.privacy import Privacy
from reports.rollup import ALL_TOPICS, Champions
from tests.ingest.helpers import post
from tests.reports.conftest import PRIVACY, WEEK
from tests.reports.helpers import (
    ingest_late_posts,
    register_version,
    store_prediction,
    stored_blocks,
)

EVERYONE = GroupKey(ROOT, False, ALL)


def _cell(engine, champions, key: GroupKey = EVERYONE) -> Figures | None:
    """The week's cell ``key`` over all posts."""
    blocks = stored_blocks(engine, champions, *snap(*WEEK, "week"), "week")
    return blocks.get((WEEK[0], ALL_TOPICS), {}).get(key)


def _first_post(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.min(posts.c.id))).scalar_one()


def test_a_refresh_with_nothing_changed_recomputes_no_day(store) -> None:
    engine, champions = store
    cells.refresh(engine, champions, PRIVACY)
    assert cells.refresh(engine, champions, PRIVACY) == 0


def test_a_late_post_for_a_day_already_counted_is_counted(
    store, anonymizer, pseudonymize, tmp_path: Path
) -> None:
    engine, champions = store
    before = _cell(engine, champions)
    late = post(900, text="late note", author_id="latecomer", created_at="2026-03-03T18:00:00Z")
    ingest_late_posts(
        engine,
        champions,
        tmp_path / "late.jsonl",
        [late],
        "positive",
        0.9,
        redactor=anonymizer,
        pseudonymize=pseudonymize,
    )
    after = _cell(engine, champions)
    assert (after.posts, after.authors, after.positive) == (
        before.posts + 1,
        before.authors + 1,
        before.positive + 1,
    )


def test_a_re_scored_post_counts_with_its_new_prediction(store) -> None:
    engine, champions = store
    before = _cell(engine, champions)
    with engine.begin() as connection:
        connection.execute(
            update(sentiment_predictions)
            .where(sentiment_predictions.c.post_id == _first_post(engine))
            .values(label="positive", score=0.7)
        )
    after = _cell(engine, champions)
    assert (after.negative, after.positive) == (before.negative - 1, before.positive + 1)
    assert after.score_sum == before.score_sum + 1.5


def test_a_post_whose_prediction_was_withdrawn_is_not_counted(store) -> None:
    """An edit withdraws a post's predictions until it is scored again."""
    engine, champions = store
    before = _cell(engine, champions)
    with engine.begin() as connection:
        connection.execute(
            delete(sentiment_predictions).where(
                sentiment_predictions.c.post_id == _first_post(engine)
            )
        )
    assert _cell(engine, champions).posts == before.posts - 1


def test_new_champions_are_counted_from_their_own_predictions_only(store) -> None:
    engine, champions = store
    _cell(engine, champions)
    with engine.begin() as connection:
        newer = register_version(connection, "sentiment", "sentiment-newer")
        challengers = Champions(newer, champions.topics_version_id)
        ids = connection.execute(select(posts.c.id).order_by(posts.c.id).limit(3)).scalars()
        for post_id in ids:
            store_prediction(connection, challengers, post_id, "positive", 0.5)
    assert _cell(engine, challengers).posts == 3
    assert _cell(engine, champions).posts > 3


def test_a_post_the_roll_up_moves_to_another_unit_counts_there(store) -> None:
    engine, champions = store
    moved = GroupKey("ops", False, ALL)
    before = _cell(engine, champions, moved)
    with engine.begin() as connection:
        connection.execute(
            update(posts).where(posts.c.org_unit == "eng/apps").values(org_unit="ops")
        )
    after = _cell(engine, champions, moved)
    assert after.posts == before.posts + 9
    assert _cell(engine, champions, GroupKey("eng/apps", False, ALL)) is None


def test_a_deleted_post_is_not_counted(store) -> None:
    engine, champions = store
    before = _cell(engine, champions)
    with engine.begin() as connection:
        connection.execute(delete(posts).where(posts.c.id == _first_post(engine)))
    assert _cell(engine, champions).posts == before.posts - 1


def test_days_outside_the_changes_are_not_recomputed(store) -> None:
    engine, champions = store
    cells.refresh(engine, champions, PRIVACY)
    with engine.begin() as connection:
        connection.execute(
            update(posts)
            .where(posts.c.id == _first_post(engine))
            .values(created_at=datetime(2026, 3, 5, 9))
        )
    assert cells.refresh(engine, champions, PRIVACY) == 2  # the day it left and the day it joined
    with engine.connect() as connection:
        days = connection.execute(select(report_rollup.c.day).distinct()).scalars().all()
    assert date(2026, 3, 5) in days


def test_other_thresholds_re_guard_every_block(store) -> None:
    """eng/infra's help channel has 2 authors: hidden at k=5, shown at k=2."""
    engine, champions = store
    help_desk = GroupKey("eng/infra", False, "help")
    for k, hidden in [(5, True), (2, False), (5, True)]:
        (block,) = cells.read(
            engine, champions, Privacy(k=k), *snap(*WEEK, "week"), "week", (ALL_TOPICS,)
        ).values()
        assert block.decision.is_suppressed(help_desk) is hidden


def test_a_cell_that_reaches_k_with_late_posts_is_shown(
    store, anonymizer, pseudonymize, tmp_path: Path
) -> None:
    engine, champions = store
    help_desk = GroupKey("eng/infra", False, "help")
    late = [
        post(950 + i, text=f"late {i}", author_id=f"helper-{i}", created_at="2026-03-04T09:00:00Z")
        | {"org_unit": "eng/infra", "channel": "help"}
        for i in range(3)
    ]
    before = cells.read(engine, champions, PRIVACY, *snap(*WEEK, "week"), "week", (ALL_TOPICS,))
    ingest_late_posts(
        engine,
        champions,
        tmp_path / "late.jsonl",
        late,
        "neutral",
        0.0,
        redactor=anonymizer,
        pseudonymize=pseudonymize,
    )
    after = cells.read(engine, champions, PRIVACY, *snap(*WEEK, "week"), "week", (ALL_TOPICS,))
    assert before[(WEEK[0], ALL_TOPICS)].decision.is_suppressed(help_desk)
    assert not after[(WEEK[0], ALL_TOPICS)].decision.is_suppressed(help_desk)
    assert after[(WEEK[0], ALL_TOPICS)].cells[help_desk].authors == 5
