"""Validation of one incoming record: what a post must carry before it may be stored.

Messages name the field, what was expected and what was received, but never
echo a received value: a bad field may hold an email or a name, and reasons
are kept in quarantine and printed by ``barometer quarantine list``.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

MAX_TEXT_CHARS = 20_000
MAX_ID_CHARS = 255
MAX_THREAD_CHARS = 128
MAX_CHANNEL_CHARS = 128
MAX_ORG_UNIT_CHARS = 255
MAX_ORG_DEPTH = 8
EARLIEST = datetime(1990, 1, 1)
FUTURE_SLACK = timedelta(days=1)
ORG_SEGMENT = re.compile(r"^[a-z0-9][a-z0-9_.&-]*$")
# NUL and lone surrogates cannot be stored (PostgreSQL refuses NUL; UTF-8 has no surrogates).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _received(value: Any) -> str:
    """What was received, described without its content."""
    if isinstance(value, str):
        return f"a {len(value):,}-character string"
    return f"a value of type {type(value).__name__}"


def _storable(value: str, field: str) -> str:
    if UNSTORABLE.search(value):
        raise ValueError(f"{field} holds a NUL or an unpaired surrogate character")
    return value


class Record(BaseModel):
    """A valid post as it arrived, before anonymization.

    ``created_at`` is naive UTC. ``org_unit`` is normalised to lower-case
    ``a/b/c``. Unknown fields are dropped by ``validate_record``, which counts them.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    source_id: str
    text: str
    created_at: datetime
    author_id: str | None = None
    org_unit: str | None = None
    channel: str | None = None
    thread_id: str | None = None
    updated_at: datetime | None = None

    @field_validator("source_id", mode="before")
    @classmethod
    def _source_id(cls, value: Any) -> str:
        identifier = _identifier(value, MAX_ID_CHARS)
        if identifier is None:
            raise ValueError("expected a non-empty string or an integer, got an empty value")
        return identifier

    @field_validator("author_id", mode="before")
    @classmethod
    def _author_id(cls, value: Any) -> str | None:
        return _identifier(value, MAX_ID_CHARS)

    @field_validator("thread_id", mode="before")
    @classmethod
    def _thread_id(cls, value: Any) -> str | None:
        return _identifier(value, MAX_THREAD_CHARS)

    @field_validator("text", mode="before")
    @classmethod
    def _text(cls, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"expected a string, got {_received(value)}")
        value = _storable(value.strip(), "text")
        if not value:
            raise ValueError("text is empty after trimming whitespace")
        if len(value) > MAX_TEXT_CHARS:
            raise ValueError(
                f"text has {len(value):,} characters, at most {MAX_TEXT_CHARS:,} are allowed"
            )
        return value

    @field_validator("created_at", mode="before")
    @classmethod
    def _created_at(cls, value: Any) -> datetime:
        return parse_timestamp(value)

    @field_validator("updated_at", mode="before")
    @classmethod
    def _updated_at(cls, value: Any) -> datetime | None:
        return None if value is None else parse_timestamp(value)

    @field_validator("org_unit", mode="before")
    @classmethod
    def _org_unit(cls, value: Any) -> str | None:
        if value is None:
            return None
        expected = (
            f"expected a path like 'eng/infra/storage' (at most {MAX_ORG_DEPTH} levels of "
            f"letters, digits, '_', '-', '.', '&', {MAX_ORG_UNIT_CHARS} characters in all)"
        )
        if not isinstance(value, str):
            raise ValueError(f"{expected}, got {_received(value)}")
        segments = [part.strip().lower() for part in value.strip().strip("/").split("/")]
        if segments == [""]:
            return None
        path = "/".join(segments)
        valid = all(ORG_SEGMENT.match(segment) for segment in segments)
        if not valid or len(segments) > MAX_ORG_DEPTH or len(path) > MAX_ORG_UNIT_CHARS:
            raise ValueError(f"{expected}, got {_received(value)} that is not one")
        return path

    @field_validator("channel", mode="before")
    @classmethod
    def _channel(cls, value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise ValueError(f"expected a string, got {_received(value)}")
        return _storable(value.strip()[:MAX_CHANNEL_CHARS], "channel") or None


def _identifier(value: Any, limit: int) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"expected a string or an integer, got {_received(value)}")
    text = _storable(str(value).strip(), "the identifier")
    if len(text) > limit:
        raise ValueError(f"expected at most {limit} characters, got {len(text):,}")
    return text or None


def parse_timestamp(value: Any) -> datetime:
    """Parse ISO 8601 text or epoch seconds into a naive UTC datetime.

    Args:
        value: ``"2024-05-01T09:30:00+02:00"``, ``"2024-05-01"``, ``"20240501"``,
            ``1714555800``, ``"1714555800.5"``, or a ``date``/``datetime`` (Parquet).
            Text without an offset is taken as UTC.

    Returns:
        The instant as a naive UTC datetime.

    Raises:
        ValueError: The value is neither, or lies before 1990 or in the future.
    """
    expected = "expected ISO 8601 text (2024-05-01T09:30:00Z) or epoch seconds"
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{expected}, got {_received(value)}")
    if isinstance(value, datetime):
        instant = value
    elif isinstance(value, date):
        instant = datetime(value.year, value.month, value.day)
    elif isinstance(value, int | float):
        instant = _from_epoch(value)
    elif isinstance(value, str):
        instant = _from_text(value.strip(), expected)
    else:
        raise ValueError(f"{expected}, got {_received(value)}")
    if instant.tzinfo is not None:
        instant = instant.astimezone(UTC).replace(tzinfo=None)
    now = datetime.now(UTC).replace(tzinfo=None)
    if not EARLIEST <= instant <= now + FUTURE_SLACK:
        raise ValueError(f"the date {instant:%Y-%m-%d} lies before 1990 or in the future")
    return instant


def _from_text(text: str, expected: str) -> datetime:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    try:
        seconds = float(text)
    except ValueError:
        raise ValueError(f"{expected}, got {_received(text)} that is neither") from None
    return _from_epoch(seconds)


def _from_epoch(seconds: float) -> datetime:
    if not math.isfinite(seconds):
        raise ValueError("expected epoch seconds, got a number that is not finite")
    if seconds > 1e11:
        raise ValueError(
            "the epoch value is too large for seconds; milliseconds must be divided by 1000"
        )
    return datetime.fromtimestamp(seconds, tz=UTC)


class Rejection(BaseModel):
    """Why a record cannot be stored: the first offending field and the reason."""

    field: str | None
    reason: str


def validate_record(data: Any) -> tuple[Record | None, Rejection | None, int]:
    """Validate one decoded record.

    Args:
        data: What the source decoded (a dict for a well-formed record).

    Returns:
        ``(record, None, unknown)`` when valid or ``(None, rejection, 0)`` when not;
        ``unknown`` counts the fields that were ignored.
    """
    if not isinstance(data, dict):
        reason = f"expected an object, got {type(data).__name__}"
        return None, Rejection(field=None, reason=reason), 0
    try:
        record = Record.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or None
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "missing":
            message = f"required field {field!r} is missing"
        return None, Rejection(field=field, reason=message), 0
    unknown = sum(1 for key in data if key not in Record.model_fields)
    return record, None, unknown
