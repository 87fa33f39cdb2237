"""Writing ingested posts exactly once: one transaction per chunk, upsert by (source, source_id).

A chunk's posts, its quarantined records and its batch counters commit
together, so a run killed part-way leaves whole chunks behind and the re-run
finds them already stored.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite

from core.tables import ingest_batches, posts, quarantine


def utcnow() -> datetime:
    """The current time as naive UTC, as the store keeps it."""
    return datetime.now(UTC).replace(tzinfo=None)


def short_hash(*parts: object) -> str:
    """A 32-hex-character SHA-256 of the parts, for keys that must not carry content."""
    joined = "\x1f".join("" if part is None else str(part) for part in parts)
    return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()[:32]


@dataclass
class ChunkCounts:
    """What one chunk did to the store."""

    stored: int = 0
    updated: int = 0
    duplicates: int = 0
    quarantined: int = 0


class PostStore:
    """The ``posts``, ``quarantine`` and ``ingest_batches`` tables, written chunk by chunk.

    Args:
        engine: SQLite or PostgreSQL engine with migrations applied.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        dialect = sqlite if engine.dialect.name == "sqlite" else postgresql
        self._insert = dialect.insert

    def start_batch(self, source: str, file_name: str, fmt: str) -> int:
        """Open an ``ingest_batches`` row and return its id."""
        with self.engine.begin() as connection:
            return connection.execute(
                insert(ingest_batches)
                .values(
                    source=source,
                    file_name=file_name[:255],
                    format=fmt,
                    status="running",
                    started_at=utcnow(),
                    read=0,
                    stored=0,
                    updated=0,
                    duplicates=0,
                    quarantined=0,
                    unknown_fields=0,
                )
                .returning(ingest_batches.c.id)
            ).scalar_one()

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
        counts = ChunkCounts(quarantined=len(rejected))
        now = utcnow()
        with self.engine.begin() as connection:
            if rows:
                values = [
                    {**row, "source": source, "batch_id": batch_id, "ingested_at": now}
                    for row in _unique_by_source_id(rows)
                ]
                # executemany with RETURNING: one cached statement, batched by SQLAlchemy's
                # "insertmanyvalues" (a multi-row VALUES literal is recompiled every chunk).
                inserted = set(
                    connection.execute(
                        self._insert(posts).on_conflict_do_nothing().returning(posts.c.source_id),
                        values,
                    ).scalars()
                )
                counts.stored = len(inserted)
                leftover = [row for row in values if row["source_id"] not in inserted]
                counts.updated = _apply_edits(connection, source, leftover)
                counts.duplicates = len(rows) - counts.stored - counts.updated
            if rejected:
                connection.execute(
                    self._insert(quarantine).on_conflict_do_nothing(),
                    [
                        {**row, "source": source, "batch_id": batch_id, "created_at": now}
                        for row in rejected
                    ],
                )
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


def _unique_by_source_id(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep the last row per source_id: a later line of the same file is the newer edit."""
    return list({row["source_id"]: row for row in rows}.values())


def _apply_edits(connection: Any, source: str, leftover: list[dict[str, Any]]) -> int:
    """Update posts whose source_id is stored with different content (an edited post)."""
    if not leftover:
        return 0
    stored = dict(
        connection.execute(
            select(posts.c.source_id, posts.c.content_hash).where(
                tuple_(posts.c.source, posts.c.source_id).in_(
                    [(source, row["source_id"]) for row in leftover]
                )
            )
        ).all()
    )
    edits = [
        row
        for row in leftover
        if row["source_id"] in stored and stored[row["source_id"]] != row["content_hash"]
    ]
    for row in edits:
        connection.execute(
            update(posts)
            .where(posts.c.source == source, posts.c.source_id == row["source_id"])
            .values({key: row[key] for key in EDITABLE})
        )
    return len(edits)


EDITABLE = (
    "created_at",
    "author",
    "declared_org_unit",
    "channel",
    "thread_id",
    "text",
    "content_hash",
    "batch_id",
    "ingested_at",
)


def post_row(
    *,
    source_id: str,
    text: str,
    created_at: datetime,
    author: str | None,
    org_unit: str | None,
    channel: str | None,
    thread_id: str | None,
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
    }


def quarantine_row(
    *, line: int, member: str | None, field: str | None, reason: str, record: dict[str, Any]
) -> dict[str, Any]:
    """A ``quarantine`` row; ``record`` must already be redacted."""
    serialized = json.dumps(record, ensure_ascii=False, sort_keys=True, default=str)
    return {
        "line": line,
        "member": member,
        "field": field,
        "reason": reason[:1000],
        "record": serialized,
        "record_hash": short_hash(line, member, serialized, reason),
    }
