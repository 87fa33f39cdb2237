"""The report for people: self-contained HTML, the same as PDF, excerpts only where P4 allows."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import pytest

from reports.alerts import Alert
from reports.excerpts import excerpts
from reports.render import renderer_for
from reports.report import build_report
from tests.reports.conftest import PRIVACY, WEEK


def test_the_html_is_one_file_that_loads_nothing_from_elsewhere(report) -> None:
    html = renderer_for("html").render(report).decode()
    assert html.count("<svg") == 3  # net sentiment, share, unit x topic heatmap
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//|file:)""", html)
    assert "<link" not in html and "<script" not in html


def test_the_heatmap_marks_suppressed_and_protected_cells(report) -> None:
    html = renderer_for("html").render(report).decode()
    heatmap = html[html.index("By organisation unit") :]
    assert ">suppressed<" in heatmap and ">protected<" in heatmap


def test_the_pdf_is_the_same_report(report) -> None:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(renderer_for("pdf").render(report))
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "How people feel" in text and "By organisation unit" in text


def _alert(topic: str) -> Alert:
    return Alert(topic, date(2026, 3, 2), "share", 0.1, 0.3, (0.05, 0.15), (0.25, 0.35), 20, 8)


def test_excerpts_are_quoted_only_from_cells_with_enough_authors(store, report) -> None:
    engine, champions = store
    # eng/infra's 8 workload authors: below comment_k = 10, above 5.
    assert excerpts(engine, champions, PRIVACY, [_alert("workload")], report.trends) == {}
    lower = dataclasses.replace(PRIVACY, comment_k=5)
    (texts,) = excerpts(engine, champions, lower, [_alert("workload")], report.trends).values()
    assert 1 <= len(texts) <= 2


def test_a_protected_topic_is_never_quoted(store, report) -> None:
    engine, champions = store
    anyone = dataclasses.replace(PRIVACY, comment_k=1)
    assert excerpts(engine, champions, anyone, [_alert("collective_action")], report.trends) == {}


@pytest.mark.parametrize("period", ["day", "month"])
def test_a_daily_or_monthly_report_renders_without_a_unit_breakdown(store, period) -> None:
    engine, champions = store
    built = build_report(engine, champions, PRIVACY, *WEEK, period=period)
    page = renderer_for("html").render(built).decode()
    assert built.breakdown == [] and "<svg" in page
    assert "By organisation unit" not in page and "whole organisation only" in page
