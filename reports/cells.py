"""Guarded cells, stored: every week's and month's blocks, counted and guarded once, read often.

``refresh`` brings the rollup up to date (``reports.rollup.recount``) and,
for every ISO week and month holding a recounted day, recounts its
blocks (``reports.aggregate``), guards each (``reports.guard``: P1-P3 with the
topic's k) and stores every cell with its suppression reason in
``report_cells``. ``read`` returns the stored blocks and decisions, so a
report or an API request selects figures the guard already passed and never
counts or guards anything itself (days, not stored, are counted and guarded
from the rollup when asked, by the same code). Suppression is still decided
per block from the data alone, whatever is asked (the differencing rule,
docs/privacy.md); storing it only makes every answer read the same decision.

Other champions or other thresholds than the stored ones (``rollup_state``)
mean a full rebuild, in the same transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, Engine, delete, insert, select, text

from core.tables import report_cells, rollup_state
from reports import rollup
from reports.aggregate import Block, count_blocks
from reports.blocks import Figures, GroupKey, block_table
from reports.guard import Decision, guard
from reports.periods import Period, next_period, period_start
from reports.privacy import Privacy
from reports.rollup import Champions

CELLS_LOCK = 0x63656C6C  # "cell": the advisory lock id of the refresh on PostgreSQL
# Weeks and months are stored; a day's block is small enough to count and guard
# when asked, and storing 365 a year per topic would cost more than it saves.
STORED: tuple[Period, ...] = ("week", "month")


@dataclass
class Guarded:
    """One period and topic: its cells and which of them the guard suppressed."""

    cells: Block = field(default_factory=dict)
    decision: Decision = field(default_factory=Decision)


def refresh(engine: Engine, champions: Champions, privacy: Privacy) -> int:
    """Recount and re-guard whatever changed since the last refresh, in one transaction.

    Returns:
        How many days were recounted (0: nothing had changed).
    """
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("select pg_advisory_xact_lock(:key)"), {"key": CELLS_LOCK})
        wanted = (
            champions.sentiment_version_id,
            champions.topics_version_id,
            privacy.fingerprint(),
        )
        state = connection.execute(
            select(
                rollup_state.c.sentiment_version_id,
                rollup_state.c.topics_version_id,
                rollup_state.c.privacy,
            )
        ).first()
        rebuild = state is None or tuple(state) != wanted
        if rebuild:
            connection.execute(delete(report_cells))
            connection.execute(delete(rollup_state))
            connection.execute(
                insert(rollup_state).values(
                    id=1,
                    sentiment_version_id=wanted[0],
                    topics_version_id=wanted[1],
                    privacy=wanted[2],
                )
            )
        days = rollup.recount(connection, champions, rebuild)
        for period in STORED:
            for start in sorted({period_start(day, period) for day in days}):
                _store(connection, privacy, period, start)
    return len(days)


def read(
    engine: Engine,
    champions: Champions,
    privacy: Privacy,
    start: date,
    stop: date,
    period: Period,
    topics: tuple[str, ...],
    units: Collection[str] | None = None,
    channels: Collection[str] | None = None,
) -> dict[tuple[date, str], Guarded]:
    """The guarded blocks of every ``period`` in ``[start, stop)`` for ``topics``, refreshed first.

    Args:
        engine: The store.
        champions: Whose predictions count.
        privacy: The thresholds the cells must have been guarded with.
        start: The first period's start.
        stop: The day after the last period.
        period: ``day``, ``week`` or ``month``.
        topics: Topic ids (``ALL_TOPICS`` for every post).
        units: Only cells of these units (a query that needs a few cells of
            each block need not read whole blocks); None: every unit.
        channels: Only cells of these channels (``ALL`` for all channels); None: every one.

    Returns:
        (period start, topic) -> its cells and decision; a block with no posts is absent.
    """
    refresh(engine, champions, privacy)
    if period not in STORED:
        return _count_and_guard(engine, privacy, start, stop, period, topics)
    table = report_cells
    query = select(table).where(
        table.c.period == period,
        table.c.start >= start,
        table.c.start < stop,
        table.c.topic.in_(topics),
    )
    if units is not None:
        query = query.where(table.c.org_unit.in_(list(units)))
    if channels is not None:
        query = query.where(table.c.channel.in_(list(channels)))
    blocks: dict[tuple[date, str], Guarded] = defaultdict(Guarded)
    with engine.connect() as connection:
        for row in connection.execute(query):
            block = blocks[(row.start, row.topic)]
            key = GroupKey(row.org_unit, row.direct, row.channel)
            block.cells[key] = Figures(
                row.posts, row.authors, row.negative, row.neutral, row.positive, row.score_sum
            )
            if row.suppressed is not None:
                block.decision.suppressed[key] = row.suppressed
    return dict(blocks)


def _count_and_guard(
    engine: Engine,
    privacy: Privacy,
    start: date,
    stop: date,
    period: Period,
    topics: tuple[str, ...],
) -> dict[tuple[date, str], Guarded]:
    """Blocks counted and guarded now, for the periods not stored (days)."""
    with engine.connect() as connection:
        blocks = count_blocks(connection, start, stop, period)
    return {
        (when, topic): Guarded(block, _guard(privacy, topic, block))
        for (when, topic), block in blocks.items()
        if topic in topics
    }


def _guard(privacy: Privacy, topic: str, block: Block) -> Decision:
    return guard(block_table(block, privacy.k_for(topic), topic in privacy.protected))


def _store(connection: Connection, privacy: Privacy, period: Period, start: date) -> None:
    """Recount, guard and store every topic's block of one period."""
    table = report_cells
    connection.execute(delete(table).where(table.c.period == period, table.c.start == start))
    rows = []
    for (_, topic), block in count_blocks(
        connection, start, next_period(start, period), period
    ).items():
        decision = _guard(privacy, topic, block)
        rows += [
            {
                "period": period,
                "start": start,
                "topic": topic,
                "org_unit": key.unit,
                "direct": key.direct,
                "channel": key.channel,
                "posts": figures.posts,
                "authors": figures.authors,
                "negative": figures.negative,
                "neutral": figures.neutral,
                "positive": figures.positive,
                "score_sum": figures.score_sum,
                "suppressed": decision.suppressed.get(key),
            }
            for key, figures in block.items()
        ]
    for chunk in range(0, len(rows), 10_000):
        connection.execute(insert(table), rows[chunk : chunk + 10_000])
