"""The periodic report: topic trends for the whole organisation, a unit x topic breakdown, alerts.

Every figure comes from ``reports.query.answer``, so every figure has passed
the guard. The breakdown covers the report's last period (one guarded block
per topic), not the whole range: a range total would be a new sum of periods
that the guard never saw.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import Engine, func, select

from core.database import Store, connected
from core.tables import posts
from models.taxonomy import TOPIC_IDS
from reports import cells
from reports.alerts import Alert, find_alerts
from reports.excerpts import excerpts
from reports.periods import Period, period_start
from reports.privacy import Privacy
from reports.query import Cell, ReportQuery, answer
from reports.rollup import ALL_TOPICS, Champions


@dataclass(frozen=True)
class Report:
    """What a rendered report shows.

    Attributes:
        start: First day of the first period.
        stop: Day after the last period.
        period: The periods' length.
        trends: Per period and topic (and ``*`` for every post), the whole organisation.
        breakdown: The last period, per top-level org unit and topic (weekly reports only).
        alerts: Week-over-week alerts (weekly reports only).
        suppressed: Suppressed cells per reason, trends and breakdown together.
        privacy: The thresholds applied.
        excerpts: (topic, week ISO date) -> redacted excerpts, where P4 allows them.
        models: The champion versions the figures come from.
    """

    start: date
    stop: date
    period: Period
    trends: list[Cell]
    breakdown: list[Cell]
    alerts: list[Alert]
    suppressed: dict[str, int]
    privacy: Privacy
    excerpts: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    models: str = ""
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def build_report(
    engine: Engine,
    champions: Champions,
    privacy: Privacy,
    start: date,
    end: date,
    period: Period = "week",
    models: str = "",
    *,
    refresh_first: bool = True,
    generated_at: datetime | None = None,
) -> Report:
    """The report of every period from the one holding ``start`` to the one holding ``end``.

    ``refresh_first=False`` reports what is stored (the API); ``generated_at``
    defaults to now (the API passes the cells' refresh time, so the same
    question gets the same bytes).
    """
    if refresh_first:
        cells.refresh(engine, champions, privacy)
    topics = (ALL_TOPICS, *TOPIC_IDS)
    trends = answer(
        engine, champions, privacy, ReportQuery(start, end, period, topics), refresh_first=False
    )
    results = [trends]
    if period == "week":  # days and months are answered for the whole organisation only
        last = period_start(end, period)
        by_unit = ReportQuery(last, end, period, topics, by=("org_unit",))
        results.append(answer(engine, champions, privacy, by_unit, refresh_first=False))
    breakdown = results[1].cells if len(results) > 1 else []
    suppressed: dict[str, int] = {}
    for result in results:
        for reason, count in result.suppressed.items():
            suppressed[reason] = suppressed.get(reason, 0) + count
    alerts = find_alerts(trends.cells) if period == "week" else []
    return Report(
        start=trends.start,
        stop=trends.stop,
        period=period,
        trends=trends.cells,
        breakdown=breakdown,
        alerts=alerts,
        suppressed=suppressed,
        privacy=privacy,
        excerpts=excerpts(engine, champions, privacy, alerts, trends.cells),
        models=models,
        **({"generated_at": generated_at} if generated_at else {}),
    )


def latest_post_day(engine: Store) -> date | None:
    """The day of the newest stored post (a report's default end), or None for an empty store."""
    with connected(engine) as connection:
        newest = connection.execute(select(func.max(posts.c.created_at))).scalar_one()
    if newest is None:
        return None
    return newest.date() if isinstance(newest, datetime) else date.fromisoformat(str(newest)[:10])
