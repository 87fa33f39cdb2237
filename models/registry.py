"""Model versions on disk (``model_dir/<kind>/<version>/``) and in the ``model_versions`` table.

A version is a candidate until promoted; each kind has at most one champion,
which scoring and classification use. A fresh installation gets a champion
with no manual step: the heads trained on the project's posts ship inside the
package (``models/champion/``, under 2 MB) and are registered on first use.
"""

from __future__ import annotations

import json
import secrets
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select, update

from core.errors import ConfigError, ModelError
from core.tables import model_versions
from models.adaptation import ADAPTER_DIR
from models.encoder import Encoder

KINDS = ("sentiment", "topics")


@dataclass(frozen=True)
class ModelVersion:
    """One registered model version."""

    id: int
    kind: str
    version: str
    path: str
    status: str
    created_at: datetime
    encoder: str
    code_version: str
    metrics: dict[str, Any]


def new_version() -> str:
    """A version id that sorts by time: ``20261121T143005-3fa2``."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(2)}"


def load_model(folder: Path, encoder: Encoder | None = None) -> Any:
    """The classifier saved in ``folder``, whichever class wrote it.

    A version trained on an adapted encoder keeps its adapter in
    ``folder/adapter/``; its heads then read ``encoder`` with that adapter merged in.
    """
    from models.sentiment import SentimentClassifier, TransformersSentimentClassifier
    from models.topics import TopicClassifier, TransformersTopicClassifier

    classes = {
        cls.__name__: cls
        for cls in (
            SentimentClassifier,
            TransformersSentimentClassifier,
            TopicClassifier,
            TransformersTopicClassifier,
        )
    }
    try:
        name = json.loads((folder / "config.json").read_text())["class"]
    except (OSError, ValueError, KeyError):
        raise ConfigError(
            f"{folder} holds no saved model (config.json missing or broken)"
        ) from None
    if name not in classes:
        raise ConfigError(f"{folder} holds a {name!r}; known models: {', '.join(classes)}")
    if (folder / ADAPTER_DIR).is_dir():
        encoder = (encoder or Encoder()).adapted(folder / ADAPTER_DIR)
    return classes[name].load(folder, encoder)


class Registry:
    """The registered model versions of one store and one model directory.

    Args:
        engine: The store.
        model_dir: Where version folders live.
    """

    def __init__(self, engine: Engine, model_dir: Path) -> None:
        self.engine = engine
        self.model_dir = model_dir

    def folder(self, kind: str, version: str) -> Path:
        """Where a version's files go: ``model_dir/<kind>/<version>/``."""
        return self.model_dir / kind / version

    def register(
        self, kind: str, version: str, metrics: dict[str, Any], encoder: str, code_version: str
    ) -> ModelVersion:
        """Record the files already saved in ``folder(kind, version)`` as a candidate."""
        if kind not in KINDS:
            raise ConfigError(f"model kind must be one of {', '.join(KINDS)}, got {kind!r}")
        with self.engine.begin() as connection:
            connection.execute(
                insert(model_versions).values(
                    kind=kind,
                    version=version,
                    path=f"{kind}/{version}",
                    status="candidate",
                    created_at=datetime.now(UTC).replace(tzinfo=None),
                    encoder=encoder,
                    code_version=code_version,
                    metrics=json.dumps(metrics),
                )
            )
        return self.get(kind, version)

    def get(self, kind: str, version: str) -> ModelVersion:
        """A registered version; ModelError when there is none."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(model_versions).where(
                    model_versions.c.kind == kind, model_versions.c.version == version
                )
            ).first()
        if row is None:
            raise ModelError(f"no {kind} model version {version!r}; see `barometer models list`")
        return _version(row)

    def by_id(self, version_id: int) -> ModelVersion:
        """The version with row id ``version_id``; ModelError when there is none."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(model_versions).where(model_versions.c.id == version_id)
            ).first()
        if row is None:
            raise ModelError(f"no model version with id {version_id}")
        return _version(row)

    def versions(self, kind: str | None = None) -> list[ModelVersion]:
        """Every registered version (of ``kind``), newest first."""
        query = select(model_versions).order_by(model_versions.c.created_at.desc())
        if kind is not None:
            query = query.where(model_versions.c.kind == kind)
        with self.engine.connect() as connection:
            return [_version(row) for row in connection.execute(query)]

    def champion(self, kind: str) -> ModelVersion | None:
        """The champion of ``kind``, or None."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(model_versions).where(
                    model_versions.c.kind == kind, model_versions.c.status == "champion"
                )
            ).first()
        return _version(row) if row is not None else None

    def promote(self, kind: str, version: str) -> ModelVersion:
        """Make ``version`` the champion of ``kind``; the old champion is retired."""
        target = self.get(kind, version)
        with self.engine.begin() as connection:
            connection.execute(
                update(model_versions)
                .where(model_versions.c.kind == kind, model_versions.c.status == "champion")
                .values(status="retired")
            )
            connection.execute(
                update(model_versions)
                .where(model_versions.c.id == target.id)
                .values(status="champion", promoted_at=datetime.now(UTC).replace(tzinfo=None))
            )
        return self.get(kind, version)

    def load(self, version: ModelVersion, encoder: Encoder | None = None) -> Any:
        """The classifier of a registered version."""
        return load_model(self.model_dir / version.path, encoder)

    def ensure_champions(self) -> dict[str, ModelVersion]:
        """The champion of every kind, installing the shipped one where a kind has none."""
        champions = {}
        for kind in KINDS:
            champion = self.champion(kind)
            if champion is None:
                champion = self._install_shipped(kind)
            champions[kind] = champion
        return champions

    def _install_shipped(self, kind: str) -> ModelVersion:
        shipped = resources.files("models.champion").joinpath(kind)
        with resources.as_file(shipped) as source:
            card = json.loads((source / "card.json").read_text())
            version = card["version"]
            existing = [v for v in self.versions(kind) if v.version == version]
            if not existing:
                target = self.folder(kind, version)
                if target.exists():
                    shutil.rmtree(target)
                shutil.copytree(source, target)
                self.register(kind, version, card["metrics"], card["encoder"], card["code_version"])
        return self.promote(kind, version)


def _version(row: Any) -> ModelVersion:
    return ModelVersion(
        id=row.id,
        kind=row.kind,
        version=row.version,
        path=row.path,
        status=row.status,
        created_at=row.created_at,
        encoder=row.encoder,
        code_version=row.code_version,
        metrics=json.loads(row.metrics),
    )
