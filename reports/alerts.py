"""Alerts: a topic's net sentiment or share of posts moving week over week beyond chance.

A move raises an alert when all of these hold, for the whole organisation:
- both weeks are shown (the guard suppressed neither) and each has at least
  ``min_authors`` distinct authors (default 20);
- the change is material: at least ``min_change`` (default 0.08, 8 points);
- the two weeks' 95% intervals do not overlap, so noise alone rarely does it
  (two independent estimates whose intervals just touch differ by about 2.8
  standard errors: about one false alarm per 180 quiet topic-weeks).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Literal

from reports.query import Cell
from reports.stats import wilson

Metric = Literal["net_sentiment", "share"]


@dataclass(frozen=True)
class Alert:
    """A week-over-week move and the figures behind it."""

    topic: str
    week: date
    metric: Metric
    previous: float
    current: float
    previous_interval: tuple[float, float]
    current_interval: tuple[float, float]
    previous_authors: int
    current_authors: int

    @property
    def change(self) -> float:
        """``current - previous``."""
        return round(self.current - self.previous, 4)


def find_alerts(
    cells: Iterable[Cell], min_authors: int = 20, min_change: float = 0.08
) -> list[Alert]:
    """Alerts in a weekly series of whole-organisation cells, one series per topic.

    Args:
        cells: Shown and suppressed cells of ``period="week"`` answers for the
            whole organisation over all channels.
        min_authors: Fewest authors each of the two weeks needs.
        min_change: Smallest move that matters, as a fraction (0.08 = 8 points).
    """
    series: dict[str, list[Cell]] = defaultdict(list)
    for cell in cells:
        if cell.org_unit is None and cell.channel is None and not cell.direct:
            series[cell.topic].append(cell)
    alerts = []
    for topic, weeks in series.items():
        weeks.sort(key=lambda c: c.period)
        for before, after in pairwise(weeks):
            if not _comparable(before, after, min_authors):
                continue
            for metric in ("net_sentiment", "share"):
                alert = _move(topic, metric, before, after, min_change)
                if alert is not None:
                    alerts.append(alert)
    return sorted(alerts, key=lambda a: (a.week, a.topic, a.metric))


def _comparable(before: Cell, after: Cell, min_authors: int) -> bool:
    return (
        (after.period - before.period).days == 7
        and not before.suppressed
        and not after.suppressed
        and (before.authors or 0) >= min_authors
        and (after.authors or 0) >= min_authors
    )


def _move(topic: str, metric: Metric, before: Cell, after: Cell, min_change: float) -> Alert | None:
    intervals = [_interval(cell, metric) for cell in (before, after)]
    if intervals[0] is None or intervals[1] is None:
        return None
    (previous, low0, high0), (current, low1, high1) = intervals
    overlap = low1 <= high0 and low0 <= high1
    if overlap or abs(current - previous) < min_change:
        return None
    return Alert(
        topic=topic,
        week=after.period,
        metric=metric,
        previous=previous,
        current=current,
        previous_interval=(low0, high0),
        current_interval=(low1, high1),
        previous_authors=before.authors or 0,
        current_authors=after.authors or 0,
    )


def _interval(cell: Cell, metric: Metric) -> tuple[float, float, float] | None:
    if metric == "net_sentiment":
        if cell.net_sentiment is None or cell.net_low is None or cell.net_high is None:
            return None
        return cell.net_sentiment, cell.net_low, cell.net_high
    if cell.share is None or not cell.posts:
        return None
    everyone = round(cell.posts / cell.share)
    share = wilson(cell.posts, everyone)
    return round(share.value, 4), round(share.low, 4), round(share.high, 4)
