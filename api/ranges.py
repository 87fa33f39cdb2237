"""The date range and filters of an aggregate query, as query parameters, checked once."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal

from fastapi import Depends, HTTPException, Query

from api.deps import ConnectionDep, default_end
from core.database import Store
from models.taxonomy import TOPIC_IDS
from reports.periods import period_start
from reports.query import ADJECTIVE, ReportQuery
from reports.rollup import ALL_TOPICS

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
MAX_DAYS = {"day": 366, "week": 3 * 366, "month": 5 * 366}  # the longest range per period
DEFAULT_WEEKS = 12
TopicId = Literal[("*", *TOPIC_IDS)]  # type: ignore[valid-type]
Period = Literal["day", "week", "month"]

StartParam = Annotated[
    date | None,
    Query(ge=EARLIEST, le=LATEST, description="First day (default: the 12 weeks up to end)."),
]
EndParam = Annotated[
    date | None,
    Query(ge=EARLIEST, le=LATEST, description="Last day (default: the newest post's day)."),
]
PeriodParam = Annotated[Period, Query(description="day, week or month.")]
TopicsParam = Annotated[
    list[TopicId] | None,  # type: ignore[valid-type]
    Query(alias="topic", description="Repeat for several; '*' is every post (default: all)."),
]
UnitParam = Annotated[
    str | None,
    Query(min_length=1, max_length=255, description="A unit path (with its children)."),
]
ChannelParam = Annotated[str | None, Query(min_length=1, max_length=128)]


def date_range(
    store: Store, start: date | None, end: date | None, period: str
) -> tuple[date, date]:
    """The range asked for, with defaults; 400 when it is reversed or too long."""
    last = default_end(store, end)
    first = start or period_start(last, "week") - timedelta(weeks=DEFAULT_WEEKS - 1)
    if first > last:
        raise HTTPException(400, f"start ({first}) must not be after end ({last}).")
    if (last - first).days + 1 > MAX_DAYS[period]:
        raise HTTPException(
            400,
            f"A {ADJECTIVE[period]} range may span at most {MAX_DAYS[period]} days; ask for less.",
        )
    return first, last


async def cell_query(
    connection: ConnectionDep,
    start: StartParam = None,
    end: EndParam = None,
    period: PeriodParam = "week",
    topics: TopicsParam = None,
    org_unit: UnitParam = None,
    channel: ChannelParam = None,
) -> ReportQuery:
    """The query the trends and breakdowns parameters describe, defaults filled in."""
    first, last = date_range(connection, start, end, period)
    return ReportQuery(first, last, period, topics_of(topics), org_unit, channel)


CellQueryDep = Annotated[ReportQuery, Depends(cell_query)]


def topics_of(topics: list[str] | None) -> tuple[str, ...]:
    """The topics asked for, each once, in order; default every topic and ``*``."""
    if not topics:
        return (ALL_TOPICS, *TOPIC_IDS)
    return tuple(dict.fromkeys(topics))
