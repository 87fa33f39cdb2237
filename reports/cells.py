"""Guarded cells, stored: weeks' blocks and months' totals, counted and guarded once, read often.

``refresh`` brings the rollup up to date (``reports.rollup.recount``) and,
for every ISO week and month holding a recounted day, recounts its
blocks (``reports.aggregate``), guards each (``reports.guard``: P1-P3 with the
topic's k) and stores every cell with its suppression reason in
``report_cells``. ``read`` returns the stored blocks and decisions, so a
report or an API request selects figures the guard already passed and never
counts or guards anything itself. Days and months are answered for the whole
organisation only, and only where the weeks they touch allow (a month with a
hidden week is hidden; a week's days are shown all together or not at all),
so no difference of periods reveals a hidden one (docs/privacy.md); days are
counted and guarded from the rollup when asked (``_days``).
Suppression is still decided per block from the data alone, whatever is
asked (the differencing rule, docs/privacy.md); storing it only makes every
answer read the same decision.

Other champions or other thresholds than the stored ones (``rollup_state``)
mean a full rebuild, in the same transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Connection, Engine, delete, insert, select, text, update

from core.database import Store, connected
from core.tables import report_cells, rollup_state
from reports import rollup
from reports.aggregate import Block, count_blocks
from reports.blocks import ALL, ROOT, Figures, GroupKey, block_table
from reports.guard import Decision, guard
from reports.periods import Period, next_period, period_start
from reports.privacy import Privacy
from reports.rollup import Champions

CELLS_LOCK = 0x63656C6C  # "cell": the advisory lock id of the refresh on PostgreSQL
# Weeks and months are stored; days are counted and guarded when asked (``_days``).
# Weeks first: a month's decision reads its weeks'.
STORED: tuple[Period, ...] = ("week", "month")
ROOT_CELL = GroupKey(ROOT, False, ALL)  # the whole organisation, every channel
DAY_OF_HIDDEN_WEEK = "a day of a week whose days are not all shown"
MONTH_OF_HIDDEN_WEEK = "a month with a hidden week"


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
        if days or rebuild:
            connection.execute(update(rollup_state).values(refreshed_at=_utcnow()))
        if rebuild and connection.dialect.name == "postgresql":
            # Fresh statistics for the planner: without them (autovacuum off, or
            # not yet run) it read a 12-cell answer through the primary key
            # and filtered 132 rows, 47 ms instead of 0.7 ms.
            connection.execute(text("analyze report_cells, report_rollup"))
    return len(days)


@dataclass(frozen=True)
class StoredState:
    """Whom the stored cells were counted and guarded for, and when they last changed."""

    champions: Champions
    privacy: str  # ``Privacy.fingerprint()`` of the thresholds applied
    refreshed_at: datetime | None


def stored_state(engine: Store) -> StoredState | None:
    """The stored cells' state, or None before the first refresh."""
    with connected(engine) as connection:
        row = connection.execute(select(rollup_state)).first()
    if row is None:
        return None
    return StoredState(
        Champions(row.sentiment_version_id, row.topics_version_id), row.privacy, row.refreshed_at
    )


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def read(
    engine: Store,
    champions: Champions,
    privacy: Privacy,
    start: date,
    stop: date,
    period: Period,
    topics: tuple[str, ...],
    units: Collection[str] | None = None,
    channels: Collection[str] | None = None,
    *,
    refresh_first: bool = True,
) -> dict[tuple[date, str], Guarded]:
    """The guarded blocks of every ``period`` in ``[start, stop)`` for ``topics``.

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
        refresh_first: Bring the cells up to date first (default; ``engine``
            must then be an Engine). The API reads what is stored instead, through
            the request's one connection (``stored_state`` says for whom the
            cells were guarded), so a request never waits for a recount.

    Returns:
        (period start, topic) -> its cells and decision; a block with no posts is absent.
    """
    if refresh_first:
        refresh(engine, champions, privacy)
    if period == "day":
        return _days(engine, champions, privacy, start, stop, topics)
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
    with connected(engine) as connection:
        rows = connection.execute(query).all()  # one fetchall: a fetch per row cost 12 us each
    for row in rows:
        block = blocks[(row.start, row.topic)]
        key = GroupKey(row.org_unit, row.direct, row.channel)
        block.cells[key] = Figures(
            row.posts, row.authors, row.negative, row.neutral, row.positive, row.score_sum
        )
        if row.suppressed is not None:
            block.decision.suppressed[key] = row.suppressed
    return dict(blocks)


def _days(
    engine: Store,
    champions: Champions,
    privacy: Privacy,
    start: date,
    stop: date,
    topics: tuple[str, ...],
) -> dict[tuple[date, str], Guarded]:
    """Days, counted and guarded now: the whole organisation only, a week's days all or none.

    A week is the sum of its days, so a day hidden among shown ones would be
    the week minus the others, and days broken down by unit or channel would
    reopen every subtraction the week's guard closed. So a day block holds
    only the organisation-wide cell (P1 with the topic's k), and a topic's
    days of a week are shown only when every one of them has k authors and
    the week's own organisation-wide cell is shown: then the days add nothing
    an attacker can solve for beyond the week's figure.
    """
    first = period_start(start, "week")
    last = next_period(period_start(stop - timedelta(days=1), "week"), "week")
    weeks = read(
        engine, champions, privacy, first, last, "week", topics, {ROOT}, {ALL}, refresh_first=False
    )
    with connected(engine) as connection:
        blocks = count_blocks(connection, first, last, "day")
    root = ROOT_CELL
    days: dict[tuple[date, str], Guarded] = {}
    hidden_weeks: set[tuple[date, str]] = set()
    for (day, topic), block in blocks.items():
        if topic not in topics or root not in block:
            continue
        cells = {root: block[root]}
        days[(day, topic)] = Guarded(cells, _guard(privacy, topic, cells))
        week = weeks.get((period_start(day, "week"), topic), Guarded())
        if days[(day, topic)].decision.is_suppressed(root) or week.decision.is_suppressed(root):
            hidden_weeks.add((period_start(day, "week"), topic))
    for (day, topic), guarded in days.items():
        if (period_start(day, "week"), topic) in hidden_weeks:
            guarded.decision.suppressed.setdefault(root, DAY_OF_HIDDEN_WEEK)
    return {(day, topic): g for (day, topic), g in days.items() if start <= day < stop}


def _guard(privacy: Privacy, topic: str, block: Block) -> Decision:
    return guard(block_table(block, privacy.k_for(topic), topic in privacy.protected))


def _store(connection: Connection, privacy: Privacy, period: Period, start: date) -> None:
    """Recount, guard and store every topic's block of one period."""
    table = report_cells
    connection.execute(delete(table).where(table.c.period == period, table.c.start == start))
    stop = next_period(start, period)
    hidden_weeks = _topics_with_a_hidden_week(connection, start, stop) if period == "month" else ()
    rows = []
    for (_, topic), block in count_blocks(connection, start, stop, period).items():
        if period == "month":
            block = {ROOT_CELL: block[ROOT_CELL]} if ROOT_CELL in block else {}
        decision = _guard(privacy, topic, block)
        if topic in hidden_weeks and block:
            decision.suppressed.setdefault(ROOT_CELL, MONTH_OF_HIDDEN_WEEK)
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


def _topics_with_a_hidden_week(connection: Connection, start: date, stop: date) -> set[str]:
    """Topics whose organisation-wide cell is suppressed in a week of ``[start, stop)``."""
    table = report_cells
    query = select(table.c.topic).where(
        table.c.period == "week",
        table.c.start >= start,
        table.c.start < stop,
        table.c.org_unit == ROOT,
        table.c.direct.is_(False),
        table.c.channel == ALL,
        table.c.suppressed.is_not(None),
    )
    return set(connection.execute(query).scalars())
