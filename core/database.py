"""One SQLAlchemy engine per process and per URL, tuned for SQLite and PostgreSQL alike."""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

from core.errors import ConfigError

logger = logging.getLogger(__name__)

# What a reading function accepts: the engine (it checks out a connection for
# the read) or a connection already open (an API request reads everything it
# needs through one, instead of a checkout per read).
Store = Engine | Connection


@contextlib.contextmanager
def connected(store: Store) -> Iterator[Connection]:
    """A connection for reading from ``store``: its own checkout, or ``store`` itself."""
    if isinstance(store, Connection):
        yield store
        return
    with store.connect() as connection:
        yield connection


@functools.cache
def get_engine(url: str) -> Engine:
    """Return the process's engine for ``url``, creating it on first use.

    SQLite files get WAL journaling (readers never block the writer), a busy
    timeout and enforced foreign keys; their parent directory is created.

    Args:
        url: A SQLAlchemy URL such as ``sqlite:///barometer-data/barometer.db`` or
            ``postgresql+psycopg://user@host/db``.

    Returns:
        The engine.

    Raises:
        ConfigError: The URL cannot be parsed or names an unsupported database.
    """
    try:
        parsed = make_url(url)
    except Exception:
        raise ConfigError(
            "database_url is not a valid SQLAlchemy URL; expected e.g. "
            "'sqlite:///barometer-data/barometer.db' or 'postgresql+psycopg://user@host/db'"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed.database)
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_pre_ping=True)
    raise ConfigError(f"database_url must name sqlite or postgresql, got {backend!r}")


def _sqlite_engine(database: str | None) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{database or ''}")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Let SQLAlchemy, not the sqlite3 module, open transactions: SAVEPOINTs need it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:  # type: ignore[no-untyped-def]
        connection.exec_driver_sql("BEGIN")

    return engine
