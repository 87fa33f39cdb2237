"""Queries: k everywhere, protected topics whole; no answers subtract to a hidden group."""

from __future__ import annotations

import itertools
from datetime import date, datetime

import pytest

from core.errors import PrivacyError
from reports.blocks import block_table
from reports.guard import COMPLEMENT, LOW_AUTHORS, PROTECTED
from reports.query import ReportQuery, answer
from reports.rollup import ALL_TOPICS
from tests.reports.conftest import PRIVACY, WEEK
from tests.reports.helpers import stored_blocks
from tests.reports.test_guard import recoverable


def _ask(store, **fields) -> list:
    engine, champions = store
    return answer(engine, champions, PRIVACY, ReportQuery(*WEEK, **fields)).cells


def _where(cells, **fields):
    return [c for c in cells if all(getattr(c, k) == v for k, v in fields.items())]


def test_no_shown_cell_describes_fewer_than_k_authors(store) -> None:
    cells = _ask(store, topics=("workload",), by=("org_unit", "channel"), org_unit="eng")
    cells += _ask(store, by=("org_unit", "channel"), org_unit="eng/infra")
    assert cells and all(c.suppressed or c.authors >= 5 for c in cells)


def test_a_small_channel_is_suppressed_with_a_sibling_and_the_unit_total_is_shown(store) -> None:
    cells = _ask(store, org_unit="eng/infra", by=("channel",))
    assert _where(cells, channel="help")[0].reason == LOW_AUTHORS
    assert _where(cells, channel="random")[0].reason == COMPLEMENT
    (total,) = _ask(store, org_unit="eng/infra")
    assert total.posts == 17


def test_a_filtered_answer_cannot_be_subtracted_from_an_unfiltered_one(store) -> None:
    # "eng/infra, all channels" minus "eng/infra, general" minus "eng/infra,
    # random" would be the 2 authors of "help": the random filter is refused
    # the figures the breakdown hid.
    (random,) = _ask(store, org_unit="eng/infra", channel="random")
    assert random.suppressed and random.reason == COMPLEMENT


def test_dates_snap_to_whole_periods(store) -> None:
    engine, champions = store
    query = ReportQuery(date(2026, 3, 4), date(2026, 3, 4), period="week")
    result = answer(engine, champions, PRIVACY, query)
    assert (result.start, result.stop) == (date(2026, 3, 2), date(2026, 3, 9))


def test_a_time_of_day_is_refused(store) -> None:
    engine, champions = store
    query = ReportQuery(datetime(2026, 3, 3, 9), date(2026, 3, 4))
    with pytest.raises(PrivacyError, match="P6"):
        answer(engine, champions, PRIVACY, query)


def test_a_protected_topic_is_shown_only_for_the_whole_organisation(store) -> None:
    cells = _ask(store, topics=("collective_action",), by=("org_unit",))
    assert {c.reason for c in cells} == {PROTECTED}
    (whole,) = _ask(store, topics=("collective_action",))
    # 3 authors: below the protected topic's own k of 10, though above k = 5.
    assert whole.suppressed and whole.reason == LOW_AUTHORS


def test_a_protected_breakdown_lists_every_unit_whether_or_not_it_raised_the_topic(store) -> None:
    protected = _ask(store, topics=("collective_action",), by=("org_unit",), org_unit="eng")
    everyone = _ask(store, by=("org_unit",), org_unit="eng")
    assert [(c.org_unit, c.direct) for c in protected] == [(c.org_unit, c.direct) for c in everyone]


def test_a_topic_share_is_of_the_same_group_s_posts(store) -> None:
    (cell,) = _ask(store, topics=("workload",), org_unit="eng/infra", channel="general")
    assert (cell.posts, cell.share) == (8, 1.0)
    (everyone,) = _ask(store, topics=("workload",), org_unit="eng/infra")
    assert everyone.share == round(8 / 17, 4)


UNITS = [None, "eng", "eng/infra", "eng/apps", "ops"]
BREAKDOWNS = [(), ("org_unit",), ("channel",), ("org_unit", "channel")]
CHANNELS = [None, "general", "random", "help"]


def test_every_answer_is_one_consistent_table_no_hidden_cell_recoverable(store) -> None:
    engine, champions = store
    shown: dict = {}
    for unit, by, channel, topic in itertools.product(
        UNITS, BREAKDOWNS, CHANNELS, [(), ("workload",)]
    ):
        query = ReportQuery(*WEEK, org_unit=unit, by=by, channel=channel, topics=topic)
        for c in answer(engine, champions, PRIVACY, query).cells:
            key = (c.topic, c.org_unit or "", c.direct, c.channel)
            figures = None if c.suppressed else (c.posts, c.negative, c.neutral, c.positive)
            assert shown.setdefault(key, figures) == figures, f"{key} answered two ways"
    # Everything any query showed, taken together: no hidden cell follows from it.
    for topic in (ALL_TOPICS, "workload"):
        (block,) = stored_blocks(engine, champions, *WEEK_STOP, "week", (topic,)).values()
        table = block_table(block, 5)
        hidden = {
            k
            for k in block
            if shown.get((topic, k.unit, k.direct, None if k.channel == "*" else k.channel)) is None
        }
        assert recoverable(table, hidden) == []


WEEK_STOP = (date(2026, 3, 2), date(2026, 3, 9))
