"""After ingest, no raw author id, no email, no name and no key is anywhere in the store or logs.

Each export below carries the same identifying values, in valid records and in
every kind of broken record its source can produce.
"""

import json
import logging
import zipfile
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
TEXT = (
    f"Ask Maria Gonzalez ({SECRETS_IN_TEXT[0]}, {SECRETS_IN_TEXT[1]}), "
    f"id {SECRETS_IN_TEXT[2]}, or ping {SECRETS_IN_TEXT[3]}."
)
NEEDLES = [*AUTHOR_IDS, *SECRETS_IN_TEXT, "Maria", "Gonzalez", "alice", TEST_KEY]


def jsonl_export(folder: Path) -> Path:
    rows = [post(i, author_id=author, text=TEXT) for i, author in enumerate(AUTHOR_IDS)]
    rows.append(post(10, author_id=AUTHOR_IDS[0], text=""))  # rejected, author inside
    rows.append(post(11, author_id=AUTHOR_IDS[1], created_at=SECRETS_IN_TEXT[0]))  # email as date
    rows.append(post(12, author_id=AUTHOR_IDS[2], org_unit="Maria Gonzalez's team!"))
    rows.append('{"source_id": "p13", "author_id": "' + AUTHOR_IDS[1] + '", "text": "cut')
    return write_jsonl(folder / "f.jsonl", rows)


def csv_export(folder: Path) -> Path:
    path = folder / "f.csv"
    lines = ["source_id,author_id,text,created_at"]
    lines += [f'p{i},{a},"{TEXT}",2026-03-02' for i, a in enumerate(AUTHOR_IDS)]
    lines.append(f"p9,{AUTHOR_IDS[0]},short row")  # a missing column
    lines.append(f'p10,{AUTHOR_IDS[1]},"{TEXT}",2026-03-02,extra')  # one column too many
    path.write_text("\n".join(lines) + "\n")
    return path


def slack_export(folder: Path) -> Path:
    path = folder / "export.zip"
    message = {"type": "message", "user": AUTHOR_IDS[2], "ts": "1772445600.0", "text": TEXT}
    mention = {**message, "ts": "1772445601.0", "text": "thanks <@U024BE7LH|alice>"}
    private = {**message, "ts": "1772445602.0", "text": "in a group DM: " + TEXT}
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mpdm-alice--maria.gonzalez-1/2026-03-02.json", json.dumps([private]))
        archive.writestr("general/2026-03-02.json", json.dumps([message, mention]))
        archive.writestr("general/2026-03-03.json", '[{"user": "' + AUTHOR_IDS[0] + '"')
    return path


def discourse_export(folder: Path) -> Path:
    path = folder / "posts.json"
    good = {"id": 1, "username": AUTHOR_IDS[0], "name": "Maria Gonzalez",
            "raw": '[quote="alice, post:3, topic:12"]old[/quote] ' + TEXT,
            "created_at": "2026-03-02T10:00:00Z"}  # fmt: skip
    broken = json.dumps({"id": 2, "username": AUTHOR_IDS[1], "raw": TEXT})[:-20]
    path.write_text("[" + json.dumps(good) + ", " + broken)
    return path


EXPORTS = {"jsonl": jsonl_export, "csv": csv_export, "slack": slack_export,
           "discourse": discourse_export}  # fmt: skip


def ingest(path: Path, engine: Engine, anonymizer) -> None:
    ingest_file(path, engine=engine, redactor=anonymizer,
                pseudonymize=Pseudonymizer(TEST_KEY.encode()), min_group_size=5,
                chunk_size=2)  # fmt: skip


def everything_stored(engine: Engine) -> str:
    """Every value of every table, as one string."""
    chunks = []
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(select(table)):
                chunks.extend(str(value) for value in row)
    return "\n".join(chunks)


@pytest.mark.parametrize("source", EXPORTS)
def test_nothing_identifying_is_stored(tmp_path: Path, engine: Engine, anonymizer, source) -> None:
    ingest(EXPORTS[source](tmp_path), engine, anonymizer)
    stored = everything_stored(engine)
    assert "<PERSON>" in stored  # the posts did land
    for needle in NEEDLES:
        assert needle not in stored, needle


@pytest.mark.parametrize("source", EXPORTS)
def test_nothing_identifying_is_logged(tmp_path: Path, engine: Engine, anonymizer, caplog, source):
    caplog.set_level(logging.DEBUG)
    ingest(EXPORTS[source](tmp_path), engine, anonymizer)
    assert caplog.records  # the run did log
    for needle in NEEDLES:
        assert needle not in caplog.text, needle


def test_the_sqlite_file_holds_no_identifying_bytes(tmp_path: Path, anonymizer) -> None:
    database = tmp_path / "store.db"
    engine = get_engine(f"sqlite:///{database}")
    upgrade(engine)
    for make in EXPORTS.values():
        ingest(make(tmp_path), engine, anonymizer)
    engine.dispose()  # checkpoint the WAL into the file
    raw = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    for needle in NEEDLES:
        assert needle.encode() not in raw, needle
