"""The privacy rules through HTTP: the reports tests' guarantees hold for every API answer.

P1 k distinct authors, P2 complementary suppression, P3 protected topics,
P4 no post or author, P6 nothing narrower than a day, and no two answers
that subtract to a hidden group. ``people_ops`` and ``employee_rep`` get the
same bytes.
"""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from sqlalchemy import select

from core.tables import posts
from reports.blocks import block_table
from reports.guard import COMPLEMENT, LOW_AUTHORS, PROTECTED
from reports.rollup import ALL_TOPICS
from tests.api.conftest import WEEK
from tests.reports.helpers import stored_blocks
from tests.reports.test_guard import recoverable


def _cells(api, path: str = "/v1/trends", **params) -> list[dict]:
    response = api.get(path, "people_ops", **WEEK, **params)
    assert response.status_code == 200, response.text
    return response.json()["cells"]


def _where(cells: list[dict], **fields) -> list[dict]:
    return [c for c in cells if all(c[k] == v for k, v in fields.items())]


def test_no_shown_cell_describes_fewer_than_k_authors(api) -> None:
    cells = _cells(api, "/v1/breakdowns", by=["org_unit", "channel"], org_unit="eng")
    cells += _cells(api, "/v1/breakdowns", by=["org_unit", "channel"], org_unit="eng/infra")
    assert cells and all(c["suppressed"] or c["authors"] >= 5 for c in cells)


def test_a_suppressed_cell_is_marked_with_its_reason_and_carries_no_figures(api) -> None:
    cells = _cells(api, "/v1/breakdowns", by=["channel"], org_unit="eng/infra", topic=["*"])
    (help_channel,) = _where(cells, channel="help")
    assert help_channel["suppressed"] and help_channel["reason"] == LOW_AUTHORS
    assert all(help_channel[f] is None for f in ("posts", "authors", "negative", "net_sentiment"))


def test_a_small_channel_takes_a_sibling_with_it(api) -> None:
    cells = _cells(api, "/v1/breakdowns", by=["channel"], org_unit="eng/infra", topic=["*"])
    assert _where(cells, channel="random")[0]["reason"] == COMPLEMENT


def test_a_filter_cannot_be_subtracted_from_a_wider_answer(api) -> None:
    (random,) = _cells(api, org_unit="eng/infra", channel="random", topic=["*"])
    assert random["suppressed"] and random["reason"] == COMPLEMENT


def test_a_protected_topic_is_never_broken_down(api) -> None:
    cells = _cells(api, "/v1/breakdowns", by=["org_unit"], topic=["collective_action"])
    assert cells and {c["reason"] for c in cells} == {PROTECTED}


def test_a_protected_topic_uses_its_own_higher_k(api) -> None:
    (whole,) = _cells(api, topic=["collective_action"])
    assert whole["suppressed"] and whole["reason"] == LOW_AUTHORS  # 3 authors, k 10


@pytest.mark.parametrize("period", ["day", "month"])
@pytest.mark.parametrize("narrower", [{"org_unit": "eng"}, {"channel": "general"}])
def test_daily_and_monthly_figures_are_for_the_whole_organisation_only(api, period, narrower):
    response = api.get("/v1/trends", "people_ops", period=period, **WEEK, **narrower)
    assert response.status_code == 400
    assert "whole organisation" in response.json()["detail"]


def test_a_time_of_day_is_refused(api) -> None:
    response = api.get("/v1/trends", "people_ops", start="2026-03-02T09:00:00", end="2026-03-08")
    assert response.status_code == 422


UNITS = [None, "eng", "eng/infra", "eng/apps", "ops"]
BREAKDOWNS = [(), ("org_unit",), ("channel",), ("org_unit", "channel")]
CHANNELS = [None, "general", "random", "help"]


def test_no_hidden_cell_follows_from_every_answer_together(api) -> None:
    shown: dict = {}
    for unit, by, channel, topic in itertools.product(
        UNITS, BREAKDOWNS, CHANNELS, ["*", "workload"]
    ):
        params = {"topic": [topic], "org_unit": unit, "channel": channel, "by": list(by)}
        path = "/v1/breakdowns" if by else "/v1/trends"
        for c in _cells(api, path, **{k: v for k, v in params.items() if v}):
            key = (c["topic"], c["org_unit"] or "", c["direct"], c["channel"])
            figures = None if c["suppressed"] else (c["posts"], c["negative"], c["positive"])
            assert shown.setdefault(key, figures) == figures, f"{key} answered two ways"
    for topic in (ALL_TOPICS, "workload"):
        (block,) = stored_blocks(api.engine, api.champions, *_week(), "week", (topic,)).values()
        hidden = {
            k
            for k in block
            if shown.get((topic, k.unit, k.direct, None if k.channel == "*" else k.channel)) is None
        }
        assert recoverable(block_table(block, 5), hidden) == []


def _week() -> tuple[date, date]:
    return date(2026, 3, 2), date(2026, 3, 9)


AGGREGATES = [
    ("/v1/trends", {}),
    ("/v1/breakdowns", {"by": ["org_unit", "channel"]}),
    ("/v1/alerts", {}),
    ("/v1/topics", {}),
    ("/v1/reports", {"format": "json"}),
    ("/v1/reports", {"format": "csv"}),
    ("/v1/reports", {"format": "html"}),
]


@pytest.mark.parametrize(("path", "params"), AGGREGATES, ids=[f"{p}{q}" for p, q in AGGREGATES])
def test_people_ops_and_employee_reps_get_the_same_bytes(api, path, params) -> None:
    people_ops = api.get(path, "people_ops", **WEEK, **params)
    employee_rep = api.get(path, "employee_rep", **WEEK, **params)
    assert people_ops.status_code == employee_rep.status_code == 200
    assert people_ops.content == employee_rep.content


@pytest.mark.parametrize(("path", "params"), AGGREGATES, ids=[f"{p}{q}" for p, q in AGGREGATES])
def test_no_answer_carries_a_post_an_author_or_a_post_id(api, path, params) -> None:
    """P4: no stored text ("note 12"), author pseudonym or source id appears in any answer."""
    with api.engine.connect() as connection:
        stored = connection.execute(select(posts.c.author, posts.c.source_id, posts.c.text)).all()
    body = api.get(path, "people_ops", **WEEK, **params).text
    for author, source_id, text in stored:
        assert author not in body
        assert text not in body
        assert f'"{source_id}"' not in body
