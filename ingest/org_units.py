"""The org-unit roll-up (privacy rule P5): units with fewer than k authors report as their parent.

Posts keep the unit they declared (``declared_org_unit``) and carry the unit
reports may use (``org_unit``). After every ingest the roll-up is recomputed
from all stored posts, so a unit that grows past k authors is reported on its
own from then on, and one that never does stays folded into its parent. A
top-level unit below k reports as the whole organisation (``org_unit`` NULL).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass

from sqlalchemy import Engine, delete, insert, select, text, update

from core.org_tree import closure
from core.tables import org_unit_ancestors, org_units, posts

ROLL_UP_LOCK = 0x6261726F  # "baro": the advisory lock id of the roll-up on PostgreSQL


@dataclass(frozen=True)
class OrgUnit:
    """One unit of the tree after the roll-up."""

    path: str
    parent: str | None
    depth: int
    authors: int  # distinct authors in the unit and everything below it
    reported_as: str | None


def parent_of(path: str) -> str | None:
    """``eng/infra/storage`` -> ``eng/infra``; a top-level unit has no parent."""
    return path.rsplit("/", 1)[0] if "/" in path else None


def roll_up(authors_by_unit: dict[str, set[str]], min_group_size: int) -> list[OrgUnit]:
    """Decide which unit each declared unit reports as.

    Works bottom-up: a unit's own authors plus those of its children that were
    too small are counted; below ``min_group_size`` the unit folds into its parent.

    Args:
        authors_by_unit: Declared unit -> the pseudonyms of authors who posted there.
        min_group_size: k.

    Returns:
        Every unit in the tree (declared units and their ancestors).
    """
    units: set[str] = set()
    for path in authors_by_unit:
        while path:
            units.add(path)
            path = parent_of(path) or ""
    subtree: dict[str, set[str]] = defaultdict(set)
    pooled: dict[str, set[str]] = defaultdict(set)
    keeps: dict[str, bool] = {}
    for path in sorted(units, key=lambda p: p.count("/"), reverse=True):
        own = authors_by_unit.get(path, set())
        subtree[path] |= own
        pooled[path] |= own
        keeps[path] = len(pooled[path]) >= min_group_size
        parent = parent_of(path)
        if parent is not None:
            subtree[parent] |= subtree[path]
            if not keeps[path]:
                pooled[parent] |= pooled[path]
    reported: dict[str, str | None] = {}
    for path in sorted(units, key=lambda p: p.count("/")):
        parent = parent_of(path)
        reported[path] = path if keeps[path] else (reported[parent] if parent else None)
    return [
        OrgUnit(path, parent_of(path), path.count("/") + 1, len(subtree[path]), reported[path])
        for path in sorted(units)
    ]


def refresh_org_units(engine: Engine, min_group_size: int) -> list[OrgUnit]:
    """Recompute the roll-up from the stored posts and apply it to ``posts.org_unit``.

    Args:
        engine: The store.
        min_group_size: k.

    Returns:
        The units after the roll-up.
    """
    authors_by_unit: dict[str, set[str]] = defaultdict(set)
    with engine.connect() as connection:
        pairs = connection.execute(
            select(posts.c.declared_org_unit, posts.c.author)
            .where(posts.c.declared_org_unit.is_not(None), posts.c.author.is_not(None))
            .distinct()
        )
        for unit, author in pairs:
            authors_by_unit[unit].add(author)
        declared = connection.execute(
            select(posts.c.declared_org_unit)
            .where(posts.c.declared_org_unit.is_not(None))
            .distinct()
        ).scalars()
        for unit in declared:
            authors_by_unit.setdefault(unit, set())
    units = roll_up(authors_by_unit, min_group_size)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Two ingests finishing at once must not interleave their delete-and-insert.
            connection.execute(text("select pg_advisory_xact_lock(:key)"), {"key": ROLL_UP_LOCK})
        connection.execute(delete(org_units))
        connection.execute(delete(org_unit_ancestors))
        if units:
            connection.execute(insert(org_units), [asdict(unit) for unit in units])
        connection.execute(insert(org_unit_ancestors), closure(unit.path for unit in units))
        for unit in units:
            if unit.path in authors_by_unit:
                connection.execute(
                    update(posts)
                    .where(
                        posts.c.declared_org_unit == unit.path,
                        posts.c.org_unit.is_distinct_from(unit.reported_as),
                    )
                    .values(org_unit=unit.reported_as)
                )
        # A post whose unit was edited away reports under no unit.
        connection.execute(
            update(posts)
            .where(posts.c.declared_org_unit.is_(None), posts.c.org_unit.is_not(None))
            .values(org_unit=None)
        )
    return units
