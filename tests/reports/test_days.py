"""Days and months: the whole organisation only, shown only when the weeks they touch allow."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from core.errors import PrivacyError
from reports.cells import DAY_OF_HIDDEN_WEEK, MONTH_OF_HIDDEN_WEEK
from reports.query import ReportQuery, answer
from tests.ingest.helpers import post
from tests.reports.conftest import PRIVACY, WEEK
from tests.reports.helpers import ingest_late_posts

TUESDAY, WEDNESDAY = date(2026, 3, 3), date(2026, 3, 4)


def _two_more_authors(store, created_at: str, tmp_path: Path, anonymizer, pseudonymize) -> None:
    """Two new ops authors post at ``created_at``, after the store was reported on."""
    engine, champions = store
    late = [
        post(960 + i, text=f"late note {i}", author_id=f"late-{i}")
        | {"created_at": created_at, "org_unit": "ops", "channel": "general"}
        for i in range(2)
    ]
    parts = {"redactor": anonymizer, "pseudonymize": pseudonymize}
    ingest_late_posts(engine, champions, tmp_path / "late.jsonl", late, "neutral", 0.0, **parts)


def _days(engine, champions) -> dict[date, object]:
    result = answer(engine, champions, PRIVACY, ReportQuery(*WEEK, period="day"))
    return {cell.period: cell for cell in result.cells}


@pytest.mark.parametrize(
    "narrower",
    [{"org_unit": "eng"}, {"channel": "general"}, {"by": ("org_unit",)}, {"by": ("channel",)}],
)
@pytest.mark.parametrize("period", ["day", "month"])
def test_daily_and_monthly_figures_are_refused_below_the_whole_organisation(
    store, narrower, period
) -> None:
    engine, champions = store
    with pytest.raises(PrivacyError, match="whole organisation"):
        answer(engine, champions, PRIVACY, ReportQuery(*WEEK, period=period, **narrower))


def test_the_days_of_a_week_where_every_day_has_k_authors_are_shown(store) -> None:
    engine, champions = store
    tuesday = _days(engine, champions)[TUESDAY]
    assert not tuesday.suppressed and tuesday.authors == 32


def test_one_day_below_k_hides_every_day_of_its_week(
    store, anonymizer, pseudonymize, tmp_path: Path
) -> None:
    """Otherwise Wednesday (2 authors) would be the week's figure minus Tuesday's."""
    engine, champions = store
    _two_more_authors(store, "2026-03-04T09:00:00Z", tmp_path, anonymizer, pseudonymize)
    days = _days(engine, champions)
    assert days[WEDNESDAY].suppressed
    assert days[TUESDAY].suppressed and days[TUESDAY].reason == DAY_OF_HIDDEN_WEEK


def _months(engine, champions) -> dict[date, object]:
    query = ReportQuery(*WEEK, period="month")
    return {cell.period: cell for cell in answer(engine, champions, PRIVACY, query).cells}


def test_a_month_whose_weeks_are_all_shown_is_shown(store) -> None:
    engine, champions = store
    march = _months(engine, champions)[date(2026, 3, 2)]
    assert not march.suppressed and march.authors == 32


def test_a_month_with_a_hidden_week_is_hidden(
    store, anonymizer, pseudonymize, tmp_path: Path
) -> None:
    """Otherwise the week of 9 March (2 authors) would be March minus the week of 2 March."""
    engine, champions = store
    _two_more_authors(store, "2026-03-10T09:00:00Z", tmp_path, anonymizer, pseudonymize)
    march = _months(engine, champions)[date(2026, 3, 2)]
    assert march.suppressed and march.reason == MONTH_OF_HIDDEN_WEEK
