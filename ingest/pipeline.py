"""One ingest run: read a file, validate, anonymize, store, roll up org units.

Records flow in chunks. While one chunk is being redacted (in worker processes
when there are several), the previous one is written, so the cores stay busy.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Engine

from core.errors import BarometerError, InputError
from ingest.org_units import refresh_org_units
from ingest.pseudonym import Pseudonymizer
from ingest.quarantine import remains_of, to_redact, with_redacted
from ingest.record import Record, validate_record
from ingest.sources import RawRecord, source_for
from ingest.store import ChunkCounts, PostStore, post_row, quarantine_row

logger = logging.getLogger(__name__)

MAX_SOURCE_CHARS = 64


class Redactor(Protocol):
    """Redacts lists of texts asynchronously: ``Anonymizer`` or ``ParallelAnonymizer``."""

    def submit(self, texts: list[str]) -> Future[list[str]]:
        """Start redacting; the future yields the texts in order."""
        ...


@dataclass
class IngestResult:
    """The counts a run reports, as stored in its ``ingest_batches`` row."""

    batch_id: int
    read: int = 0
    stored: int = 0
    updated: int = 0
    duplicates: int = 0
    quarantined: int = 0
    unknown_fields: int = 0


@dataclass
class _Chunk:
    raws: list[RawRecord]
    records: list[tuple[RawRecord, Record]] = field(default_factory=list)
    rejected: list[tuple[RawRecord, str | None, str, dict[str, Any]]] = field(default_factory=list)
    unknown_fields: int = 0


def ingest_file(
    path: Path,
    *,
    engine: Engine,
    redactor: Redactor,
    pseudonymize: Pseudonymizer,
    min_group_size: int,
    source: str | None = None,
    fmt: str | None = None,
    chunk_size: int = 500,
    in_flight: int = 2,
    on_progress: Callable[[int], None] | None = None,
) -> IngestResult:
    """Ingest one file exactly once.

    Args:
        path: The export to read.
        engine: The store, migrated.
        redactor: Redacts texts (an ``Anonymizer`` or a ``ParallelAnonymizer``).
        pseudonymize: Turns author ids into keyed pseudonyms.
        min_group_size: k, for the org-unit roll-up.
        source: Name of the forum or system the file came from; posts are unique
            per (source, source_id). Default: the format name.
        fmt: Format name; default: chosen by the file's extension.
        chunk_size: Records per transaction. Default 500.
        in_flight: Chunks being redacted at once (the number of workers). Default 2.
        on_progress: Called with the number of records read so far.

    Returns:
        The run's counts.

    Raises:
        InputError: The file cannot be read at all.
    """
    reader = source_for(path, fmt)
    source_name = source or reader.name
    if not 0 < len(source_name) <= MAX_SOURCE_CHARS:
        raise InputError(
            f"--source must be 1 to {MAX_SOURCE_CHARS} characters, got {len(source_name)}"
        )
    store = PostStore(engine)
    records = reader.read(path)
    first = list(islice(records, chunk_size))  # fail on an unreadable file before opening a batch
    batch_id = store.start_batch(source_name, path.name, reader.name)
    result = IngestResult(batch_id)
    pending: deque[tuple[_Chunk, Future[list[str]]]] = deque()
    try:
        for raws in _chunks(first, records, chunk_size):
            chunk = _validate(raws, pseudonymize)
            pending.append((chunk, redactor.submit(_texts_to_redact(chunk))))
            if len(pending) >= in_flight:
                _write(store, batch_id, source_name, *pending.popleft(), pseudonymize, result)
            if on_progress:
                on_progress(len(raws))
        while pending:
            _write(store, batch_id, source_name, *pending.popleft(), pseudonymize, result)
        refresh_org_units(engine, min_group_size)
    except BarometerError as exc:
        store.finish_batch(batch_id, "failed", str(exc))
        raise
    except BaseException:
        store.finish_batch(batch_id, "failed", "interrupted")
        raise
    store.finish_batch(batch_id, "done")
    logger.info("ingest batch %s: %s", batch_id, result)
    return result


@dataclass(frozen=True)
class RecordOutcome:
    """What became of one record sent over HTTP.

    Attributes:
        index: Its position in the request, from 0.
        source_id: The id it carried, when it carried a usable one.
        status: ``stored``, ``updated`` (a newer edit), ``duplicate`` or ``quarantined``.
        field: For a quarantined record, the field at fault (None: the whole record).
        reason: For a quarantined record, why.
    """

    index: int
    source_id: str | None
    status: str
    field: str | None = None
    reason: str | None = None


def ingest_records(
    records: list[Any],
    *,
    engine: Engine,
    redactor: Redactor,
    pseudonymize: Pseudonymizer,
    min_group_size: int,
    source: str,
    origin: str = "POST /v1/posts",
) -> tuple[IngestResult, list[RecordOutcome]]:
    """Ingest records already in memory (the API) exactly as a file's: one batch, one chunk.

    Validation, anonymization, quarantine and the exactly-once upsert are the
    file pipeline's own; each record's outcome is returned as well. A record
    repeating an earlier one's source_id in the same call is a duplicate.

    Args:
        records: Decoded JSON values; anything but an object is quarantined.
        engine: The store, migrated.
        redactor: Redacts texts.
        pseudonymize: Turns author ids into keyed pseudonyms.
        min_group_size: k, for the org-unit roll-up.
        source: The forum the records come from; posts are unique per (source, source_id).
        origin: What the batch row names as its file.

    Returns:
        The batch's counts and one outcome per record, in order.
    """
    if not 0 < len(source) <= MAX_SOURCE_CHARS:
        raise InputError(f"source must be 1 to {MAX_SOURCE_CHARS} characters, got {len(source)}")
    raws = [
        RawRecord(line, record)
        if isinstance(record, dict)
        else RawRecord(line, None, error=f"a record must be a JSON object, got {_kind(record)}")
        for line, record in enumerate(records, start=1)
    ]
    store = PostStore(engine)
    batch_id = store.start_batch(source, origin, "api")
    result = IngestResult(batch_id)
    try:
        chunk = _validate(raws, pseudonymize)
        counts = _write(
            store,
            batch_id,
            source,
            chunk,
            redactor.submit(_texts_to_redact(chunk)),
            pseudonymize,
            result,
        )
        if counts.stored or counts.updated:
            refresh_org_units(engine, min_group_size)
    except BaseException:
        store.finish_batch(batch_id, "failed", "interrupted")
        raise
    store.finish_batch(batch_id, "done")
    outcomes: dict[int, RecordOutcome] = {}
    for raw, field_name, reason, _ in chunk.rejected:
        source_id = raw.data.get("source_id") if raw.data else None
        outcomes[raw.line - 1] = RecordOutcome(
            raw.line - 1,
            source_id if isinstance(source_id, str) else None,
            "quarantined",
            field_name,
            reason,
        )
    seen: set[str] = set()
    for raw, record in chunk.records:
        status = counts.outcomes[record.source_id] if record.source_id not in seen else "duplicate"
        seen.add(record.source_id)
        reason = "the database refused the record" if status == "quarantined" else None
        outcomes[raw.line - 1] = RecordOutcome(raw.line - 1, record.source_id, status, None, reason)
    return result, [outcomes[index] for index in range(len(records))]


def _kind(value: Any) -> str:
    return (
        "null"
        if value is None
        else {list: "an array", str: "a string", bool: "a boolean"}.get(type(value), "a number")
    )


def _chunks(
    first: list[RawRecord], rest: Iterator[RawRecord], size: int
) -> Iterable[list[RawRecord]]:
    if first:
        yield first
    while chunk := list(islice(rest, size)):
        yield chunk


def _validate(raws: list[RawRecord], pseudonymize: Pseudonymizer) -> _Chunk:
    chunk = _Chunk(raws)
    for raw in raws:
        if raw.data is None:
            reason = raw.error or "unreadable record"
            chunk.rejected.append((raw, None, reason, remains_of(raw, pseudonymize)))
            continue
        record, rejection, unknown = validate_record(raw.data)
        if record is None:
            assert rejection is not None
            chunk.rejected.append(
                (raw, rejection.field, rejection.reason, remains_of(raw, pseudonymize))
            )
            continue
        chunk.records.append((raw, record))
        chunk.unknown_fields += unknown
    return chunk


def _texts_to_redact(chunk: _Chunk) -> list[str]:
    texts = [record.text for _, record in chunk.records]
    for *_, remains in chunk.rejected:
        texts += to_redact(remains)
    return texts


def _write(
    store: PostStore,
    batch_id: int,
    source: str,
    chunk: _Chunk,
    redacted: Future[list[str]],
    pseudonymize: Pseudonymizer,
    result: IngestResult,
) -> ChunkCounts:
    texts = iter(redacted.result())
    rows = [
        post_row(
            source_id=record.source_id,
            text=next(texts),
            created_at=record.created_at,
            author=pseudonymize(record.author_id),
            org_unit=record.org_unit,
            channel=record.channel,
            thread_id=record.thread_id,
            source_version=record.updated_at,
        )
        for _, record in chunk.records
    ]
    rejected = []
    for raw, field_name, reason, remains in chunk.rejected:
        clean = [next(texts) for _ in to_redact(remains)]
        rejected.append(
            quarantine_row(
                line=raw.line,
                member=raw.member,
                field=field_name,
                reason=reason,
                record=with_redacted(remains, clean),
            )
        )
    counts = store.write_chunk(
        batch_id, source, rows, rejected, len(chunk.raws), chunk.unknown_fields
    )
    result.read += len(chunk.raws)
    result.unknown_fields += chunk.unknown_fields
    result.stored += counts.stored
    result.updated += counts.updated
    result.duplicates += counts.duplicates
    result.quarantined += counts.quarantined
    return counts
