"""The report's charts, drawn with matplotlib as inline SVG (text stays text, no files).

Suppressed cells are drawn, never dropped: a trend leaves a gap with a grey
mark on the axis, and the heatmap shows a hatched grey cell saying why.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from reports.guard import PROTECTED
from reports.query import Cell

GREY = "#9aa0a6"
LINE = "#1f5f99"
BAND = "#9ec3e6"


def _figure(width: float, height: float) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": "barometer",  # stable element ids: the same report, the same bytes
            "font.size": 8,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "font.family": "DejaVu Sans",
        }
    )
    return plt, plt.figure(figsize=(width, height))


def _svg(plt: Any, figure: Any) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _series(cells: Sequence[Cell]) -> dict[str, list[Cell]]:
    by_topic: dict[str, list[Cell]] = defaultdict(list)
    for cell in cells:
        if cell.org_unit is None and cell.channel is None and not cell.direct:
            by_topic[cell.topic].append(cell)
    return {topic: sorted(c, key=lambda c: c.period) for topic, c in by_topic.items()}


def small_multiples(cells: Sequence[Cell], metric: str, labels: dict[str, str]) -> str:
    """One panel per topic: ``net_sentiment`` with its 95% band, or ``share`` of posts.

    Args:
        cells: Whole-organisation trend cells.
        metric: ``net_sentiment`` or ``share``.
        labels: Topic id -> title, in panel order.
    """
    series = _series(cells)
    topics = [t for t in labels if t in series and (metric != "share" or t != "*")]
    columns = 4
    rows = max(1, -(-len(topics) // columns))
    plt, figure = _figure(10, 1.9 * rows)
    axes = figure.subplots(rows, columns, sharex=True, squeeze=False)
    for ax in axes.flat[len(topics) :]:
        ax.set_visible(False)
    for ax, topic in zip(axes.flat, topics, strict=False):
        _panel(ax, series[topic], metric)
        ax.set_title(labels[topic], fontsize=9, loc="left")
    figure.autofmt_xdate(rotation=0, ha="center")
    figure.tight_layout(h_pad=1.2)
    return _svg(plt, figure)


def _panel(ax: Any, cells: list[Cell], metric: str) -> None:
    import matplotlib.dates as mdates

    shown = [c for c in cells if not c.suppressed and getattr(c, metric) is not None]
    hidden = [c.period for c in cells if c.suppressed]
    if metric == "net_sentiment":
        ax.set_ylim(-1, 1)
        ax.set_yticks([-1, -0.5, 0, 0.5, 1], ["−1", "", "0", "", "+1"])
        ax.axhline(0, color=GREY, linewidth=0.6)
        _broken_band(ax, cells)
    else:
        top = max([c.share or 0 for c in shown] + [0.05])
        ax.set_ylim(0, min(1, top * 1.25))
        ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    _broken_line(ax, cells, metric)
    if hidden:
        low = ax.get_ylim()[0]
        ax.plot(hidden, [low] * len(hidden), "x", color=GREY, markersize=4, clip_on=False)
    ax.tick_params(labelbottom=True)
    ax.xaxis.set_major_locator(mdates.MonthLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b"))


def _runs(cells: list[Cell], metric: str) -> list[list[Cell]]:
    """Consecutive shown cells; a suppressed period breaks the line."""
    runs: list[list[Cell]] = [[]]
    for cell in cells:
        if cell.suppressed or getattr(cell, metric) is None:
            runs.append([])
        else:
            runs[-1].append(cell)
    return [run for run in runs if run]


def _broken_line(ax: Any, cells: list[Cell], metric: str) -> None:
    for run in _runs(cells, metric):
        ax.plot(
            [c.period for c in run],
            [getattr(c, metric) for c in run],
            color=LINE,
            linewidth=1.4,
            marker="o" if len(run) == 1 else None,
            markersize=2.5,
        )


def _broken_band(ax: Any, cells: list[Cell]) -> None:
    for run in _runs(cells, "net_sentiment"):
        ax.fill_between(
            [c.period for c in run],
            [c.net_low for c in run],
            [c.net_high for c in run],
            color=BAND,
            alpha=0.55,
            linewidth=0,
        )


def heatmap(cells: Sequence[Cell], labels: dict[str, str]) -> str:
    """Topic (rows) x org unit (columns) net sentiment; suppressed cells hatched, saying why."""
    import numpy as np

    units = sorted({(c.org_unit or "", c.direct) for c in cells}, key=lambda u: (u[1], u[0]))
    topics = [t for t in labels if any(c.topic == t for c in cells)]
    grid = {(c.org_unit or "", c.direct, c.topic): c for c in cells}
    plt, figure = _figure(1.6 + 1.05 * len(units), 0.6 + 0.42 * len(topics))
    ax = figure.add_subplot()
    values = np.full((len(topics), len(units)), np.nan)
    for i, topic in enumerate(topics):
        for j, (unit, direct) in enumerate(units):
            cell = grid.get((unit, direct, topic))
            if cell is not None and not cell.suppressed:
                values[i, j] = cell.net_sentiment
    image = ax.imshow(values, cmap="RdBu", vmin=-1, vmax=1, aspect="auto")
    for i, topic in enumerate(topics):
        for j, (unit, direct) in enumerate(units):
            cell = grid.get((unit, direct, topic))
            if cell is None:
                continue
            if cell.suppressed:
                ax.add_patch(_hatched(plt, j, i))
                mark = "protected" if cell.reason == PROTECTED else "suppressed"
                ax.text(j, i, mark, ha="center", va="center", fontsize=6.5, color="#444")
            else:
                dark = abs(cell.net_sentiment or 0) > 0.55
                ax.text(
                    j,
                    i,
                    f"{cell.net_sentiment:+.2f}  ({cell.authors})",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if dark else "black",
                )
    ax.set_yticks(range(len(topics)), [labels[t] for t in topics])
    ax.set_xticks(range(len(units)), [_unit_label(u, d) for u, d in units])
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    ax.spines[:].set_visible(False)
    figure.colorbar(image, ax=ax, shrink=0.6, label="net sentiment (authors in brackets)")
    return _svg(plt, figure)


def _unit_label(unit: str, direct: bool) -> str:
    if direct:
        return f"{unit} (own posts)" if unit else "no unit given"
    return unit or "whole organisation"


def _hatched(plt: Any, x: int, y: int) -> Any:
    return plt.Rectangle(
        (x - 0.5, y - 0.5), 1, 1, facecolor="#eeeeee", edgecolor="#bbbbbb", hatch="///", linewidth=0
    )


def period_label(day: date, period: str) -> str:
    """How a period is named in the report."""
    if period == "month":
        return day.strftime("%B %Y")
    if period == "week":
        return f"week of {day:%d %b %Y}"
    return f"{day:%a %d %b %Y}"
