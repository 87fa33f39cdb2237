"""Counting posts in SQL (SQLAlchemy Core, the same on SQLite and PostgreSQL) into blocks.

For every period and topic in a date range this returns a whole block
(``reports.blocks``): each org unit's subtree and, for units with children,
its direct posts, each per channel and over all channels. A post counts when
the sentiment champion has scored it; for a topic, when the topics champion
assigned it that topic. Posts with no author are counted as posts but never
as authors, so they can only make a cell smaller in the guard's eyes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine, String, case, func, literal, select

from core.tables import org_unit_ancestors, post_topics, posts, sentiment_predictions
from reports.blocks import ALL, ROOT, Figures, GroupKey, parent_of
from reports.periods import Period, as_date, period_of

ALL_TOPICS = "*"  # every post, whatever its topics

Block = dict[GroupKey, Figures]


@dataclass(frozen=True)
class Champions:
    """The model versions whose predictions reports count."""

    sentiment_version_id: int
    topics_version_id: int


def aggregate(
    engine: Engine,
    champions: Champions,
    start: date,
    stop: date,
    period: Period,
    topics: tuple[str, ...] = (),
) -> dict[tuple[date, str], Block]:
    """Blocks for every period in ``[start, stop)`` and every topic.

    Args:
        engine: The store.
        champions: Whose predictions to count.
        start: First day (a period start).
        stop: The day after the last (a period start).
        period: ``day``, ``week`` or ``month``.
        topics: Topic ids to count; ``ALL_TOPICS`` for every post. Default:
            ``ALL_TOPICS`` only.

    Returns:
        (period start, topic) -> that block's non-empty cells.
    """
    wanted = topics or (ALL_TOPICS,)
    blocks: dict[tuple[date, str], Block] = defaultdict(dict)
    with engine.connect() as connection:
        for topic_mode in (ALL_TOPICS, "topics"):
            chosen = [t for t in wanted if (t == ALL_TOPICS) == (topic_mode == ALL_TOPICS)]
            if not chosen:
                continue
            for subtree in (True, False):
                for by_channel in (True, False):
                    query = _query(
                        champions, start, stop, period, chosen, subtree, by_channel, topic_mode
                    )
                    for row in connection.execute(query):
                        key = GroupKey(
                            unit=row.unit,
                            direct=not subtree,
                            channel=row.channel if by_channel else ALL,
                        )
                        blocks[(as_date(row.period), row.topic)][key] = _figures(row)
    return {key: _drop_leaf_direct_rows(block) for key, block in blocks.items()}


def _query(
    champions: Champions,
    start: date,
    stop: date,
    period: Period,
    topics: list[str],
    subtree: bool,
    by_channel: bool,
    topic_mode: str,
) -> Any:
    sentiment = sentiment_predictions
    unit = org_unit_ancestors.c.ancestor if subtree else func.coalesce(posts.c.org_unit, ROOT)
    channel = func.coalesce(posts.c.channel, "")
    bucket = period_of(posts.c.created_at, period)
    topic = post_topics.c.topic if topic_mode != ALL_TOPICS else literal(ALL_TOPICS, String)
    columns = [
        bucket.label("period"),
        topic.label("topic"),
        unit.label("unit"),
        func.count().label("posts"),
        func.count(posts.c.author.distinct()).label("authors"),
        *(
            func.sum(case((sentiment.c.label == label, 1), else_=0)).label(label)
            for label in ("negative", "neutral", "positive")
        ),
        func.sum(sentiment.c.score).label("score_sum"),
    ]
    if by_channel:
        columns.append(channel.label("channel"))
    query = (
        select(*columns)
        .select_from(posts)
        .join(
            sentiment,
            (sentiment.c.post_id == posts.c.id)
            & (sentiment.c.model_version_id == champions.sentiment_version_id),
        )
        .where(posts.c.created_at >= start, posts.c.created_at < stop)
    )
    if subtree:
        query = query.join(
            org_unit_ancestors,
            org_unit_ancestors.c.unit == func.coalesce(posts.c.org_unit, ROOT),
        )
    if topic_mode != ALL_TOPICS:
        query = query.join(
            post_topics,
            (post_topics.c.post_id == posts.c.id)
            & (post_topics.c.model_version_id == champions.topics_version_id),
        ).where(post_topics.c.topic.in_(topics))
    groups = [bucket, unit] + ([post_topics.c.topic] if topic_mode != ALL_TOPICS else [])
    return query.group_by(*groups, *([channel] if by_channel else []))


def _figures(row: Any) -> Figures:
    return Figures(
        posts=int(row.posts),
        authors=int(row.authors),
        negative=int(row.negative),
        neutral=int(row.neutral),
        positive=int(row.positive),
        score_sum=float(row.score_sum),
    )


def _drop_leaf_direct_rows(block: Block) -> Block:
    """Direct rows only for units with children (for a leaf they repeat its subtree row)."""
    parents = {parent_of(key.unit) for key in block if not key.direct}
    return {key: f for key, f in block.items() if not key.direct or key.unit in parents}
