"""Report renderers, registered by name: JSON and CSV for machines, HTML and PDF for people.

A renderer only formats a ``Report``; it never counts, so it can show nothing
the guard did not pass. Suppressed cells stay in the output, marked, with
their reason and no figures.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, fields
from datetime import date, datetime
from typing import Any, ClassVar

from core.errors import ConfigError
from reports.query import Cell
from reports.report import Report


class Renderer:
    """Base class: a format's name, media type and file suffix, and ``render``."""

    name: ClassVar[str]
    media_type: ClassVar[str]
    suffix: ClassVar[str]

    def render(self, report: Report) -> bytes:
        """The report in this format."""
        raise NotImplementedError


RENDERERS: dict[str, type[Renderer]] = {}


def register(cls: type[Renderer]) -> type[Renderer]:
    """Class decorator: make ``cls`` available under ``cls.name``."""
    RENDERERS[cls.name] = cls
    return cls


def renderer_for(name: str) -> Renderer:
    """The renderer called ``name``; an unknown name lists the valid ones."""
    if name not in RENDERERS:
        raise ConfigError(
            f"report format must be one of {', '.join(sorted(RENDERERS))}, got {name!r}"
        )
    return RENDERERS[name]()


def report_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON-ready values."""
    return {
        "generated_at": report.generated_at.isoformat(timespec="seconds"),
        "start": report.start.isoformat(),
        "stop": report.stop.isoformat(),
        "period": report.period,
        "privacy": {"k": report.privacy.k, "protected_topics": report.privacy.protected},
        "suppressed": report.suppressed,
        "trends": [_plain(asdict(cell)) for cell in report.trends],
        "breakdown": [_plain(asdict(cell)) for cell in report.breakdown],
        "alerts": [_plain({**asdict(alert), "change": alert.change}) for alert in report.alerts],
        "excerpts": [
            {"topic": topic, "week": week, "texts": texts}
            for (topic, week), texts in sorted(report.excerpts.items())
        ],
        "models": report.models,
    }


@register
class JsonRenderer(Renderer):
    """One JSON document."""

    name = "json"
    media_type = "application/json"
    suffix = ".json"

    def render(self, report: Report) -> bytes:
        """The report as indented JSON."""
        return json.dumps(report_dict(report), indent=2, ensure_ascii=False).encode()


@register
class CsvRenderer(Renderer):
    """One row per cell, trends then breakdown; ``section`` says which."""

    name = "csv"
    media_type = "text/csv"
    suffix = ".csv"

    def render(self, report: Report) -> bytes:
        """The report's cells as CSV, suppressed cells with a reason and empty figures."""
        out = io.StringIO()
        columns = [f.name for f in fields(Cell)]
        writer = csv.DictWriter(out, fieldnames=["section", *columns], lineterminator="\n")
        writer.writeheader()
        for section, cells in (("trend", report.trends), ("breakdown", report.breakdown)):
            for cell in cells:
                writer.writerow({"section": section, **_plain(asdict(cell))})
        return out.getvalue().encode()


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value.isoformat() if isinstance(value, date | datetime) else value
        for key, value in values.items()
    }


# The HTML and PDF renderers live in their own module and register on import.
from reports import html as _html  # noqa: E402, F401
