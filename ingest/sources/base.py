"""The source plug-in contract and its registry.

A source turns a file into a stream of ``RawRecord``s, never loading the whole
file: a record it cannot decode becomes a ``RawRecord`` with an ``error`` (it
will be quarantined), while a file it cannot open at all raises ``InputError``.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, ClassVar

from core.errors import InputError

TEXT_HINT = re.compile(r""""(?:text|raw|body|message)"\s*:\s*"((?:[^"\\]|\\.){1,2000})""")


def text_hint(fragment: str) -> str:
    """The value of a text-like key in a fragment of JSON that does not parse, or ""."""
    found = TEXT_HINT.search(fragment)
    return found.group(1) if found else ""


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One record as decoded from a file.

    Attributes:
        line: 1-based line (JSONL, CSV) or record ordinal (JSON, Parquet, archive member).
        data: The decoded fields, or None when the record could not be decoded.
        text_hint: For an undecodable record, whatever of its post text could be made
            out (never its other fields); redacted before it is kept in quarantine.
        error: Why the record could not be decoded.
        member: The archive member it came from, for zipped exports.
    """

    line: int
    data: dict[str, Any] | None
    text_hint: str = ""
    error: str | None = None
    member: str | None = None


class Source(ABC):
    """A readable export format; subclasses register themselves by ``name``."""

    name: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]]
    registry: ClassVar[dict[str, type[Source]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        Source.registry[cls.name] = cls

    @abstractmethod
    def read(self, path: Path) -> Iterator[RawRecord]:
        """Yield the file's records one at a time.

        Raises:
            InputError: The file cannot be read at all.
        """


def available_formats() -> list[str]:
    """The registered format names, sorted."""
    return sorted(Source.registry)


def get_source(name: str) -> Source:
    """The source registered as ``name``.

    Raises:
        InputError: No source has that name; the message lists the valid ones.
    """
    try:
        return Source.registry[name]()
    except KeyError:
        raise InputError(
            f"format {name!r} is unknown; choose one of {', '.join(available_formats())}"
        ) from None


def source_for(path: Path, fmt: str | None = None) -> Source:
    """Pick the source for ``path``: ``fmt`` when given, else by the file's extension.

    Raises:
        InputError: The file is missing, or no source reads its extension.
    """
    if not path.exists():
        raise InputError(f"input file {str(path)!r} does not exist")
    if not path.is_file():
        raise InputError(f"input {str(path)!r} is not a file")
    if fmt is not None:
        return get_source(fmt)
    name = path.name.lower()
    for source_cls in Source.registry.values():
        if any(name.endswith(ext) for ext in source_cls.extensions):
            return source_cls()
    raise InputError(
        f"cannot tell the format of {path.name!r} from its extension; pass --format "
        f"(one of {', '.join(available_formats())})"
    )


def open_binary(path: Path) -> BinaryIO:
    """Open ``path`` for reading bytes, turning OS errors into ``InputError``."""
    try:
        return path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot open {str(path)!r}: {exc.strerror}") from None
