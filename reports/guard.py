"""The privacy guard: which cells of a table may be published (rules P1-P3 of DESIGN.md).

A ``Table`` is a set of cells (a group of posts with its distinct authors and
additive figures) and the relations between them (a total equals the sum of its
members: a parent org unit and its children, all channels and each channel).
``guard`` decides, from the data alone, which cells are suppressed and why:

1. **P1** a cell with fewer than k distinct authors is suppressed.
2. **P3** a protected topic uses its own, higher k (the caller passes it) and
   is never broken down: its table holds only the whole organisation
   (``reports.blocks``), and a caller may also list cells to mark as
   ``PROTECTED``.
3. **P2** complementary suppression: wherever a relation would leave exactly
   one suppressed cell among its total and members, the published member with
   the fewest posts is suppressed too; repeated until nothing changes.
4. **Verification**: the relations are solved as a linear system over the
   suppressed cells; for any suppressed cell the published figures determine
   exactly (possible when relations chain, as in an org tree), the smallest
   published cell among the relations that determine it is suppressed too,
   and step 3 runs again.

Every additive figure (posts, posts per sentiment class, the sum of scores)
obeys the same relations, so one decision protects them all. Distinct authors
do not add up, so they cannot be subtracted at all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

LOW_AUTHORS = "fewer than k authors"
PROTECTED = "protected topic, not broken down"
COMPLEMENT = "complementary: would reveal another suppressed cell"


@dataclass(frozen=True)
class Relation:
    """``total`` equals the sum of ``members`` in every additive figure."""

    total: Hashable
    members: tuple[Hashable, ...]


@dataclass(frozen=True)
class Table:
    """Cells to publish and how they add up.

    Attributes:
        authors: Cell key -> distinct authors in the cell.
        posts: Cell key -> posts in the cell (complementary suppression picks
            the smallest).
        relations: Every sum the published cells obey.
        k: Cell key -> the fewest authors that cell may describe.
        breakdown: Keys of cells that break a protected topic down (P3).
    """

    authors: Mapping[Hashable, int]
    posts: Mapping[Hashable, int]
    relations: Sequence[Relation]
    k: Mapping[Hashable, int]
    breakdown: frozenset[Hashable] = frozenset()


@dataclass
class Decision:
    """Which cells are suppressed, with the reason for each, and counts by reason."""

    suppressed: dict[Hashable, str] = field(default_factory=dict)

    def is_suppressed(self, key: Hashable) -> bool:
        """Whether ``key`` must be shown as suppressed, with no figures."""
        return key in self.suppressed

    @property
    def counts(self) -> dict[str, int]:
        """Suppressed cells per reason."""
        return dict(Counter(self.suppressed.values()))


def guard(table: Table) -> Decision:
    """Decide which cells of ``table`` are suppressed (P1, P2, P3); see the module docstring."""
    decision = Decision()
    for key, authors in table.authors.items():
        if key in table.breakdown:
            decision.suppressed[key] = PROTECTED
        elif authors < table.k[key]:
            decision.suppressed[key] = LOW_AUTHORS
    while True:
        _complete_relations(table, decision)
        exposed = _determined(table, decision)
        if not exposed:
            return decision
        before = len(decision.suppressed)
        for evidence in exposed.values():
            _suppress_evidence(table, decision, evidence)
        if len(decision.suppressed) == before:
            # Nothing left to trade (cannot happen for consistent data): fail
            # closed rather than publish a recoverable cell.
            for relation in table.relations:
                for key in (relation.total, *relation.members):
                    decision.suppressed.setdefault(key, COMPLEMENT)
            return decision


def _complete_relations(table: Table, decision: Decision) -> None:
    """P2: no relation may hold exactly one unknown cell."""
    suppressed = decision.suppressed
    changed = True
    while changed:
        changed = False
        for relation in table.relations:
            hidden = sum(m in suppressed for m in relation.members)
            if hidden + (relation.total in suppressed) != 1:
                continue
            candidates = [m for m in relation.members if m not in suppressed]
            if not candidates and relation.total not in suppressed:
                # The only unknown member would equal the total: hide the total.
                candidates = [relation.total]
            if candidates:
                suppressed[_smallest(table, candidates)] = COMPLEMENT
                changed = True


def _determined(table: Table, decision: Decision) -> dict[Hashable, list[Relation]]:
    """Suppressed cells the published figures determine exactly, each with the relations that do.

    The relations are a linear system over the suppressed cells. A cell is
    determined when its unit vector lies in the system's row space (every
    solution of the homogeneous system leaves it 0); the combination of
    relations that yields it is the evidence to break.
    """
    unknown = sorted(decision.suppressed, key=repr)
    column = {key: i for i, key in enumerate(unknown)}
    rows, used = [], []
    for relation in table.relations:
        row = np.zeros(len(unknown))
        if relation.total in column:
            row[column[relation.total]] += 1
        for member in relation.members:
            if member in column:
                row[column[member]] -= 1
        if row.any():
            rows.append(row)
            used.append(relation)
    if not rows:
        return {}
    matrix = np.array(rows)
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9 * max(matrix.shape)).sum())
    null_space = vt[rank:]
    free = np.abs(null_space).max(axis=0) if len(null_space) else np.zeros(len(unknown))
    exposed = {}
    for key, i in column.items():
        if free[i] >= 1e-9 or not matrix[:, i].any():
            continue
        target = np.zeros(len(unknown))
        target[i] = 1
        weights = np.linalg.lstsq(matrix.T, target, rcond=None)[0]
        exposed[key] = [used[r] for r in np.flatnonzero(np.abs(weights) > 1e-9)]
    return exposed


def _suppress_evidence(table: Table, decision: Decision, evidence: list[Relation]) -> None:
    """Suppress the smallest published cell of the relations that determine a hidden one."""
    published = {
        cell
        for relation in evidence
        for cell in (relation.total, *relation.members)
        if not decision.is_suppressed(cell)
    }
    if published:
        decision.suppressed[_smallest(table, sorted(published, key=repr))] = COMPLEMENT


def _smallest(table: Table, keys: Sequence[Hashable]) -> Hashable:
    return min(keys, key=lambda k: (table.posts[k], table.authors[k], repr(k)))
