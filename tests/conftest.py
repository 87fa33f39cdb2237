"""Shared fixtures: settings, a migrated SQLite or PostgreSQL store, the real anonymizer."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from core.database import get_engine
from core.migrate import upgrade
from core.settings import Settings, load_settings
from core.tables import metadata
from ingest.anonymize import Anonymizer, AnonymizerConfig
from ingest.pseudonym import Pseudonymizer

os.environ.setdefault("HF_HUB_OFFLINE", "1")
POSTGRES_URL = os.environ.get(
    "BAROMETER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
TEST_KEY = "test-pseudonym-key-0123456789abcdef"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(data_dir=tmp_path, pseudonym_key=TEST_KEY)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A fresh database on the PostgreSQL server for this session, dropped afterwards."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text("select 1"))
    except Exception as exc:
        message = f"PostgreSQL is not reachable at {POSTGRES_URL}: {exc.__class__.__name__}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    admin.dispose()
    with postgres_database() as url:
        yield url


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A database of its own on the PostgreSQL server, dropped afterwards; yields its URL."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"barometer_test_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'create database "{name}"'))
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        get_engine(url).dispose()
        with admin.connect() as connection:
            connection.execute(text(f'drop database if exists "{name}" with (force)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty store: a SQLite file, or the session's PostgreSQL database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'barometer.db'}"
    else:
        url = request.getfixturevalue("postgres_server")
    engine = get_engine(url)
    upgrade(engine)
    yield engine
    if request.param == "postgres":
        with engine.begin() as connection:
            tables = ", ".join(table.name for table in metadata.sorted_tables)
            connection.execute(text(f"truncate {tables} restart identity cascade"))
    else:
        engine.dispose()


@pytest.fixture
def database_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def anonymizer() -> Anonymizer:
    """The real anonymizer (spaCy NER + Presidio), loaded once."""
    from core.settings import DEFAULT_EMPLOYEE_ID_PATTERNS

    return Anonymizer(AnonymizerConfig(employee_id_patterns=DEFAULT_EMPLOYEE_ID_PATTERNS))


@pytest.fixture
def pseudonymize() -> Pseudonymizer:
    return Pseudonymizer(TEST_KEY.encode())
