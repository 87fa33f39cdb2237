"""Net sentiment and its interval."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.stats import net_sentiment, wilson


def test_wilson_matches_the_textbook_interval() -> None:
    # 8 successes in 10 trials: 0.490 to 0.943 (Wilson 1927; Agresti & Coull 1998).
    interval = wilson(8, 10)
    assert (round(interval.low, 3), round(interval.high, 3)) == (0.49, 0.943)


def test_net_sentiment_is_positives_minus_negatives_over_posts() -> None:
    assert net_sentiment(negative=30, neutral=20, positive=50).value == pytest.approx(0.2)


def test_the_interval_narrows_as_posts_grow() -> None:
    small = net_sentiment(3, 2, 5)
    large = net_sentiment(300, 200, 500)
    assert large.high - large.low < small.high - small.low


def test_a_unanimous_cell_still_has_an_interval_inside_the_range() -> None:
    interval = net_sentiment(0, 0, 6)
    assert interval.value == 1 and -1 <= interval.low < 1 and interval.high == 1


@given(st.integers(0, 500), st.integers(0, 500), st.integers(0, 500))
def test_the_interval_holds_the_estimate_and_stays_in_range(neg: int, neu: int, pos: int) -> None:
    if neg + neu + pos == 0:
        return
    interval = net_sentiment(neg, neu, pos)
    assert -1 <= interval.low <= interval.value + 1e-12 <= interval.high + 2e-12 <= 1 + 2e-12


def test_an_empty_cell_has_no_interval() -> None:
    with pytest.raises(ValueError, match="n must be positive"):
        net_sentiment(0, 0, 0)
