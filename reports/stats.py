"""Net sentiment and its Wilson 95% interval.

Net sentiment is ``(positive - negative) / n``, in [-1, 1]. Counting a neutral
post as half a positive one gives ``p = (positive + neutral / 2) / n`` and
``net = 2p - 1`` exactly, so the interval is Wilson's score interval for ``p``,
mapped through ``2p - 1``. It is conservative: the Bernoulli variance it
assumes, ``1 - net**2``, is never below the true variance of a post's score in
{-1, 0, +1}, ``(positive + negative) / n - net**2``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Interval:
    """A point estimate with its 95% interval."""

    value: float
    low: float
    high: float


def wilson(successes: float, n: int, z: float = Z95) -> Interval:
    """Wilson's score interval for a proportion ``successes / n``.

    Args:
        successes: May be fractional (half-counted neutrals).
        n: Trials; must be positive.
        z: Normal quantile. Default: 95%.
    """
    if n <= 0:
        raise ValueError(f"n must be positive, got {n}")
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return Interval(p, max(0.0, centre - half), min(1.0, centre + half))


def net_sentiment(negative: int, neutral: int, positive: int) -> Interval:
    """``(positive - negative) / n`` with its 95% interval, all in [-1, 1]."""
    n = negative + neutral + positive
    share = wilson(positive + neutral / 2, n)
    return Interval((positive - negative) / n, 2 * share.low - 1, 2 * share.high - 1)
