"""Answering a query: guarded blocks in, the cells the query selects out.

The differencing rule (issue 4, docs/privacy.md): a query's dates snap to
whole periods, its org-unit filter selects whole units (with their children),
and its answer only ever *selects* cells of the guarded blocks, never sums
them. Suppression is decided per block from the data alone, so every query
shows cells of one consistently guarded table and no two answers differ by a
group the guard hid.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Literal

from sqlalchemy import select

from core.database import Store, connected
from core.errors import PrivacyError
from core.tables import org_units
from reports import cells
from reports.aggregate import Block
from reports.blocks import ALL, ROOT, Figures, GroupKey
from reports.cells import Guarded
from reports.guard import LOW_AUTHORS, PROTECTED
from reports.periods import Period, snap
from reports.privacy import Privacy
from reports.rollup import ALL_TOPICS, Champions
from reports.stats import net_sentiment

Dimension = Literal["org_unit", "channel"]
ADJECTIVE = {"day": "daily", "week": "weekly", "month": "monthly"}


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


def answer(
    engine: Store,
    champions: Champions,
    privacy: Privacy,
    query: ReportQuery,
    *,
    refresh_first: bool = True,
) -> Result:
    """Select the guarded cells ``query`` asks for.

    Which cells are listed follows the all-posts block (where anyone posted),
    never the topic's own, so a listing cannot tell where a topic was raised:
    a group with no post on the topic is shown suppressed like any group
    below k.

    Args:
        engine: The store.
        champions: Whose predictions count.
        privacy: The thresholds.
        query: What to select.
        refresh_first: Bring the stored cells up to date first (default); the
            API answers from what is stored (see ``cells.read``).
    """
    if query.period != "week" and (query.org_unit or query.channel is not None or query.by):
        raise PrivacyError(
            f"{ADJECTIVE[query.period]} figures are for the whole organisation only; ask for weeks "
            "to filter or break down by org unit or channel"
        )
    start, stop = snap(query.start, query.end, query.period)
    topics = query.topics or (ALL_TOPICS,)
    if refresh_first:
        cells.refresh(engine, champions, privacy)
    read = functools.partial(
        cells.read, engine, champions, privacy, start, stop, query.period, refresh_first=False
    )
    # Only the groups the query can select: a breakdown's dimension in full, the
    # filtered unit or channel alone otherwise (reading every group of the
    # all-posts block cost a request 40 ms at 100k posts, most of its time).
    units = _units_of(engine, query)
    channels = None if "channel" in query.by else {ALL if query.channel is None else query.channel}
    if query.by:  # the groups come from the all-posts block, then the topics' cells of them
        everyone = read((ALL_TOPICS,), units, channels)
        selected = {period: _selected(b.cells, query) for (period, _), b in everyone.items()}
        keys = [key for period_keys in selected.values() for key in period_keys]
        blocks = read(topics, {key.unit for key in keys}, {key.channel for key in keys})
    else:  # one group: the all-posts block and the topics' cells in one read
        blocks = read(tuple({ALL_TOPICS, *topics}), units, channels)
        everyone = {key: block for key, block in blocks.items() if key[1] == ALL_TOPICS}
        selected = {period: _selected(b.cells, query) for (period, _), b in everyone.items()}
    answered = []
    for period in sorted(selected):
        for topic in topics:
            guarded = blocks.get((period, topic), Guarded())
            for key in selected[period]:
                protected = topic in privacy.protected and key != GroupKey(ROOT, False, ALL)
                answered.append(
                    _cell(period, topic, key, guarded, everyone[(period, ALL_TOPICS)], protected)
                )
    counts = Counter(c.reason for c in answered if c.reason)
    return Result(query, start, stop, answered, dict(counts))


def _units_of(engine: Store, query: ReportQuery) -> set[str]:
    """The units a query can select: its unit, and with a breakdown by unit its children too."""
    unit = query.org_unit or ROOT
    if "org_unit" not in query.by:
        return {unit}
    parent = org_units.c.parent.is_(None) if unit == ROOT else org_units.c.parent == unit
    with connected(engine) as connection:
        children = connection.execute(select(org_units.c.path).where(parent)).scalars()
        return {unit, *children}


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
    guarded: Guarded,
    everyone: Guarded,
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
    if key not in guarded.cells:
        return Cell(**where, suppressed=True, reason=LOW_AUTHORS)
    if guarded.decision.is_suppressed(key):
        return Cell(**where, suppressed=True, reason=guarded.decision.suppressed[key])
    figures = guarded.cells[key]
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


def _share(figures: Figures, key: GroupKey, everyone: Guarded) -> float | None:
    """The topic's share of the group's posts, only when the group's own total is shown too.

    A share next to a suppressed total would give the total away.
    """
    if key not in everyone.cells or everyone.decision.is_suppressed(key):
        return None
    return round(figures.posts / everyone.cells[key].posts, 4)
