"""Tabular exports: CSV (with a header row) and Parquet, both read in a stream."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from core.errors import InputError
from ingest.record import MAX_TEXT_CHARS
from ingest.sources.base import RawRecord, Source, open_binary

PARQUET_BATCH_ROWS = 2_048
MAX_FIELD_CHARS = 4 * MAX_TEXT_CHARS


class CsvSource(Source):
    """Reads ``.csv`` files whose first row names the columns; empty cells mean 'absent'."""

    name = "csv"
    extensions = (".csv",)

    def read(self, path: Path) -> Iterator[RawRecord]:
        """Yield one record per row; ``line`` is the row's first line in the file."""
        # A text over the 20,000-character limit must reach validation, but a stray quote
        # must not swallow the rest of the file into one field.
        csv.field_size_limit(MAX_FIELD_CHARS)
        with open_binary(path) as binary:
            text = io.TextIOWrapper(
                binary, encoding="utf-8-sig", errors="surrogateescape", newline=""
            )
            reader = csv.reader(text)
            try:
                header = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise InputError(f"{path.name!r} has no readable CSV header ({exc})") from None
            header = [column.strip() for column in header]
            previous_end = reader.line_num
            while True:
                start = previous_end + 1
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    previous_end = reader.line_num
                    yield RawRecord(start, None, "", f"malformed CSV row: {exc}")
                    continue
                previous_end = reader.line_num
                if not any(cell.strip() for cell in row):
                    continue
                yield _row_record(header, row, start)


def _row_record(header: list[str], row: list[str], line: int) -> RawRecord:
    # A broken row keeps only its text cell: its other cells may hold an author id.
    hint = row[header.index("text")] if "text" in header and header.index("text") < len(row) else ""
    if any("\udc80" <= char <= "\udcff" for cell in row for char in cell):
        hint = hint.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        return RawRecord(line, None, hint, "row is not valid UTF-8")
    if len(row) != len(header):
        return RawRecord(
            line, None, hint, f"row has {len(row)} columns but the header has {len(header)}"
        )
    return RawRecord(
        line, {name: cell for name, cell in zip(header, row, strict=True) if cell != ""}
    )


class ParquetSource(Source):
    """Reads ``.parquet`` files in row batches; ``line`` is the 1-based row number."""

    name = "parquet"
    extensions = (".parquet", ".pq")

    def read(self, path: Path) -> Iterator[RawRecord]:
        """Yield one record per row, a batch of rows in memory at a time."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            parquet = pq.ParquetFile(path)
        except (pa.ArrowException, OSError) as exc:
            raise InputError(
                f"{path.name!r} is not a readable Parquet file ({type(exc).__name__})"
            ) from None
        row = 0
        try:
            for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS):
                for data in batch.to_pylist():
                    row += 1
                    yield RawRecord(row, {k: v for k, v in data.items() if v is not None})
        except (pa.ArrowException, OSError) as exc:
            yield RawRecord(
                row + 1, None, "", f"unreadable Parquet data after row {row} ({type(exc).__name__})"
            )
