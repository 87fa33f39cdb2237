"""Keyed pseudonyms for authors: the raw author id never leaves this function."""

from __future__ import annotations

import hashlib
import hmac

PSEUDONYM_HEX_CHARS = 16


class Pseudonymizer:
    """Turns an author id into ``HMAC-SHA256(key, author_id)`` cut to 16 hex characters.

    The same id always maps to the same pseudonym under the same key, so
    distinct-author counts stay exact, while nobody without the key can link a
    pseudonym back to a person (a plain hash of a staff id could be reversed by
    hashing the staff directory).

    Args:
        key: The secret from settings (``Settings.key_bytes()``).
    """

    def __init__(self, key: bytes) -> None:
        self._key = key

    def __call__(self, author_id: str | None) -> str | None:
        """The pseudonym of ``author_id``, or None when there is no author."""
        if author_id is None:
            return None
        digest = hmac.new(self._key, author_id.encode("utf-8"), hashlib.sha256).hexdigest()
        return digest[:PSEUDONYM_HEX_CHARS]

    def __repr__(self) -> str:
        return "Pseudonymizer(key=<hidden>)"
