"""JSON Lines: one object per line, read line by line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from ingest.sources.base import RawRecord, Source, open_binary


class JsonlSource(Source):
    """Reads ``.jsonl`` / ``.ndjson`` files; blank lines are skipped."""

    name = "jsonl"
    extensions = (".jsonl", ".ndjson", ".jsonl.txt")

    def read(self, path: Path) -> Iterator[RawRecord]:
        """Yield one record per non-blank line, numbered from 1."""
        with open_binary(path) as handle:
            for number, raw_line in enumerate(handle, start=1):
                if not raw_line.strip():
                    continue
                yield decode_json_line(raw_line, number)


def decode_json_line(raw_line: bytes, number: int) -> RawRecord:
    """Decode one line of bytes as a JSON object, or describe why it cannot be."""
    try:
        text = raw_line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return RawRecord(
            number,
            None,
            raw_line.decode("utf-8", errors="replace"),
            f"line is not valid UTF-8 (bad byte at position {exc.start})",
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        complete = text.endswith("\n")
        hint = "" if complete else " (the file ends in the middle of this line)"
        return RawRecord(number, None, text, f"invalid JSON: {exc.msg} at column {exc.colno}{hint}")
    if not isinstance(data, dict):
        return RawRecord(number, None, text, f"expected a JSON object, got {type(data).__name__}")
    return RawRecord(number, data)
