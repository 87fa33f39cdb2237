"""The privacy guard: P1 (k authors), P2 (no recovery by subtraction), P3 (protected topics)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.blocks import ALL, ROOT, GroupKey, block_table
from reports.guard import COMPLEMENT, LOW_AUTHORS, PROTECTED, Table, guard
from tests.reports.blocks_reference import Post, reference_cells

UNITS = [None, "a", "a/x", "a/y", "a/x/p", "a/x/q", "b", "b/z", "c"]
CHANNELS = [None, "general", "random", "help"]

posts_strategy = st.lists(
    st.builds(
        Post,
        author=st.sampled_from([f"u{i}" for i in range(40)]),
        unit=st.sampled_from(UNITS),
        channel=st.sampled_from(CHANNELS),
        sentiment=st.sampled_from(["negative", "neutral", "positive"]),
    ),
    min_size=1,
    max_size=120,
)


def recoverable(table: Table, suppressed: set) -> list:
    """Suppressed cells an attacker who knows every published figure can solve for exactly.

    Independent of the guard's own check: a cell is recoverable when adding its
    unit vector to the relations' matrix over the unknowns leaves the rank unchanged.
    """
    unknown = sorted(suppressed, key=repr)
    column = {key: i for i, key in enumerate(unknown)}
    rows = []
    for relation in table.relations:
        row = np.zeros(len(unknown))
        if relation.total in column:
            row[column[relation.total]] += 1
        for member in relation.members:
            if member in column:
                row[column[member]] -= 1
        rows.append(row)
    matrix = np.array(rows) if rows else np.zeros((0, len(unknown)))
    rank = np.linalg.matrix_rank(matrix) if len(rows) else 0
    found = []
    for key, i in column.items():
        unit = np.zeros(len(unknown))
        unit[i] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.append(key)
    return found


@settings(max_examples=150, deadline=None)
@given(posts=posts_strategy, k=st.integers(3, 8))
def test_no_published_cell_has_fewer_than_k_authors(posts, k) -> None:
    cells = reference_cells(posts)
    decision = guard(block_table(cells, k))
    assert all(f.authors >= k for key, f in cells.items() if not decision.is_suppressed(key))


@settings(max_examples=150, deadline=None)
@given(posts=posts_strategy, k=st.integers(3, 8))
def test_no_suppressed_cell_can_be_recovered_by_subtraction(posts, k) -> None:
    table = block_table(reference_cells(posts), k)
    decision = guard(table)
    assert recoverable(table, set(decision.suppressed)) == []


@settings(max_examples=100, deadline=None)
@given(posts=posts_strategy, k=st.integers(5, 12))
def test_a_protected_topic_is_shown_only_for_the_whole_organisation(posts, k) -> None:
    cells = reference_cells(posts)
    table = block_table(cells, k, protected=True)
    decision = guard(table)
    shown = [key for key in table.authors if not decision.is_suppressed(key)]
    assert shown in ([], [GroupKey(ROOT, False, ALL)])
    assert all(cells[key].authors >= k for key in shown)


def _posts(unit: str, channel: str, authors: int, start: int = 0) -> list[Post]:
    return [Post(f"u{start + i}", unit, channel, "negative") for i in range(authors)]


def test_a_channel_with_too_few_authors_takes_a_sibling_with_it() -> None:
    # Unit a: "general" 8 authors, "random" 7, "help" 2. Showing a's total and
    # both large channels would give "help" away by subtraction.
    posts = _posts("a", "general", 8) + _posts("a", "random", 7, 8) + _posts("a", "help", 2, 15)
    decision = guard(block_table(reference_cells(posts), k=5))
    assert decision.suppressed[GroupKey("a", False, "help")] == LOW_AUTHORS
    assert decision.suppressed[GroupKey("a", False, "random")] == COMPLEMENT
    assert not decision.is_suppressed(GroupKey("a", False, ALL))


def test_a_small_child_unit_takes_its_smallest_sibling_with_it() -> None:
    posts = _posts("a/x", "general", 9) + _posts("a/y", "general", 6, 9)
    posts += _posts("a/z", "general", 2, 15)
    decision = guard(block_table(reference_cells(posts), k=5))
    assert decision.suppressed[GroupKey("a/z", False, ALL)] == LOW_AUTHORS
    assert decision.suppressed[GroupKey("a/y", False, ALL)] == COMPLEMENT
    assert not decision.is_suppressed(GroupKey("a/x", False, ALL))


def test_the_decision_counts_suppressed_cells_by_reason() -> None:
    posts = _posts("a", "general", 8) + _posts("a", "random", 7, 8) + _posts("a", "help", 2, 15)
    posts += _posts("b", "general", 1, 30)
    decision = guard(block_table(reference_cells(posts), k=5))
    # help and b fall below k; random (a's channels), general (b's sibling
    # column) and b's row are taken with them.
    assert decision.counts[LOW_AUTHORS] == 4
    assert decision.counts[COMPLEMENT] >= 2


def test_cells_listed_as_a_protected_breakdown_are_marked_protected() -> None:
    posts = _posts("a", "general", 8)
    cells = reference_cells(posts)
    table = block_table(cells, k=5)
    marked = Table(table.authors, table.posts, [], table.k, frozenset(cells))
    assert set(guard(marked).counts) == {PROTECTED}


def test_a_block_where_everyone_is_above_k_loses_nothing() -> None:
    posts = _posts("a", "general", 6) + _posts("b", "general", 6, 6)
    decision = guard(block_table(reference_cells(posts), k=5))
    assert decision.suppressed == {}
