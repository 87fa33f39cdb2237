"""Periods: days, ISO weeks (Monday first) and calendar months, in Python and in SQL.

P6: the smallest period is a day, and a query's dates snap outwards to whole
periods, so two queries can never differ by part of a period.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Date
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from core.errors import PrivacyError

Period = Literal["day", "week", "month"]
PERIODS: tuple[Period, ...] = ("day", "week", "month")


def period_start(day: date, period: Period) -> date:
    """The first day of the period holding ``day``."""
    _check_day(day)
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def next_period(start: date, period: Period) -> date:
    """The first day of the period after the one starting on ``start``."""
    if period == "day":
        return start + timedelta(days=1)
    if period == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def snap(start: date, end: date, period: Period) -> tuple[date, date]:
    """``[start, end]`` (inclusive days) widened to whole periods.

    Returns:
        (the first period's first day, the day after the last period).
    """
    _check_day(start)
    _check_day(end)
    if end < start:
        raise ValueError(f"end ({end}) is before start ({start})")
    return period_start(start, period), next_period(period_start(end, period), period)


def periods_between(start: date, stop: date, period: Period) -> list[date]:
    """The starts of every period from ``start`` (a period start) up to ``stop`` (exclusive)."""
    starts, current = [], start
    while current < stop:
        starts.append(current)
        current = next_period(current, period)
    return starts


def _check_day(day: date) -> None:
    if isinstance(day, datetime):
        raise PrivacyError(
            f"dates must be whole days (P6: the smallest period is a day), got {day.isoformat()}"
        )


class period_of(FunctionElement):
    """SQL: the first day of the period holding a timestamp column."""

    type = Date()
    inherit_cache = False  # the period is not part of SQLAlchemy's cache key
    name = "period_of"

    def __init__(self, column: Any, period: Period) -> None:
        self.period = period
        super().__init__(column)


_SQLITE = {
    "day": "date({})",
    "week": "date({}, 'weekday 0', '-6 days')",
    "month": "date({}, 'start of month')",
}


@compiles(period_of, "sqlite")
def _period_of_sqlite(element: period_of, compiler: Any, **kw: Any) -> str:
    return _SQLITE[element.period].format(compiler.process(element.clauses, **kw))


@compiles(period_of, "postgresql")
def _period_of_postgresql(element: period_of, compiler: Any, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"cast(date_trunc('{element.period}', {column}) as date)"


def as_date(value: Any) -> date:
    """The day of a period start or timestamp as SQLite (text) or PostgreSQL returns it."""
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
