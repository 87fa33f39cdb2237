"""The report rollup: what reports count, per day, topic, reported org unit and channel.

Reports never read posts. ``recount`` counts the champions' predictions in
SQL (the same SQLAlchemy Core on SQLite and PostgreSQL) grouped by day,
topic, unit, channel and author, and keeps per day x topic x unit x channel
the additive figures and the *set* of authors as a Roaring bitmap of author
numbers. Distinct authors do not add up across days or units; their sets
merge exactly, so any week, month, subtree or channel is one union away.

The rollup stays consistent by construction: database triggers (migration
0004) mark every day whose posts or predictions are written, changed or
deleted, whichever code path does it (late posts, edits, the P5 roll-up,
re-scoring), and ``recount`` (called by ``reports.cells.refresh``) consumes
the marks and recounts exactly those days.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pyroaring import BitMap
from sqlalchemy import (
    Connection,
    String,
    case,
    delete,
    func,
    insert,
    literal,
    select,
)

from core.tables import (
    author_numbers,
    post_topics,
    posts,
    report_rollup,
    rollup_changes,
    sentiment_predictions,
)
from reports.periods import as_date, day_of

ALL_TOPICS = "*"  # every post, whatever its topics
NO_UNIT = ""  # posts reported under no unit count for the whole organisation only
SENTIMENTS = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class Champions:
    """The model versions whose predictions reports count."""

    sentiment_version_id: int
    topics_version_id: int


@dataclass
class RollupCell:
    """One day x topic x unit x channel of the rollup, or a union of several."""

    posts: int
    negative: int
    neutral: int
    positive: int
    score_sum: float
    authors: BitMap


def recount(connection: Connection, champions: Champions, rebuild: bool) -> set[date]:
    """Recount the days marked as changed, or every day with posts when ``rebuild``.

    Runs in the caller's transaction: the marks it consumes (``DELETE ...
    RETURNING``) come back if that fails, and marks written meanwhile stay for
    the next call.

    Returns:
        The days recounted.
    """
    marked = connection.execute(delete(rollup_changes).returning(rollup_changes.c.day))
    days = {as_date(day) for day in marked.scalars()}
    if rebuild:
        connection.execute(delete(report_rollup))
        days = _all_days(connection)
    for start, stop in _runs(days):
        day = report_rollup.c.day
        connection.execute(delete(report_rollup).where(day >= start, day < stop))
        rows = [
            *_count(connection, champions, start, stop, "all"),
            *_count(connection, champions, start, stop, "topics"),
        ]
        _store(connection, rows)
    return days


def read(
    connection: Connection, start: date, stop: date, topics: Iterable[str] | None = None
) -> Iterator[tuple[date, str, str, str, RollupCell]]:
    """(day, topic, unit, channel, cell) of every rollup row in ``[start, stop)``.

    Args:
        connection: The store.
        start: The first day.
        stop: The day after the last.
        topics: Only these topics (``ALL_TOPICS`` for every post); None: all.
    """
    query = select(report_rollup).where(report_rollup.c.day >= start, report_rollup.c.day < stop)
    if topics is not None:
        query = query.where(report_rollup.c.topic.in_(list(topics)))
    for row in connection.execute(query):
        cell = RollupCell(
            posts=row.posts,
            negative=row.negative,
            neutral=row.neutral,
            positive=row.positive,
            score_sum=row.score_sum,
            authors=BitMap.deserialize(row.authors),
        )
        yield as_date(row.day), row.topic, row.org_unit, row.channel, cell


def _all_days(connection: Connection) -> set[date]:
    first, last = connection.execute(
        select(func.min(posts.c.created_at), func.max(posts.c.created_at))
    ).one()
    if first is None:
        return set()
    start, stop = as_date(first), as_date(last)
    return {start + timedelta(days=i) for i in range((stop - start).days + 1)}


def _runs(days: set[date]) -> list[tuple[date, date]]:
    """Consecutive days as ``[start, stop)`` ranges, so each query uses the date index."""
    runs: list[tuple[date, date]] = []
    for day in sorted(days):
        if runs and runs[-1][1] == day:
            runs[-1] = (runs[-1][0], day + timedelta(days=1))
        else:
            runs.append((day, day + timedelta(days=1)))
    return runs


def _count(connection: Connection, champions: Champions, start: date, stop: date, mode: str) -> Any:
    """Per day, topic, unit, channel and author: posts, posts per class, sum of scores."""
    sentiment = sentiment_predictions
    topic = post_topics.c.topic if mode == "topics" else literal(ALL_TOPICS, String)
    keys = [
        day_of(posts.c.created_at).label("day"),
        topic.label("topic"),
        func.coalesce(posts.c.org_unit, NO_UNIT).label("org_unit"),
        func.coalesce(posts.c.channel, "").label("channel"),
        posts.c.author.label("author"),
    ]
    query = (
        select(
            *keys,
            func.count().label("posts"),
            *(
                func.sum(case((sentiment.c.label == label, 1), else_=0)).label(label)
                for label in SENTIMENTS
            ),
            func.sum(sentiment.c.score).label("score_sum"),
        )
        .select_from(posts)
        .join(
            sentiment,
            (sentiment.c.post_id == posts.c.id)
            & (sentiment.c.model_version_id == champions.sentiment_version_id),
        )
        .where(posts.c.created_at >= start, posts.c.created_at < stop)
    )
    if mode == "topics":
        query = query.join(
            post_topics,
            (post_topics.c.post_id == posts.c.id)
            & (post_topics.c.model_version_id == champions.topics_version_id),
        )
    return connection.execute(query.group_by(*keys)).all()


def _store(connection: Connection, rows: list[Any]) -> None:
    """Fold author-level rows into (day, topic, unit, channel) cells and insert them."""
    numbers = _author_numbers(connection, {row.author for row in rows if row.author is not None})
    cells: dict[tuple[date, str, str, str], RollupCell] = {}
    for row in rows:
        key = (as_date(row.day), row.topic, row.org_unit, row.channel)
        cell = cells.get(key)
        if cell is None:
            cell = cells[key] = RollupCell(0, 0, 0, 0, 0.0, BitMap())
        cell.posts += int(row.posts)
        cell.negative += int(row.negative)
        cell.neutral += int(row.neutral)
        cell.positive += int(row.positive)
        cell.score_sum += float(row.score_sum)
        if row.author is not None:
            cell.authors.add(numbers[row.author])
    values = [
        {
            "day": day,
            "topic": topic,
            "org_unit": unit,
            "channel": channel,
            "posts": cell.posts,
            "negative": cell.negative,
            "neutral": cell.neutral,
            "positive": cell.positive,
            "score_sum": cell.score_sum,
            "authors": cell.authors.serialize(),
        }
        for (day, topic, unit, channel), cell in cells.items()
    ]
    for chunk in range(0, len(values), 10_000):
        connection.execute(insert(report_rollup), values[chunk : chunk + 10_000])


def _author_numbers(connection: Connection, authors: set[str]) -> dict[str, int]:
    """Each pseudonym's number, numbering new ones after the highest so far."""
    known = connection.execute(select(author_numbers.c.author, author_numbers.c.number))
    numbers: dict[str, int] = {author: number for author, number in known}
    new = sorted(authors - numbers.keys())
    if new:
        first = max(numbers.values(), default=-1) + 1
        rows = [{"author": a, "number": first + i} for i, a in enumerate(new)]
        connection.execute(insert(author_numbers), rows)
        numbers.update((row["author"], row["number"]) for row in rows)
    return numbers
