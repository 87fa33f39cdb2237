"""Answering a query: guarded blocks in, the cells the query selects out.

The differencing rule (issue 4, docs/privacy.md): a query's dates snap to
whole periods, its org-unit filter selects whole units (with their children),
and its answer only ever *selects* cells of the guarded blocks, never sums
them. Suppression is decided per block from the data alone, so every query
shows cells of one consistently guarded table and no two answers differ by a
group the guard hid.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from sqlalchemy import Engine

from reports.aggregate import ALL_TOPICS, Block, Champions, aggregate
from reports.blocks import ALL, ROOT, Figures, GroupKey, block_table
from reports.guard import LOW_AUTHORS, PROTECTED, Decision, guard
from reports.periods import Period, snap
from reports.stats import net_sentiment

Dimension = Literal["org_unit", "channel"]


@dataclass(frozen=True)
class Privacy:
    """The thresholds the guard applies (from settings).

    Attributes:
        k: The fewest distinct authors a shown cell may describe.
        protected: Topic id -> its own, higher k; never broken down (P3).
        comment_k: The fewest authors a cell needs before a report quotes its posts (P4).
    """

    k: int = 5
    protected: dict[str, int] = field(default_factory=lambda: {"collective_action": 10})
    comment_k: int = 10

    def k_for(self, topic: str) -> int:
        """The k of ``topic``."""
        return self.protected.get(topic, self.k)


@dataclass(frozen=True)
class ReportQuery:
    """What to count.

    Attributes:
        start: First day (snapped back to its period's start).
        end: Last day, inclusive (snapped forward to its period's end).
        period: ``day``, ``week`` or ``month`` (P6: nothing narrower than a day).
        topics: Topic ids; empty: every post (``ALL_TOPICS``) only.
        org_unit: A unit and everything below it; None: the whole organisation.
        channel: One channel; None: every channel.
        by: Break down by ``org_unit`` (the unit's children and its direct posts)
            and/or ``channel``.
    """

    start: date
    end: date
    period: Period = "week"
    topics: tuple[str, ...] = ()
    org_unit: str | None = None
    channel: str | None = None
    by: tuple[Dimension, ...] = ()


@dataclass(frozen=True)
class Cell:
    """One shown or suppressed cell. A suppressed cell carries its reason and no figures."""

    period: date
    topic: str
    org_unit: str | None
    direct: bool
    channel: str | None
    suppressed: bool
    reason: str | None = None
    posts: int | None = None
    authors: int | None = None
    negative: int | None = None
    neutral: int | None = None
    positive: int | None = None
    mean_score: float | None = None
    net_sentiment: float | None = None
    net_low: float | None = None
    net_high: float | None = None
    share: float | None = None  # of all posts in the same period, unit and channel


@dataclass(frozen=True)
class Result:
    """The cells a query selects, with suppression counted by reason."""

    query: ReportQuery
    start: date
    stop: date
    cells: list[Cell]
    suppressed: dict[str, int]


def answer(engine: Engine, champions: Champions, privacy: Privacy, query: ReportQuery) -> Result:
    """Count, guard and select the cells ``query`` asks for.

    Which cells are listed follows the all-posts block (where anyone posted),
    never the topic's own, so a listing cannot tell where a topic was raised:
    a group with no post on the topic is shown suppressed like any group
    below k.
    """
    start, stop = snap(query.start, query.end, query.period)
    topics = query.topics or (ALL_TOPICS,)
    blocks = aggregate(engine, champions, start, stop, query.period, (ALL_TOPICS, *topics))
    decisions = {
        key: guard(block_table(block, privacy.k_for(key[1]), key[1] in privacy.protected))
        for key, block in blocks.items()
    }
    cells = []
    for period in sorted({period for period, _ in blocks}):
        everyone = blocks[(period, ALL_TOPICS)], decisions[(period, ALL_TOPICS)]
        for topic in topics:
            block = blocks.get((period, topic), {})
            decision = decisions.get((period, topic), Decision())
            for key in _selected(everyone[0], query):
                protected = topic in privacy.protected and key != GroupKey(ROOT, False, ALL)
                cells.append(_cell(period, topic, key, block, decision, everyone, protected))
    return Result(query, start, stop, cells, dict(Counter(c.reason for c in cells if c.reason)))


def _selected(block: Block, query: ReportQuery) -> list[GroupKey]:
    """The keys of ``block`` the query's filters and breakdown pick, in a stable order."""
    unit = query.org_unit or ROOT
    if "org_unit" in query.by:
        rows = [(u, False) for u in sorted({k.unit for k in block}) if _is_child(u, unit)]
        rows.append((unit, True))
    else:
        rows = [(unit, False)]
    if "channel" in query.by:
        columns = sorted({k.channel for k in block if k.channel != ALL})
    else:
        columns = [query.channel if query.channel is not None else ALL]
    return [
        GroupKey(u, direct, c)
        for u, direct in rows
        for c in columns
        if GroupKey(u, direct, c) in block
    ]


def _is_child(unit: str, parent: str) -> bool:
    if unit == ROOT:
        return False
    return (unit.rsplit("/", 1)[0] if "/" in unit else ROOT) == parent


def _cell(
    period: date,
    topic: str,
    key: GroupKey,
    block: Block,
    decision: Decision,
    everyone: tuple[Block, Decision],
    protected: bool,
) -> Cell:
    where = dict(
        period=period,
        topic=topic,
        org_unit=key.unit or None,
        direct=key.direct,
        channel=None if key.channel == ALL else key.channel,
    )
    if protected:
        return Cell(**where, suppressed=True, reason=PROTECTED)
    if key not in block:
        return Cell(**where, suppressed=True, reason=LOW_AUTHORS)
    if decision.is_suppressed(key):
        return Cell(**where, suppressed=True, reason=decision.suppressed[key])
    figures = block[key]
    net = net_sentiment(figures.negative, figures.neutral, figures.positive)
    return Cell(
        **where,
        suppressed=False,
        posts=figures.posts,
        authors=figures.authors,
        negative=figures.negative,
        neutral=figures.neutral,
        positive=figures.positive,
        mean_score=round(figures.score_sum / figures.posts, 4),
        net_sentiment=round(net.value, 4),
        net_low=round(net.low, 4),
        net_high=round(net.high, 4),
        share=_share(figures, key, everyone),
    )


def _share(figures: Figures, key: GroupKey, everyone: tuple[Block, Decision]) -> float | None:
    """The topic's share of the group's posts, only when the group's own total is shown too.

    A share next to a suppressed total would give the total away.
    """
    block, decision = everyone
    if key not in block or decision.is_suppressed(key):
        return None
    return round(figures.posts / block[key].posts, 4)
