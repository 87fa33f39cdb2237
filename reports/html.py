"""The report for people: one self-contained HTML file (charts as inline SVG) and its PDF.

The PDF is WeasyPrint's print of the same HTML, so the two never disagree.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from reports.charts import heatmap, period_label, small_multiples
from reports.query import Cell
from reports.render import Renderer, register
from reports.report import Report
from reports.rollup import ALL_TOPICS

TEMPLATES = Path(__file__).resolve().parent / "templates"
METRICS = {"net_sentiment": "net sentiment", "share": "share of posts"}


def topic_label(topic: str) -> str:
    """``job_security`` -> ``Job security``; ``*`` -> ``All posts``."""
    if topic == ALL_TOPICS:
        return "All posts"
    return topic.replace("_", " ").capitalize().replace("Ai ", "AI ")


def render_html(report: Report) -> str:
    """The report as one self-contained HTML document."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["j2", "html"])
    )
    return environment.get_template("report.html.j2").render(**_context(report))


def _context(report: Report) -> dict[str, Any]:
    topics = list(dict.fromkeys([ALL_TOPICS, *(c.topic for c in report.trends)]))
    labels = {topic: topic_label(topic) for topic in topics}
    last = report.stop - timedelta(days=1)
    whole = [c for c in report.trends if c.topic == ALL_TOPICS and c.org_unit is None]
    latest = max(whole, key=lambda c: c.period) if whole else None
    return {
        "period_word": report.period,
        "first_label": period_label(report.start, report.period),
        "last_label": period_label(latest.period if latest else last, report.period),
        "generated": report.generated_at.strftime("%d %b %Y %H:%M UTC"),
        "k": report.privacy.k,
        "comment_k": report.privacy.comment_k,
        "protected_text": ", ".join(
            f"{topic_label(t)}: at least {k}, and never by unit or channel"
            for t, k in report.privacy.protected.items()
        ),
        "protected_names": ", ".join(topic_label(t) for t in report.privacy.protected)
        or "No topic",
        "posts_total": _figure(latest, "posts", "{:,}"),
        "net_total": _figure(latest, "net_sentiment", "{:+.2f}"),
        "suppressed_total": sum(report.suppressed.values()),
        "suppressed_text": "; ".join(f"{n} {reason}" for reason, n in report.suppressed.items())
        or "none",
        "alerts": [_alert_row(a, report.period) for a in report.alerts],
        "quotes": [
            {
                "topic_label": topic_label(topic),
                "week_label": period_label(date.fromisoformat(week), report.period),
                "texts": texts,
            }
            for (topic, week), texts in sorted(report.excerpts.items(), key=lambda i: i[0][::-1])
            if texts
        ],
        "net_chart": small_multiples(report.trends, "net_sentiment", labels),
        "share_chart": small_multiples(report.trends, "share", labels),
        "heatmap": heatmap(report.breakdown, labels) if report.breakdown else "",
        "models": report.models or "see barometer models list",
    }


def _figure(cell: Cell | None, field: str, pattern: str) -> str:
    value = getattr(cell, field, None) if cell is not None and not cell.suppressed else None
    return pattern.format(value) if value is not None else "suppressed"


def _alert_row(alert: Any, period: str) -> dict[str, Any]:
    as_text = "{:+.2f}" if alert.metric == "net_sentiment" else "{:.1%}"
    return {
        "week_label": period_label(alert.week, period),
        "topic_label": topic_label(alert.topic),
        "metric_label": METRICS[alert.metric],
        "previous": as_text.format(alert.previous),
        "current": as_text.format(alert.current),
        "change": alert.change,
        "tone": ("down" if alert.change < 0 else "up") if alert.metric == "net_sentiment" else "",
        "previous_authors": alert.previous_authors,
        "current_authors": alert.current_authors,
    }


@register
class HtmlRenderer(Renderer):
    """One self-contained HTML file."""

    name = "html"
    media_type = "text/html"
    suffix = ".html"

    def render(self, report: Report) -> bytes:
        """The report as HTML."""
        return render_html(report).encode()


@register
class PdfRenderer(Renderer):
    """The HTML report, printed to PDF by WeasyPrint."""

    name = "pdf"
    media_type = "application/pdf"
    suffix = ".pdf"

    def render(self, report: Report) -> bytes:
        """The report as PDF (A4)."""
        import logging

        from weasyprint import HTML

        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        logging.getLogger("fontTools").setLevel(logging.ERROR)
        return HTML(string=render_html(report)).write_pdf()
