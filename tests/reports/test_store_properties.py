"""Random stores, many queries: every shown figure has k authors, nothing hidden follows.

Hypothesis writes random posts (random authors, units of a small tree,
channels, days over the two ISO weeks of March 2026's first half, sentiment,
topics) into a real SQLite store, asks every weekly query of a grid plus the
daily and monthly answers, and checks what all of them show together against
a post-by-post count: every shown cell has k authors (the topic's own k for
a protected topic), and no hidden cell can be solved for from everything
shown, week blocks and the time relations (a week = its days, a month = its
weeks) included.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert

from core.database import get_engine
from core.migrate import upgrade
from core.org_tree import closure
from core.tables import (
    author_numbers,
    ingest_batches,
    org_unit_ancestors,
    org_units,
    post_topics,
    posts,
    report_cells,
    report_rollup,
    rollup_changes,
    rollup_state,
    sentiment_predictions,
)
from ingest.org_units import parent_of
from reports.blocks import ALL, ROOT, GroupKey, block_table
from reports.guard import Relation
from reports.periods import period_start
from reports.query import ReportQuery, answer
from reports.rollup import ALL_TOPICS, Champions
from tests.reports.blocks_reference import Post, reference_cells
from tests.reports.conftest import PRIVACY
from tests.reports.helpers import register_version

UNITS = ["a", "a/x", "a/y", "b", "b/z"]
CHANNELS = ["general", "random"]
TOPICS = ("workload", "collective_action")
FIRST_DAY = date(2026, 3, 2)
MARCH = (date(2026, 3, 2), date(2026, 3, 15))
EVERYONE = GroupKey(ROOT, False, ALL)

rows_strategy = st.lists(
    st.tuples(
        st.integers(0, 24),  # author
        st.sampled_from(UNITS),
        st.sampled_from(CHANNELS),
        st.one_of(st.just(1), st.just(8), st.integers(0, 13)),  # day: Tuesdays are busy
        st.sampled_from(["negative", "neutral", "positive"]),
        st.sampled_from([None, *TOPICS]),
    ),
    min_size=1,
    max_size=150,
)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    engine = get_engine(f"sqlite:///{tmp_path_factory.mktemp('store') / 'store.db'}")
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(delete(org_unit_ancestors))
        connection.execute(insert(org_unit_ancestors), closure(UNITS))
        connection.execute(  # the tree as ingest records it, every unit reported as itself
            insert(org_units),
            [
                {
                    "path": u,
                    "parent": parent_of(u),
                    "depth": u.count("/") + 1,
                    "authors": 9,
                    "reported_as": u,
                }
                for u in UNITS
            ],
        )
        batch = connection.execute(
            insert(ingest_batches)
            .values(source="t", file_name="t", format="jsonl", status="done", started_at=FIRST_DAY)
            .returning(ingest_batches.c.id)
        ).scalar_one()
        champions = Champions(
            register_version(connection, "sentiment"), register_version(connection, "topics")
        )
    yield engine, champions, batch
    engine.dispose()


def _fill(engine, champions: Champions, batch: int, rows: list) -> None:
    """Replace every post and prediction with ``rows`` (the rollup is rebuilt on the next read)."""
    with engine.begin() as connection:
        for table in (post_topics, sentiment_predictions, posts, report_cells, report_rollup):
            connection.execute(delete(table))
        for table in (rollup_changes, rollup_state, author_numbers):
            connection.execute(delete(table))
        for i, (author, unit, channel, day, label, topic) in enumerate(rows, start=1):
            created = datetime.combine(FIRST_DAY + timedelta(days=day), datetime.min.time())
            connection.execute(
                insert(posts).values(
                    id=i,
                    source="t",
                    source_id=str(i),
                    batch_id=batch,
                    created_at=created + timedelta(hours=9),
                    author=f"{author:016x}",
                    org_unit=unit,
                    channel=channel,
                    text="x",
                    content_hash=f"{i:032x}",
                    ingested_at=created,
                )
            )
            connection.execute(
                insert(sentiment_predictions).values(
                    post_id=i,
                    model_version_id=champions.sentiment_version_id,
                    label=label,
                    score=0.0,
                    scored_at=created,
                )
            )
            if topic:
                connection.execute(
                    insert(post_topics).values(
                        post_id=i,
                        model_version_id=champions.topics_version_id,
                        topic=topic,
                        probability=0.9,
                    )
                )


def _shown(engine, champions: Champions) -> dict[tuple, object]:
    """(period, start, topic, unit, direct, channel) -> shown cell, over every query of the grid."""
    shown: dict[tuple, object] = {}
    grid = itertools.product(
        [None, "a"], [(), ("org_unit",), ("channel",), ("org_unit", "channel")], [None, "general"]
    )
    queries = [
        ReportQuery(*MARCH, "week", (ALL_TOPICS, *TOPICS), org_unit=unit, channel=channel, by=by)
        for unit, by, channel in grid
    ]
    queries += [ReportQuery(*MARCH, period, (ALL_TOPICS, *TOPICS)) for period in ("day", "month")]
    for query in queries:
        for cell in answer(engine, champions, PRIVACY, query).cells:
            if not cell.suppressed:
                channel = ALL if cell.channel is None else cell.channel
                where = (cell.period, cell.topic, cell.org_unit or ROOT, cell.direct, channel)
                key = (query.period, *where)
                shown[key] = cell
    return shown


def _blocks(rows: list, period: str) -> dict[tuple[date, str], dict]:
    """Reference blocks, counted post by post."""
    chosen: dict[tuple[date, str], list[Post]] = defaultdict(list)
    for author, unit, channel, day, label, topic in rows:
        when = period_start(FIRST_DAY + timedelta(days=day), period)
        post = Post(f"{author:016x}", unit, channel, label)
        chosen[(when, ALL_TOPICS)].append(post)
        if topic:
            chosen[(when, topic)].append(post)
    return {key: reference_cells(members) for key, members in chosen.items()}


def _solvable(relations: list[Relation], hidden: set) -> list:
    """Hidden cells that every solution of the relations pins down (null-space test)."""
    unknown = sorted(hidden, key=repr)
    column = {key: i for i, key in enumerate(unknown)}
    rows = []
    for relation in relations:
        row = np.zeros(len(unknown))
        for cell, sign in [(relation.total, 1), *((m, -1) for m in relation.members)]:
            if cell in column:
                row[column[cell]] += sign
        if row.any():
            rows.append(row)
    if not rows:
        return []
    matrix = np.array(rows)
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9 * max(matrix.shape)).sum())
    null = vt[rank:]
    free = np.abs(null).max(axis=0) if len(null) else np.zeros(len(unknown))
    return [key for key, i in column.items() if free[i] < 1e-9 and matrix[:, i].any()]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=rows_strategy)
def test_random_stores_show_k_authors_everywhere_and_nothing_hidden_follows(store, rows) -> None:
    engine, champions, batch = store
    _fill(engine, champions, batch, rows)
    shown = _shown(engine, champions)
    reference = {period: _blocks(rows, period) for period in ("day", "week", "month")}
    for (period, when, topic, unit, direct, channel), cell in shown.items():
        expected = reference[period][(when, topic)][GroupKey(unit, direct, channel)]
        assert cell.authors >= PRIVACY.k_for(topic)
        assert (cell.posts, cell.authors) == (expected.posts, expected.authors)
    relations, cells = [], set()
    for (week, topic), block in reference["week"].items():
        table = block_table(block, PRIVACY.k_for(topic), topic in PRIVACY.protected)
        cells |= {("week", week, topic, *key) for key in table.authors}
        relations += [
            Relation(
                ("week", week, topic, *r.total), tuple(("week", week, topic, *m) for m in r.members)
            )
            for r in table.relations
        ]
    for period, parent in (("day", "week"), ("week", "month")):
        members = defaultdict(list)
        for when, topic in reference[period]:
            members[(period_start(when, parent), topic)].append((period, when, topic, *EVERYONE))
            cells.add((period, when, topic, *EVERYONE))
        for (when, topic), parts in members.items():
            cells.add((parent, when, topic, *EVERYONE))
            relations.append(Relation((parent, when, topic, *EVERYONE), tuple(parts)))
    hidden = {cell for cell in cells if cell not in shown}
    assert _solvable(relations, hidden) == []
