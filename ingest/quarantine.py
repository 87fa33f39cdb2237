"""What of a rejected record may be kept in quarantine, and how it is made safe.

A quarantined record keeps enough for an operator to fix the export (its known
fields, its text, the names of other fields) and nothing that identifies a
person: the author only as a pseudonym, every kept value redacted like a post,
values cut short, and of a record that could not even be decoded only its text.
"""

from __future__ import annotations

from typing import Any

from ingest.pseudonym import Pseudonymizer
from ingest.sources import RawRecord

TEXT_CHARS = 2_000
FIELD_CHARS = 200
KNOWN_FIELDS = ("source_id", "created_at", "org_unit", "channel", "thread_id")
KEPT_AS_NAMES = "other_fields"


def remains_of(raw: RawRecord, pseudonymize: Pseudonymizer) -> dict[str, Any]:
    """The record to keep, before redaction (see ``to_redact`` and ``with_redacted``).

    Args:
        raw: The record as the source decoded it (or failed to).
        pseudonymize: Turns the author id into its pseudonym.

    Returns:
        Known fields and text as short strings, ``author`` as a pseudonym, and the
        names (never the values) of any other fields.
    """
    if raw.data is None:
        return {"text": raw.text_hint[:TEXT_CHARS]} if raw.text_hint else {}
    data = raw.data
    remains: dict[str, Any] = {
        key: str(data[key])[:FIELD_CHARS] for key in KNOWN_FIELDS if data.get(key) is not None
    }
    text = data.get("text")
    if text is not None:
        remains["text"] = text[:TEXT_CHARS] if isinstance(text, str) else f"<{type(text).__name__}>"
    author = data.get("author_id")
    if author is not None:
        known = isinstance(author, str | int) and not isinstance(author, bool)
        remains["author"] = pseudonymize(str(author)) if known else "<invalid>"
    others = sorted(key for key in data if key not in {*KNOWN_FIELDS, "author_id", "text"})
    if others:
        remains[KEPT_AS_NAMES] = others
    return remains


def to_redact(remains: dict[str, Any]) -> list[str]:
    """The values of ``remains`` that go through the anonymizer, in a fixed order."""
    return [remains[key] for key in _redacted_keys(remains)]


def with_redacted(remains: dict[str, Any], redacted: list[str]) -> dict[str, Any]:
    """``remains`` with the values of ``to_redact`` replaced by ``redacted``."""
    return {**remains, **dict(zip(_redacted_keys(remains), redacted, strict=True))}


def _redacted_keys(remains: dict[str, Any]) -> list[str]:
    return sorted(key for key in remains if key not in {"author", KEPT_AS_NAMES})
