"""API keys: made once and shown once, stored only as a SHA-256 hash, revocable.

A key is 32 random bytes, so a fast hash is enough (there is nothing to guess
by brute force, unlike a password) and lets a request find its key with one
indexed lookup.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, Row, insert, select, update

from api.roles import Role
from core.database import Store, connected
from core.errors import ConfigError, InputError
from core.tables import api_keys

KEY_PREFIX = "brm_"
SHOWN_CHARS = 12  # of the key, kept in clear so operators can tell keys apart
MAX_NAME_CHARS = 128


@dataclass(frozen=True)
class ApiKey:
    """A stored key, without its secret."""

    id: int
    name: str
    role: Role
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


def hash_key(key: str) -> str:
    """The stored form of ``key``."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def create_key(engine: Engine, role: str, name: str) -> tuple[ApiKey, str]:
    """Make a key for ``role``; returns the stored key and the secret, which is not kept.

    Raises:
        ConfigError: ``role`` is not a role.
        InputError: ``name`` is empty or too long.
    """
    if role not in Role.__members__:
        raise ConfigError(f"--role must be one of {', '.join(Role)}, got {role!r}")
    if not 0 < len(name.strip()) <= MAX_NAME_CHARS:
        raise InputError(f"--name must be 1 to {MAX_NAME_CHARS} characters, got {len(name)}")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    with engine.begin() as connection:
        key_id = connection.execute(
            insert(api_keys)
            .values(
                name=name.strip(),
                role=role,
                prefix=secret[:SHOWN_CHARS],
                key_hash=hash_key(secret),
                created_at=_now(),
            )
            .returning(api_keys.c.id)
        ).scalar_one()
    return _get(engine, key_id), secret


def list_keys(engine: Engine) -> list[ApiKey]:
    """Every key, revoked ones included, oldest first."""
    with engine.connect() as connection:
        rows = connection.execute(select(api_keys).order_by(api_keys.c.id)).all()
    return [_key(row) for row in rows]


def revoke_key(engine: Engine, key_id: int) -> ApiKey:
    """Revoke a key from now on; revoking twice keeps the first time.

    Raises:
        InputError: No key has that id.
    """
    with engine.begin() as connection:
        connection.execute(
            update(api_keys)
            .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
            .values(revoked_at=_now())
        )
    return _get(engine, key_id)


def verify(engine: Store, secret: str) -> ApiKey | None:
    """The live key ``secret`` belongs to, or None for an unknown or revoked one."""
    with connected(engine) as connection:
        row = connection.execute(
            select(api_keys).where(
                api_keys.c.key_hash == hash_key(secret), api_keys.c.revoked_at.is_(None)
            )
        ).first()
    return _key(row) if row is not None else None


def _get(engine: Engine, key_id: int) -> ApiKey:
    with engine.connect() as connection:
        row = connection.execute(select(api_keys).where(api_keys.c.id == key_id)).first()
    if row is None:
        raise InputError(f"no API key with id {key_id}; see `barometer keys list`")
    return _key(row)


def _key(row: Row[Any]) -> ApiKey:
    return ApiKey(
        id=row.id,
        name=row.name,
        role=Role(row.role),
        prefix=row.prefix,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
