"""After ingest, no raw author id, no email, no name and no key is anywhere in the store or logs."""

import logging
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from core.database import get_engine
from core.migrate import upgrade
from core.tables import metadata
from ingest.pipeline import ingest_file
from ingest.pseudonym import Pseudonymizer
from tests.conftest import TEST_KEY
from tests.ingest.helpers import post, write_jsonl

AUTHOR_IDS = ["emp-raw-4471", "jdoe-88231", "U02ABCDEF"]
SECRETS_IN_TEXT = ["maria.gonzalez@corp.example", "+1 415-555-0132", "EMP-004512", "@dkim"]


def everything_stored(engine: Engine) -> str:
    """Every value of every table, as one string."""
    chunks = []
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(select(table)):
                chunks.extend(str(value) for value in row)
    return "\n".join(chunks)


def ingest_identifying_posts(tmp_path: Path, engine: Engine, anonymizer) -> None:
    rows = [
        post(
            i,
            author_id=author,
            text=f"Ask Maria Gonzalez ({SECRETS_IN_TEXT[0]}, {SECRETS_IN_TEXT[1]}), "
            f"id {SECRETS_IN_TEXT[2]}, or ping {SECRETS_IN_TEXT[3]}.",
        )
        for i, author in enumerate(AUTHOR_IDS)
    ]
    rows.append(post(10, author_id=AUTHOR_IDS[0], text=""))  # quarantined, author inside
    rows.append('{"source_id": "p11", "author_id": "' + AUTHOR_IDS[1] + '", "text": "cut')
    path = write_jsonl(tmp_path / "f.jsonl", rows)
    ingest_file(
        path,
        engine=engine,
        redactor=anonymizer,
        pseudonymize=Pseudonymizer(TEST_KEY.encode()),
        min_group_size=5,
        chunk_size=2,
    )


@pytest.fixture
def ingested(tmp_path: Path, engine: Engine, anonymizer, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    ingest_identifying_posts(tmp_path, engine, anonymizer)


@pytest.mark.parametrize("needle", [*AUTHOR_IDS, *SECRETS_IN_TEXT, "Maria", "Gonzalez", TEST_KEY])
def test_nothing_identifying_is_stored(ingested, engine: Engine, needle: str) -> None:
    assert needle not in everything_stored(engine)


@pytest.mark.parametrize("needle", [*AUTHOR_IDS, *SECRETS_IN_TEXT, TEST_KEY])
def test_nothing_identifying_is_logged(ingested, caplog, needle: str) -> None:
    assert needle not in caplog.text


def test_the_sqlite_file_holds_no_identifying_bytes(tmp_path: Path, anonymizer) -> None:
    database = tmp_path / "store.db"
    engine = get_engine(f"sqlite:///{database}")
    upgrade(engine)
    ingest_identifying_posts(tmp_path, engine, anonymizer)
    engine.dispose()  # checkpoint the WAL into the file
    raw = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    for needle in [*AUTHOR_IDS, *SECRETS_IN_TEXT, TEST_KEY]:
        assert needle.encode() not in raw
