"""Periods: days, ISO weeks (Monday first) and months made of whole ISO weeks.

A month is the four or five ISO weeks whose Thursday falls in it (as ISO 8601
assigns weeks to years), so day < week < month nest and a month is exactly
the sum of its weeks: no month minus its weeks leaves a few edge days, a
group the guard never saw. March 2026 runs from Monday 2 to Sunday 29 March.

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


def period_start(day: date, period: Period) -> date:
    """The first day of the period holding ``day``."""
    _check_day(day)
    if period == "day":
        return day
    monday = day - timedelta(days=day.weekday())
    if period == "week":
        return monday
    return _first_monday(_month_of(monday))


def next_period(start: date, period: Period) -> date:
    """The first day of the period after the one starting on ``start``."""
    if period == "day":
        return start + timedelta(days=1)
    if period == "week":
        return start + timedelta(days=7)
    following = (_month_of(start).replace(day=28) + timedelta(days=4)).replace(day=1)
    return _first_monday(following)


def _month_of(monday: date) -> date:
    """The first day of the calendar month holding the Thursday of ``monday``'s week."""
    return (monday + timedelta(days=3)).replace(day=1)


def _first_monday(first_of_month: date) -> date:
    """The Monday of the first ISO week whose Thursday falls in that month."""
    thursday = first_of_month + timedelta(days=(3 - first_of_month.weekday()) % 7)
    return thursday - timedelta(days=3)


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


class day_of(FunctionElement):
    """SQL: the day (a date) of a timestamp column, on SQLite and PostgreSQL."""

    type = Date()
    inherit_cache = True
    name = "day_of"


@compiles(day_of, "sqlite")
def _day_of_sqlite(element: day_of, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(day_of, "postgresql")
def _day_of_postgresql(element: day_of, compiler: Any, **kw: Any) -> str:
    return f"cast({compiler.process(element.clauses, **kw)} as date)"


def as_date(value: Any) -> date:
    """The day of a period start or timestamp as SQLite (text) or PostgreSQL returns it."""
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
