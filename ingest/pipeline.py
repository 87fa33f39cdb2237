"""One ingest run: read a file, validate, anonymize, store, roll up org units.

Records flow in chunks. While one chunk is being redacted (in worker processes
when there are several), the previous one is written, so the cores stay busy.
"""

from __future__ import annotations

import logging
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Engine

from core.errors import BarometerError
from ingest.org_units import refresh_org_units
from ingest.pseudonym import Pseudonymizer
from ingest.record import Record, validate_record
from ingest.sources import RawRecord, source_for
from ingest.store import PostStore, post_row, quarantine_row

logger = logging.getLogger(__name__)

QUARANTINE_TEXT_CHARS = 2_000
# Identifying values inside a record that could not be parsed: blanked before redaction.
IDENTITY_VALUE = re.compile(
    r"""(["']?(?:author_id|author|user_id|user|username|name|real_name|email)["']?\s*[:=]\s*)"""
    r"""("(?:[^"\\]|\\.)*"?|'[^']*'?|[^,}\s]+)""",
    re.IGNORECASE,
)


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
    except BarometerError as exc:
        store.finish_batch(batch_id, "failed", str(exc))
        raise
    except BaseException:
        store.finish_batch(batch_id, "failed", "interrupted")
        raise
    refresh_org_units(engine, min_group_size)
    store.finish_batch(batch_id, "done")
    logger.info("ingest batch %s: %s", batch_id, result)
    return result


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
            chunk.rejected.append(
                (raw, None, raw.error or "unreadable record", _raw_remains(raw.raw))
            )
            continue
        record, rejection, unknown = validate_record(raw.data)
        if record is None:
            assert rejection is not None
            chunk.rejected.append(
                (raw, rejection.field, rejection.reason, _record_remains(raw.data, pseudonymize))
            )
            continue
        chunk.records.append((raw, record))
        chunk.unknown_fields += unknown
    return chunk


def _texts_to_redact(chunk: _Chunk) -> list[str]:
    texts = [record.text for _, record in chunk.records]
    texts += [remains.get("text") or remains.get("raw") or "" for *_, remains in chunk.rejected]
    return texts


def _write(
    store: PostStore,
    batch_id: int,
    source: str,
    chunk: _Chunk,
    redacted: Future[list[str]],
    pseudonymize: Pseudonymizer,
    result: IngestResult,
) -> None:
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
        )
        for _, record in chunk.records
    ]
    rejected = []
    for raw, field_name, reason, remains in chunk.rejected:
        key = "text" if "text" in remains else "raw"
        rejected.append(
            quarantine_row(
                line=raw.line,
                member=raw.member,
                field=field_name,
                reason=reason,
                record={**remains, key: next(texts)},
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


KNOWN_FIELDS = ("source_id", "created_at", "org_unit", "channel", "thread_id")


def _record_remains(data: dict[str, Any], pseudonymize: Pseudonymizer) -> dict[str, Any]:
    """What of a rejected record may be kept.

    That is its known fields, the author as a pseudonym, the text (redacted
    later, cut to 2,000 characters), and only the names of other fields.
    """
    remains: dict[str, Any] = {
        key: str(data[key])[:200] for key in KNOWN_FIELDS if data.get(key) is not None
    }
    author = data.get("author_id")
    if author is not None:
        remains["author"] = (
            pseudonymize(str(author)) if isinstance(author, str | int) else "<invalid>"
        )
    text = data.get("text")
    remains["text"] = text[:QUARANTINE_TEXT_CHARS] if isinstance(text, str) else repr(text)[:200]
    others = sorted(key for key in data if key not in {*KNOWN_FIELDS, "author_id", "text"})
    if others:
        remains["other_fields"] = others
    return remains


def _raw_remains(raw: str) -> dict[str, Any]:
    """An undecodable record, cut short and with identifying values blanked (then redacted)."""
    return {"raw": IDENTITY_VALUE.sub(r"\1<REMOVED>", raw[:QUARANTINE_TEXT_CHARS])}
