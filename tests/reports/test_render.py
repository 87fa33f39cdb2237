"""The report and its machine formats: every guarded cell present, suppressed ones marked."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from core.errors import ConfigError
from reports.render import renderer_for
from reports.report import latest_post_day


def test_the_report_holds_trends_for_every_topic_and_a_breakdown_by_unit(report) -> None:
    assert {c.topic for c in report.trends} >= {"*", "workload", "collective_action"}
    assert {c.org_unit for c in report.breakdown} == {"eng", "ops"}


def test_json_keeps_suppressed_cells_with_their_reason_and_no_figures(report) -> None:
    document = json.loads(renderer_for("json").render(report))
    hidden = [c for c in document["breakdown"] if c["suppressed"]]
    assert hidden and all(c["reason"] and c["posts"] is None for c in hidden)
    assert document["privacy"] == {"k": 5, "protected_topics": {"collective_action": 10}}
    assert sum(document["suppressed"].values()) == len(
        [c for c in document["trends"] + document["breakdown"] if c["suppressed"]]
    )


def test_csv_has_one_row_per_cell(report) -> None:
    rows = list(csv.DictReader(io.StringIO(renderer_for("csv").render(report).decode())))
    assert len(rows) == len(report.trends) + len(report.breakdown)
    assert {row["section"] for row in rows} == {"trend", "breakdown"}


def test_an_unknown_format_lists_the_valid_ones() -> None:
    with pytest.raises(ConfigError, match="one of csv, html, json, pdf, got"):
        renderer_for("docx")


def test_the_default_end_is_the_day_of_the_newest_post(store) -> None:
    engine, _ = store
    assert latest_post_day(engine) == date(2026, 3, 3)
