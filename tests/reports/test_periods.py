"""Periods: days, ISO weeks, and months made of whole ISO weeks."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from core.errors import PrivacyError
from reports.periods import next_period, period_start, periods_between, snap


@pytest.mark.parametrize(
    ("day", "month"),
    [
        (date(2026, 3, 2), date(2026, 3, 2)),  # Monday 2 March: March's first week
        (date(2026, 3, 1), date(2026, 2, 2)),  # Sunday 1 March ends February's last week
        (date(2026, 3, 31), date(2026, 3, 30)),  # that week's Thursday is 2 April: April
        (date(2026, 1, 1), date(2025, 12, 29)),  # ISO 2026 starts on Monday 29 December
    ],
)
def test_a_month_is_the_weeks_whose_thursday_falls_in_it(day, month) -> None:
    assert period_start(day, "month") == month


def test_a_month_is_exactly_its_weeks() -> None:
    start = period_start(date(2026, 3, 10), "month")
    weeks = periods_between(start, next_period(start, "month"), "week")
    assert weeks == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16), date(2026, 3, 23)]


def test_months_follow_each_other_without_gaps() -> None:
    start = date(2025, 12, 29)
    for _ in range(24):
        following = next_period(start, "month")
        assert following.weekday() == 0 and (following - start).days in (28, 35)
        assert period_start(following, "month") == following
        start = following


def test_dates_snap_outwards_to_whole_weeks() -> None:
    assert snap(date(2026, 3, 4), date(2026, 3, 10), "week") == (
        date(2026, 3, 2),
        date(2026, 3, 16),
    )


def test_a_time_of_day_is_refused() -> None:
    with pytest.raises(PrivacyError, match="whole days"):
        snap(datetime(2026, 3, 4, 9), date(2026, 3, 10), "week")
