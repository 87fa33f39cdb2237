"""Alerts: material, beyond-chance moves week over week, with enough authors."""

from __future__ import annotations

from datetime import date, timedelta

from reports.alerts import find_alerts
from reports.query import Cell
from reports.stats import net_sentiment

MONDAY = date(2026, 3, 2)


def week(
    n: int,
    negative: int,
    neutral: int,
    positive: int,
    authors: int = 60,
    everyone: int = 1000,
    topic: str = "workload",
    suppressed: bool = False,
) -> Cell:
    posts = negative + neutral + positive
    net = net_sentiment(negative, neutral, positive)
    where = dict(
        period=MONDAY + timedelta(weeks=n), topic=topic, org_unit=None, direct=False, channel=None
    )
    if suppressed:
        return Cell(**where, suppressed=True, reason="fewer than k authors")
    return Cell(
        **where,
        suppressed=False,
        posts=posts,
        authors=authors,
        negative=negative,
        neutral=neutral,
        positive=positive,
        net_sentiment=net.value,
        net_low=net.low,
        net_high=net.high,
        share=posts / everyone,
    )


def test_a_sharp_fall_in_net_sentiment_raises_an_alert_with_its_figures() -> None:
    (alert,) = find_alerts([week(0, 30, 30, 40), week(1, 75, 15, 10)])
    assert (alert.metric, alert.week, alert.previous, alert.current) == (
        "net_sentiment",
        MONDAY + timedelta(weeks=1),
        0.1,
        -0.65,
    )
    assert alert.previous_interval[0] > alert.current_interval[1]


def test_a_jump_in_share_of_posts_raises_an_alert() -> None:
    alerts = find_alerts([week(0, 20, 20, 20, everyone=1000), week(1, 60, 60, 60, everyone=1000)])
    assert [a.metric for a in alerts] == ["share"]
    assert (alerts[0].previous, alerts[0].current) == (0.06, 0.18)


def test_ordinary_week_to_week_noise_raises_nothing() -> None:
    assert find_alerts([week(0, 30, 30, 40), week(1, 34, 29, 37), week(2, 28, 33, 39)]) == []


def test_a_move_within_the_intervals_raises_nothing_even_if_large() -> None:
    # 12 posts a week: a 25-point move is well inside the noise.
    assert find_alerts([week(0, 4, 4, 4, authors=25), week(1, 6, 4, 2, authors=25)]) == []


def test_a_move_beyond_the_intervals_but_below_the_material_change_raises_nothing() -> None:
    big = dict(everyone=100000, authors=5000)
    cells = [week(0, 3000, 3000, 4000, **big), week(1, 3300, 3000, 3700, **big)]
    assert find_alerts(cells, min_change=0.08) == []
    assert [a.metric for a in find_alerts(cells, min_change=0.05)] == ["net_sentiment"]


def test_weeks_with_fewer_than_twenty_authors_are_not_compared() -> None:
    assert find_alerts([week(0, 30, 30, 40, authors=19), week(1, 75, 15, 10)]) == []


def test_a_suppressed_week_is_not_compared() -> None:
    assert find_alerts([week(0, 30, 30, 40, suppressed=True), week(1, 75, 15, 10)]) == []
