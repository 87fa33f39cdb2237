"""One period and one topic of the published table: every org unit at every depth x every channel.

Every query is answered from these blocks and only from them: a query selects
cells, it never sums cells into a total the block lacks. Suppression is decided
once per block from the data alone, whatever the query, so two answered queries
can only ever show cells of the same consistently guarded table, and their
difference reveals nothing the table does not (the differencing rule,
docs/privacy.md).

A block's cells are keyed by ``GroupKey``: a unit (``ROOT`` is the whole
organisation), whether only the posts reported at exactly that unit are meant
(``direct``, for a unit with children), and a channel (``ALL`` for every
channel). Its relations: a unit is the sum of its direct posts and its
children, in every channel column; a row over all channels is the sum of its
channels.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from reports.guard import Relation, Table

ROOT = ""  # the whole organisation, as a unit
ALL = "*"  # every channel


class GroupKey(NamedTuple):
    """A group of posts within one period and topic (a tuple: hashed and compared in C).

    Attributes:
        unit: ``ROOT`` or a unit path (``eng/infra``).
        direct: Only the posts reported at exactly ``unit`` (not its children).
        channel: A channel name, ``""`` for posts without one, or ``ALL``.
    """

    unit: str
    direct: bool
    channel: str


@dataclass(frozen=True)
class Figures:
    """What a cell counts. Every field but ``authors`` adds up across cells."""

    posts: int
    authors: int
    negative: int
    neutral: int
    positive: int
    score_sum: float


def parent_of(unit: str) -> str | None:
    """``eng/infra`` -> ``eng``; a top-level unit's parent is ``ROOT``; ``ROOT`` has none."""
    if unit == ROOT:
        return None
    return unit.rsplit("/", 1)[0] if "/" in unit else ROOT


def block_table(cells: Mapping[GroupKey, Figures], k: int, protected: bool = False) -> Table:
    """The guard's view of a block: authors, posts, relations, k, protected breakdowns.

    Args:
        cells: Every non-empty group of the block (subtree rows for every unit
            and ``ROOT``; direct rows for units with children).
        k: The fewest authors a cell may describe (the topic's own k if protected).
        protected: The topic is protected (P3): the table holds only the whole
            organisation over all channels; the rest of the block is marked
            ``PROTECTED`` for every unit alike, so not even which units posted
            is shown.
    """
    root = GroupKey(ROOT, False, ALL)
    if protected:
        cells = {root: cells[root]} if root in cells else {}
    children: dict[str, set[str]] = defaultdict(set)
    for key in cells:
        parent = parent_of(key.unit)
        if parent is not None:
            children[parent].add(key.unit)
    relations = []
    channels = {key.channel for key in cells}
    for unit, kids in children.items():
        for channel in channels:
            total = GroupKey(unit, False, channel)
            members = [GroupKey(unit, True, channel)] + [
                GroupKey(kid, False, channel) for kid in sorted(kids)
            ]
            present = tuple(m for m in members if m in cells)
            if total in cells or present:
                relations.append(Relation(total, present))
    rows = defaultdict(list)
    for key in cells:
        if key.channel != ALL:
            rows[(key.unit, key.direct)].append(key)
    for (unit, direct), members in rows.items():
        relations.append(Relation(GroupKey(unit, direct, ALL), tuple(sorted(members, key=repr))))
    return Table(
        authors={key: f.authors for key, f in cells.items()},
        posts={key: f.posts for key, f in cells.items()},
        relations=relations,
        k={key: k for key in cells},
    )
