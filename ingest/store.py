"""Writing ingested posts exactly once: one transaction per chunk, upsert by (source, source_id).

A chunk's posts, its quarantined records and its batch counters commit
together, so a run killed part-way leaves whole chunks behind and the re-run
finds them already stored.

Edits: a record whose ``(source, source_id)`` is stored replaces the stored
post only when it carries a newer edit time (``updated_at``, mapped from Slack's
``edited.ts`` and Discourse's ``updated_at``). Without edit times the first copy
stays, so re-running any file, in any order, changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError

from core.tables import (
    ingest_batches,
    post_topics,
    posts,
    quarantine,
    sentiment_predictions,
    topic_predictions,
)

LOOKUP_SLICE = 1_000  # (source, source_id) pairs per IN list, well under any bind limit
EDITABLE = ("created_at", "author", "declared_org_unit", "channel", "thread_id", "text",
            "content_hash", "dedup_key", "source_version", "batch_id", "ingested_at")  # fmt: skip


def utcnow() -> datetime:
    """The current time as naive UTC, as the store keeps it."""
    return datetime.now(UTC).replace(tzinfo=None)


def short_hash(*parts: object) -> str:
    """A 32-hex-character SHA-256 of the parts, for keys that must not carry content."""
    joined = "\x1f".join("" if part is None else str(part) for part in parts)
    return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()[:32]


@dataclass
class ChunkCounts:
    """What one chunk did to the store.

    ``outcomes`` maps each post row's source_id to ``stored``, ``updated``,
    ``duplicate`` or ``quarantined`` (refused by the database), for callers
    that answer per record (``POST /v1/posts``).
    """

    stored: int = 0
    updated: int = 0
    duplicates: int = 0
    quarantined: int = 0
    outcomes: dict[str, str] = field(default_factory=dict)


class PostStore:
    """The ``posts``, ``quarantine`` and ``ingest_batches`` tables, written chunk by chunk.

    Args:
        engine: SQLite or PostgreSQL engine with migrations applied.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._dialect = sqlite if engine.dialect.name == "sqlite" else postgresql

    def start_batch(self, source: str, file_name: str, fmt: str) -> int:
        """Open an ``ingest_batches`` row and return its id."""
        with self.engine.begin() as connection:
            return connection.execute(
                self._dialect.insert(ingest_batches)
                .values(source=source, file_name=file_name[:255], format=fmt, status="running",
                        started_at=utcnow(), read=0, stored=0, updated=0, duplicates=0,
                        quarantined=0, unknown_fields=0)
                .returning(ingest_batches.c.id)
            ).scalar_one()  # fmt: skip

    def finish_batch(self, batch_id: int, status: str, error: str | None = None) -> None:
        """Mark a batch ``done`` or ``failed``."""
        with self.engine.begin() as connection:
            connection.execute(
                update(ingest_batches)
                .where(ingest_batches.c.id == batch_id)
                .values(status=status, finished_at=utcnow(), error=error)
            )

    def write_chunk(
        self,
        batch_id: int,
        source: str,
        rows: Sequence[dict[str, Any]],
        rejected: Sequence[dict[str, Any]],
        read: int,
        unknown_fields: int,
    ) -> ChunkCounts:
        """Store a chunk of posts and quarantined records in one transaction.

        A post the database refuses (a value no validation foresaw) is not allowed
        to stop the run: it is quarantined with the database's reason.

        Args:
            batch_id: The run's ``ingest_batches`` id.
            source: The source name every row belongs to.
            rows: Post rows (see ``post_row``).
            rejected: Quarantine rows (see ``quarantine_row``).
            read: Records read for this chunk.
            unknown_fields: Ignored fields counted in this chunk.

        Returns:
            How many posts were stored, updated or already present, and how many
            records were quarantined.
        """
        counts = ChunkCounts()
        now = utcnow()
        values = [{**row, "source": source, "batch_id": batch_id, "ingested_at": now}
                  for row in _newest_by_source_id(rows)]  # fmt: skip
        rejected = list(rejected)
        with self.engine.begin() as connection:
            inserted, refused = self._insert_posts(connection, values)
            rejected += [refused_row(row, reason) for row, reason in refused]
            refused_ids = {row["source_id"] for row, _ in refused}
            counts.stored = len(inserted)
            leftover = [row for row in values
                        if row["source_id"] not in inserted | refused_ids]  # fmt: skip
            edited = _apply_edits(connection, source, leftover)
            counts.updated = len(edited)
            counts.duplicates = len(rows) - counts.stored - counts.updated - len(refused)
            for row in rows:
                counts.outcomes[row["source_id"]] = (
                    "stored" if row["source_id"] in inserted
                    else "updated" if row["source_id"] in edited
                    else "quarantined" if row["source_id"] in refused_ids
                    else "duplicate"
                )  # fmt: skip
            counts.quarantined = self._quarantine(connection, source, batch_id, rejected, now)
            connection.execute(
                update(ingest_batches)
                .where(ingest_batches.c.id == batch_id)
                .values(
                    read=ingest_batches.c.read + read,
                    stored=ingest_batches.c.stored + counts.stored,
                    updated=ingest_batches.c.updated + counts.updated,
                    duplicates=ingest_batches.c.duplicates + counts.duplicates,
                    quarantined=ingest_batches.c.quarantined + counts.quarantined,
                    unknown_fields=ingest_batches.c.unknown_fields + unknown_fields,
                )
            )
        return counts

    def _insert_posts(
        self, connection: Connection, values: list[dict[str, Any]]
    ) -> tuple[set[str], list[tuple[dict[str, Any], str]]]:
        """Insert new posts; returns the stored source_ids and the refused rows with reasons."""
        if not values:
            return set(), []
        # executemany with RETURNING: one cached statement, batched by SQLAlchemy's
        # "insertmanyvalues" (a multi-row VALUES literal would be recompiled every chunk).
        statement = (
            self._dialect.insert(posts).on_conflict_do_nothing().returning(posts.c.source_id)
        )
        try:
            with connection.begin_nested():
                return set(connection.execute(statement, values).scalars()), []
        except (DBAPIError, UnicodeError):
            pass
        inserted: set[str] = set()
        refused: list[tuple[dict[str, Any], str]] = []
        for row in values:
            try:
                with connection.begin_nested():
                    inserted.update(connection.execute(statement, [row]).scalars())
            except (DBAPIError, UnicodeError) as exc:
                refused.append((row, type(exc).__name__))
        return inserted, refused

    def _quarantine(
        self,
        connection: Connection,
        source: str,
        batch_id: int,
        rejected: list[dict[str, Any]],
        now: datetime,
    ) -> int:
        """Quarantine rows; one seen before is re-pointed at this batch, not repeated."""
        if not rejected:
            return 0
        unique = {row["record_hash"]: row for row in rejected}.values()
        statement = self._dialect.insert(quarantine)
        statement = statement.on_conflict_do_update(
            index_elements=[quarantine.c.source, quarantine.c.record_hash],
            set_={"batch_id": statement.excluded.batch_id, "line": statement.excluded.line},
        )
        connection.execute(
            statement,
            [{**row, "source": source, "batch_id": batch_id, "created_at": now} for row in unique],
        )
        return len(rejected)


def _newest_by_source_id(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per source_id: the newest edit, or the first copy when none says it is newer."""
    chosen: dict[str, dict[str, Any]] = {}
    for row in rows:
        kept = chosen.get(row["source_id"])
        if kept is None or _newer(row["source_version"], kept["source_version"]):
            chosen[row["source_id"]] = row
    return list(chosen.values())


def _newer(incoming: datetime | None, stored: datetime | None) -> bool:
    return incoming is not None and (stored is None or incoming > stored)


def _apply_edits(connection: Connection, source: str, leftover: list[dict[str, Any]]) -> set[str]:
    """Apply newer edits of stored posts; returns the source_ids of those applied.

    An edit that would make the post an exact duplicate of another post by the
    same author on the same day is not applied (the dedup rule wins). An
    applied edit drops the post's predictions, so scoring classifies it again.
    """
    stored: dict[str, datetime | None] = {}
    for start in range(0, len(leftover), LOOKUP_SLICE):
        pairs = [(source, row["source_id"]) for row in leftover[start : start + LOOKUP_SLICE]]
        stored.update(
            connection.execute(
                select(posts.c.source_id, posts.c.source_version).where(
                    tuple_(posts.c.source, posts.c.source_id).in_(pairs)
                )
            ).all()
        )
    applied: set[str] = set()
    for row in leftover:
        if row["source_id"] not in stored or not _newer(
            row["source_version"], stored[row["source_id"]]
        ):
            continue
        try:
            with connection.begin_nested():
                post_id = connection.execute(
                    update(posts)
                    .where(posts.c.source == source, posts.c.source_id == row["source_id"])
                    .values({key: row[key] for key in EDITABLE})
                    .returning(posts.c.id)
                ).scalar_one()
                # The edited text has not been classified: drop its predictions so
                # `barometer score` picks the post up again.
                for table in (sentiment_predictions, topic_predictions, post_topics):
                    connection.execute(delete(table).where(table.c.post_id == post_id))
        except IntegrityError:
            continue
        applied.add(row["source_id"])
    return applied


def post_row(
    *,
    source_id: str,
    text: str,
    created_at: datetime,
    author: str | None,
    org_unit: str | None,
    channel: str | None,
    thread_id: str | None,
    source_version: datetime | None = None,
) -> dict[str, Any]:
    """A ``posts`` row from an anonymized record (``author`` is already a pseudonym)."""
    return {
        "source_id": source_id,
        "created_at": created_at,
        "author": author,
        "declared_org_unit": org_unit,
        "org_unit": None,  # set by the org-unit roll-up once the unit's size is known (P5)
        "channel": channel,
        "thread_id": thread_id,
        "text": text,
        "content_hash": short_hash(
            text, created_at.isoformat(), author, org_unit, channel, thread_id
        ),
        "dedup_key": short_hash(author, created_at.date().isoformat(), text) if author else None,
        "source_version": source_version,
    }


def quarantine_row(
    *, line: int | None, member: str | None, field: str | None, reason: str, record: dict[str, Any]
) -> dict[str, Any]:
    """A ``quarantine`` row; ``record`` must already be redacted.

    The same rejected record (same member, content and reason) is one row,
    whatever line it moves to when an export grows.
    """
    serialized = json.dumps(record, ensure_ascii=False, sort_keys=True, default=str)
    return {
        "line": line,
        "member": member,
        "field": field,
        "reason": reason[:1000],
        "record": serialized,
        "record_hash": short_hash(member, serialized, reason),
    }


def refused_row(row: dict[str, Any], error: str) -> dict[str, Any]:
    """A quarantine row for a post the database refused; only its redacted text is kept."""
    return quarantine_row(
        line=None,
        member=None,
        field=None,
        reason=f"the database refused the record ({error})",
        record={"source_id": row["source_id"], "text": row["text"][:2000]},
    )
