"""Validation of one incoming record: what a post must carry before it may be stored."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

MAX_TEXT_CHARS = 20_000
EARLIEST = datetime(1990, 1, 1)
FUTURE_SLACK = timedelta(days=1)
ORG_SEGMENT = re.compile(r"^[a-z0-9][a-z0-9_.&-]*$")
MAX_ORG_DEPTH = 8


class Record(BaseModel):
    """A valid post as it arrived, before anonymization.

    ``created_at`` is naive UTC. ``org_unit`` is normalised to lower-case
    ``a/b/c``. Unknown fields are dropped by ``validate_record``, which counts them.
    """

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False, frozen=True)

    source_id: str
    text: str
    created_at: datetime
    author_id: str | None = None
    org_unit: str | None = None
    channel: str | None = None
    thread_id: str | None = None

    @field_validator("source_id", "author_id", "thread_id", mode="before")
    @classmethod
    def _identifier(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError(f"expected a string or an integer, got {value!r}")
        if isinstance(value, int):
            return str(value)
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            if len(value) > 255:
                raise ValueError(f"expected at most 255 characters, got {len(value)}")
        return value

    @field_validator("text", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        if not isinstance(value, str):
            raise ValueError(f"expected a string, got {type(value).__name__}")
        if not value.strip():
            raise ValueError("text is empty after trimming whitespace")
        if len(value) > MAX_TEXT_CHARS:
            raise ValueError(
                f"text has {len(value):,} characters, at most {MAX_TEXT_CHARS:,} are allowed"
            )
        return value.strip()

    @field_validator("created_at", mode="before")
    @classmethod
    def _created_at(cls, value: Any) -> datetime:
        return parse_timestamp(value)

    @field_validator("org_unit", mode="before")
    @classmethod
    def _org_unit(cls, value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise ValueError(f"expected a path like 'eng/infra/storage', got {value!r}")
        segments = [part.strip().lower() for part in value.strip().strip("/").split("/")]
        if segments == [""]:
            return None
        if len(segments) > MAX_ORG_DEPTH or not all(ORG_SEGMENT.match(s) for s in segments):
            raise ValueError(
                f"expected a path like 'eng/infra/storage' (at most {MAX_ORG_DEPTH} levels "
                f"of letters, digits, '_', '-', '.', '&'), got {value[:80]!r}"
            )
        return "/".join(segments)

    @field_validator("channel", mode="before")
    @classmethod
    def _channel(cls, value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise ValueError(f"expected a string, got {type(value).__name__}")
        return value.strip()[:128] or None


def parse_timestamp(value: Any) -> datetime:
    """Parse ISO 8601 text or epoch seconds into a naive UTC datetime.

    Args:
        value: ``"2024-05-01T09:30:00+02:00"``, ``"2024-05-01"``, ``1714555800`` or
            ``"1714555800.5"``. Text without an offset is taken as UTC.

    Returns:
        The instant as a naive UTC datetime.

    Raises:
        ValueError: The value is neither, or lies before 1990 or in the future.
    """
    if isinstance(value, bool) or value is None:
        raise ValueError(f"expected ISO 8601 text or epoch seconds, got {value!r}")
    if isinstance(value, datetime):
        instant = value
    elif isinstance(value, int | float) or (isinstance(value, str) and _is_number(value)):
        seconds = float(value)
        if not math.isfinite(seconds):
            raise ValueError(f"expected epoch seconds, got {value!r}")
        if seconds > 1e11:
            raise ValueError(
                f"epoch {value!r} is too large for seconds; milliseconds must be divided by 1000"
            )
        instant = datetime.fromtimestamp(seconds, tz=UTC)
    elif isinstance(value, str):
        try:
            instant = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(
                "expected ISO 8601 text (2024-05-01T09:30:00Z) or epoch seconds, "
                f"got {value[:40]!r}"
            ) from None
    else:
        raise ValueError(f"expected ISO 8601 text or epoch seconds, got {type(value).__name__}")
    if instant.tzinfo is not None:
        instant = instant.astimezone(UTC).replace(tzinfo=None)
    now = datetime.now(UTC).replace(tzinfo=None)
    if not EARLIEST <= instant <= now + FUTURE_SLACK:
        raise ValueError(f"date {instant:%Y-%m-%d} lies before 1990 or in the future")
    return instant


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


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
        return (
            None,
            Rejection(field=None, reason=f"expected an object, got {type(data).__name__}"),
            0,
        )
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
