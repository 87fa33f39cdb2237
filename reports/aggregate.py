"""Blocks from the rollup: every org unit's subtree and direct posts, per channel and overall.

For every period and topic in a date range ``count_blocks`` returns a whole
block (``reports.blocks``): each org unit's subtree and, for units with
children, its direct posts, each per channel and over all channels. The
figures come from the rollup's day rows (``reports.rollup``): days merge into
their period, units into their ancestors (through the closure table
``org_unit_ancestors``) and channels into all channels, author sets by union,
so a cell's distinct authors are exact. A post counts when the sentiment
champion has scored it; for a topic, when the topics champion assigned it
that topic. Posts with no author are counted as posts but never as authors,
so they can only make a cell smaller in the guard's eyes.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from pyroaring import BitMap
from sqlalchemy import Connection, select

from core.tables import org_unit_ancestors
from reports import rollup
from reports.blocks import ALL, Figures, GroupKey, parent_of
from reports.periods import Period, period_start
from reports.rollup import RollupCell

Block = dict[GroupKey, Figures]


def count_blocks(
    connection: Connection, start: date, stop: date, period: Period
) -> dict[tuple[date, str], Block]:
    """Blocks for every period in ``[start, stop)`` and every topic the rollup holds.

    Args:
        connection: The store, its rollup up to date.
        start: First day (a period start).
        stop: The day after the last (a period start).
        period: ``day``, ``week`` or ``month``.

    Returns:
        (period start, topic) -> that block's non-empty cells.
    """
    ancestors: dict[str, list[str]] = defaultdict(list)
    for unit, ancestor in connection.execute(select(org_unit_ancestors)):
        ancestors[unit].append(ancestor)
    # Each day's (unit, channel) row goes into every group of its period that holds it.
    parts: dict[tuple[date, str], dict[GroupKey, list[RollupCell]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for day, topic, unit, channel, leaf in rollup.read(connection, start, stop):
        groups = parts[(period_start(day, period), topic)]
        for column in (channel, ALL):
            groups[GroupKey(unit, True, column)].append(leaf)
            for ancestor in ancestors[unit]:
                groups[GroupKey(ancestor, False, column)].append(leaf)
    return {
        key: _drop_leaf_direct_rows({group: _figures(cells) for group, cells in groups.items()})
        for key, groups in parts.items()
    }


def _figures(cells: list[RollupCell]) -> Figures:
    """The figures of the union of ``cells`` (one loop: this runs for every cell of every block)."""
    posts = negative = neutral = positive = 0
    score_sum = 0.0
    for cell in cells:
        posts += cell.posts
        negative += cell.negative
        neutral += cell.neutral
        positive += cell.positive
        score_sum += cell.score_sum
    authors = cells[0].authors if len(cells) == 1 else BitMap.union(*(c.authors for c in cells))
    return Figures(posts, len(authors), negative, neutral, positive, score_sum)


def _drop_leaf_direct_rows(block: Block) -> Block:
    """Direct rows only for units with children (for a leaf they repeat its subtree row)."""
    parents = {parent_of(key.unit) for key in block if not key.direct}
    return {key: f for key, f in block.items() if not key.direct or key.unit in parents}
