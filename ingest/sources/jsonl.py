"""JSON Lines: one object per line, read line by line with a bound on line length."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ingest.record import MAX_TEXT_CHARS
from ingest.sources.base import RawRecord, Source, open_binary, text_hint

# A valid record is at most 20,000 characters of text plus short fields; in UTF-8 and with
# JSON escapes that stays far below this. Longer lines are quarantined, never held whole.
MAX_LINE_BYTES = 8 * MAX_TEXT_CHARS + 64_000


class JsonlSource(Source):
    """Reads ``.jsonl`` / ``.ndjson`` files; blank lines are skipped."""

    name = "jsonl"
    extensions = (".jsonl", ".ndjson", ".jsonl.txt")

    def read(self, path: Path) -> Iterator[RawRecord]:
        """Yield one record per non-blank line, numbered from 1."""
        with open_binary(path) as handle:
            number = 0
            while raw_line := handle.readline(MAX_LINE_BYTES):
                number += 1
                if len(raw_line) == MAX_LINE_BYTES and not raw_line.endswith(b"\n"):
                    _skip_rest_of_line(handle)
                    yield RawRecord(
                        number, None, "", f"line is longer than {MAX_LINE_BYTES:,} bytes"
                    )
                    continue
                if raw_line.strip():
                    yield decode_json_line(raw_line, number)


def _skip_rest_of_line(handle: BinaryIO) -> None:
    while chunk := handle.readline(MAX_LINE_BYTES):
        if chunk.endswith(b"\n"):
            return


def decode_json_line(raw_line: bytes, number: int) -> RawRecord:
    """Decode one line of bytes as a JSON object, or describe why it cannot be."""
    try:
        text = raw_line.decode("utf-8")
    except UnicodeDecodeError as exc:
        hint = text_hint(raw_line.decode("utf-8", errors="replace"))
        return RawRecord(
            number, None, hint, f"line is not valid UTF-8 (bad byte at position {exc.start})"
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        ending = "" if text.endswith("\n") else " (the file ends in the middle of this line)"
        return RawRecord(
            number, None, text_hint(text), f"invalid JSON: {exc.msg} at column {exc.colno}{ending}"
        )
    if not isinstance(data, dict):
        return RawRecord(number, None, "", f"expected a JSON object, got {type(data).__name__}")
    return RawRecord(number, data)
