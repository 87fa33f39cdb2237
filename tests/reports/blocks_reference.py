"""A plain-Python reference of a block's cells, for property tests and to check the SQL against."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from reports.blocks import ALL, ROOT, Figures, GroupKey, parent_of

SENTIMENTS = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class Post:
    author: str
    unit: str | None
    channel: str | None
    sentiment: str
    score: float = 0.0


def ancestors(unit: str | None) -> list[str]:
    """``eng/infra`` -> [``eng/infra``, ``eng``, ROOT]."""
    chain, current = [], unit or ROOT
    while current is not None:
        chain.append(current)
        current = parent_of(current)
    return chain


def reference_cells(posts: list[Post]) -> dict[GroupKey, Figures]:
    """Every non-empty group of one block, counted post by post."""
    units = {a for p in posts for a in ancestors(p.unit)}
    has_children = {parent_of(u) for u in units if u != ROOT}
    groups: dict[GroupKey, list[Post]] = defaultdict(list)
    for post in posts:
        channel = post.channel or ""
        unit = post.unit or ROOT
        for column in (channel, ALL):
            for ancestor in ancestors(post.unit):
                groups[GroupKey(ancestor, False, column)].append(post)
            if unit in has_children:
                groups[GroupKey(unit, True, column)].append(post)
    return {
        key: Figures(
            posts=len(members),
            authors=len({p.author for p in members}),
            negative=sum(p.sentiment == "negative" for p in members),
            neutral=sum(p.sentiment == "neutral" for p in members),
            positive=sum(p.sentiment == "positive" for p in members),
            score_sum=sum(p.score for p in members),
        )
        for key, members in groups.items()
    }
