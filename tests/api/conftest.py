"""The API over a small scored organisation, on SQLite and on PostgreSQL, with a key per role.

The organisation is the reports tests' own (``tests/reports/conftest.py``):
eng/infra general 8 authors (all on workload), random 7, help 2; eng/apps
general 9; ops general 6 (3 on collective action), all in the week of
2 March 2026. It is built once per module and database; tests that write
posts get an empty store of their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from api.app import create_app
from api.keys import create_key
from api.roles import Role
from core.database import get_engine
from core.migrate import upgrade
from core.settings import load_settings
from core.tables import posts
from ingest.pseudonym import Pseudonymizer
from reports import cells
from reports.privacy import Privacy
from reports.rollup import Champions
from tests.conftest import TEST_KEY, postgres_database
from tests.reports.conftest import organisation
from tests.reports.helpers import ingest_scored_store, store_prediction

PRIVACY = Privacy(k=5, protected={"collective_action": 10})
WEEK = {"start": "2026-03-02", "end": "2026-03-08"}


@dataclass
class Api:
    """A client of the app, one key per role, and the store behind it."""

    client: TestClient
    keys: dict[str, str]
    engine: Engine
    champions: Champions | None

    def get(self, path: str, role: str | None = None, **params: object):
        return self.client.get(path, params=params, headers=self.auth(role))

    def post(self, path: str, body: object, role: str | None = None):
        return self.client.post(path, json=body, headers=self.auth(role))

    def auth(self, role: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}"} if role else {}


def make_api(engine: Engine, data_dir: Path, champions: Champions | None) -> Api:
    settings = load_settings(
        data_dir=data_dir,
        pseudonym_key=TEST_KEY,
        database_url=engine.url.render_as_string(hide_password=False),
    )
    keys = {role.value: create_key(engine, role.value, f"test {role.value}")[1] for role in Role}
    return Api(TestClient(create_app(settings)), keys, engine, champions)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def org_engine(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[Engine]:
    """A migrated store for the module: a SQLite file, or a PostgreSQL database of its own.

    Of its own: the function-scoped ``engine`` fixture empties the session's
    database after each test, which would take the module's organisation with it.
    """
    if request.param == "sqlite":
        engine = get_engine(f"sqlite:///{tmp_path_factory.mktemp('api') / 'barometer.db'}")
        upgrade(engine)
        yield engine
        return
    request.getfixturevalue("postgres_server")  # skips, or fails in CI, without a server
    with postgres_database() as url:
        engine = get_engine(url)
        upgrade(engine)
        yield engine


@pytest.fixture(scope="module")
def api(org_engine: Engine, anonymizer, tmp_path_factory) -> Api:
    """The small organisation, scored, its cells guarded, served."""
    rows, topics = organisation()
    folder = tmp_path_factory.mktemp("org")
    champions = ingest_scored_store(
        org_engine,
        folder / "posts.jsonl",
        rows,
        min_group_size=2,
        redactor=anonymizer,
        pseudonymize=Pseudonymizer(TEST_KEY.encode()),
    )
    with org_engine.begin() as connection:
        for post_id, source_id in connection.execute(select(posts.c.id, posts.c.source_id)):
            store_prediction(connection, champions, post_id, "negative", -0.8, topics[source_id])
    cells.refresh(org_engine, champions, PRIVACY)
    return make_api(org_engine, folder, champions)


@pytest.fixture
def empty_api(engine: Engine, tmp_path: Path) -> Api:
    """The API over an empty, migrated store (for writing posts)."""
    return make_api(engine, tmp_path, None)
