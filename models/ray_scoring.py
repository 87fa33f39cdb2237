"""Scoring across processes or machines with Ray Data.

One Ray Data pipeline per run: read tasks each read the unscored posts of one
range of ids straight from the store, a pool of actors (each loading the
champions once from ``ScorerSpec``) embeds and classifies them, and this
process writes every prediction as it arrives, so resumability and
exactly-once writes are the local engine's. On a cluster the database URL and
the model directory must be reachable from every node (a shared volume in
Kubernetes). Needs the ``ray`` extra: ``pip install 'barometer[ray]'``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import numpy as np
import ray
from ray.data.datasource import Datasource
from sqlalchemy import Engine, func, select

from core.database import get_engine
from core.errors import ConfigError
from core.tables import posts
from models.scoring import Prediction, RayOptions, Scorer, ScorerSpec, unscored, unscored_batches

# Reading posts is light next to embedding them; read tasks must not wait for the
# CPUs the scoring actors hold (a local Ray gets one CPU more than actors).
READ_CPUS = 0.25


def predict_with_ray(
    engine: Engine, scorer: Scorer, batch_size: int, options: RayOptions
) -> Iterator[list[Prediction]]:
    """Predictions for every unscored post, computed by Ray Data actors, a batch at a time."""
    if scorer.spec is None:
        raise ConfigError("the ray engine needs a scorer loaded from a ScorerSpec (load_scorer)")
    ranges = _id_ranges(engine, scorer, options.readers)
    if not ranges:
        return
    _start_ray(options)
    source = UnscoredPosts(
        engine.url.render_as_string(hide_password=False),
        scorer.sentiment_version_id,
        scorer.topics_version_id,
        batch_size,
        ranges,
    )
    scored = ray.data.read_datasource(source, num_cpus=READ_CPUS).map_batches(
        BatchScorer,
        fn_constructor_kwargs={"spec": scorer.spec},
        batch_size=batch_size,
        batch_format="numpy",
        concurrency=options.workers,
        num_cpus=1,
    )
    for columns in scored.iter_batches(batch_size=batch_size, batch_format="numpy"):
        yield [
            Prediction(
                post_id=int(post_id),
                label=str(label),
                score=float(score),
                topic_scores=json.loads(topic_scores),
                topics=json.loads(topics),
            )
            for post_id, label, score, topic_scores, topics in zip(
                columns["post_id"],
                columns["label"],
                columns["score"],
                columns["topic_scores"],
                columns["topics"],
                strict=True,
            )
        ]


def _id_ranges(engine: Engine, scorer: Scorer, readers: int) -> list[tuple[int, int]]:
    """Up to ``readers`` ranges [low, high) of ids covering every unscored post."""
    condition = unscored(scorer.sentiment_version_id, scorer.topics_version_id)
    with engine.connect() as connection:
        low, high = connection.execute(
            select(func.min(posts.c.id), func.max(posts.c.id)).where(condition)
        ).one()
    if low is None:
        return []
    step = max(1, -(-(high + 1 - low) // readers))
    return [(start, min(start + step, high + 1)) for start in range(low, high + 1, step)]


class UnscoredPosts(Datasource):
    """A Ray Data source: the unscored posts, one read task per id range, in batches."""

    def __init__(
        self,
        database_url: str,
        sentiment_version_id: int,
        topics_version_id: int,
        batch_size: int,
        ranges: list[tuple[int, int]],
    ) -> None:
        self.database_url = database_url
        self.versions = (sentiment_version_id, topics_version_id)
        self.batch_size = batch_size
        self.ranges = ranges

    def estimate_inmemory_data_size(self) -> int | None:
        """Unknown until read."""
        return None

    def get_read_tasks(self, parallelism: int, **_: Any) -> list[Any]:
        """One task per id range (``parallelism`` is fixed by ``RayOptions.readers``)."""
        from ray.data.block import BlockMetadata
        from ray.data.datasource import ReadTask

        return [
            ReadTask(
                self._reader(id_range),
                BlockMetadata(num_rows=None, size_bytes=None, exec_stats=None, input_files=None),
            )
            for id_range in self.ranges
        ]

    def _reader(self, id_range: tuple[int, int]) -> Any:
        def read() -> Iterator[Any]:
            import pyarrow as pa

            engine = get_engine(self.database_url)
            try:
                for batch in unscored_batches(engine, *self.versions, self.batch_size, id_range):
                    ids, texts = zip(*batch, strict=True)
                    yield pa.table({"id": list(ids), "text": list(texts)})
            finally:
                engine.dispose()

        return read


class BatchScorer:
    """A Ray Data actor: loads the champions once, then classifies batches of posts."""

    def __init__(self, spec: ScorerSpec) -> None:
        self.scorer = spec.load()

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Columns ``id`` and ``text`` in; one column per prediction field out."""
        predictions = self.scorer.predict_posts(
            list(zip(batch["id"].tolist(), batch["text"].tolist(), strict=True))
        )
        return {
            "post_id": np.array([p.post_id for p in predictions], dtype=np.int64),
            "label": np.array([p.label for p in predictions], dtype=object),
            "score": np.array([p.score for p in predictions], dtype=np.float64),
            "topic_scores": np.array(
                [json.dumps(p.topic_scores) for p in predictions], dtype=object
            ),
            "topics": np.array([json.dumps(p.topics) for p in predictions], dtype=object),
        }


def _start_ray(options: RayOptions) -> None:
    if not ray.is_initialized():
        if options.address is None:
            ray.init(num_cpus=options.workers + 1, include_dashboard=False, log_to_driver=False)
        else:
            ray.init(address=options.address, log_to_driver=False)
        ray.data.DataContext.get_current().enable_progress_bars = False
