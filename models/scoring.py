"""Scoring stored posts with the champions: batched, resumable, idempotent.

``score_posts`` finds the posts that have no prediction from the current
champions, classifies them in batches and writes each batch in one
transaction, so a killed run resumes where it stopped and a second run finds
nothing to do. Predictions are keyed by model version: a new champion gets
rows of its own and the old champion's rows stay as they were.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, and_, exists, func, not_, or_, select

from core.errors import ConfigError
from core.tables import post_topics, posts, sentiment_predictions, topic_predictions
from models.encoder import Encoder, MemoEncoder
from models.features import share_lexical
from models.sentiment import sentiment_score
from models.taxonomy import SENTIMENTS, TOPIC_IDS

ENGINES = ("local", "ray")
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScorerSpec:
    """What a process needs to load the champions itself: version ids, folders, encoder.

    Plain values, so it crosses process and machine boundaries (Ray workers).
    """

    sentiment_version_id: int
    topics_version_id: int
    sentiment_folder: Path
    topics_folder: Path
    encoder_model: str | None
    encoder_backend: str
    encoder_cache_dir: Path | None
    encoder_batch_size: int

    def load(self, encoder: Encoder | None = None) -> Scorer:
        """Both champions, sharing one ``MemoEncoder`` around ``encoder``.

        Args:
            encoder: An encoder already loaded in this process; None builds the
                one the spec names (what a Ray worker does).
        """
        from models.registry import load_model

        memo = MemoEncoder(
            encoder
            or Encoder(
                self.encoder_model,
                self.encoder_backend,
                self.encoder_cache_dir,
                self.encoder_batch_size,
            )
        )
        sentiment = load_model(self.sentiment_folder, memo)
        topics = load_model(self.topics_folder, memo)
        share_lexical(sentiment, topics)
        return Scorer(
            sentiment_version_id=self.sentiment_version_id,
            topics_version_id=self.topics_version_id,
            sentiment=sentiment,
            topics=topics,
            encoder=memo,
            spec=self,
        )


@dataclass(frozen=True)
class Prediction:
    """One post's predictions, rounded as they are stored."""

    post_id: int
    label: str
    score: float
    topic_scores: dict[str, float]
    topics: list[str]


@dataclass(frozen=True)
class Scorer:
    """The champions to score with: version ids, and models loaded with one ``MemoEncoder``.

    Both models read the memo, so a batch is embedded once. ``spec`` is how it
    was loaded, for engines that load it again in other processes.
    """

    sentiment_version_id: int
    topics_version_id: int
    sentiment: Any
    topics: Any
    encoder: MemoEncoder
    spec: ScorerSpec | None = None

    def predict(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, list[list[str]]]:
        """Sentiment probabilities (n, 3), topic probabilities (n, n_topics), topic lists."""
        try:
            sentiment = self.sentiment.predict_proba(texts)
            topics = self.topics.predict_proba(texts)
        finally:
            self.encoder.clear()
        return sentiment, topics, self.topics.assign(topics)

    def predict_posts(self, batch: Sequence[tuple[int, str]]) -> list[Prediction]:
        """Predictions for a batch of (post id, text), embedded once."""
        sentiment, topics, assigned = self.predict([text for _, text in batch])
        net = sentiment_score(sentiment)
        return [
            Prediction(
                post_id=int(post_id),
                label=SENTIMENTS[int(sentiment[i].argmax())],
                score=round(float(net[i]), 6),
                topic_scores={
                    topic: round(float(p), 4) for topic, p in zip(TOPIC_IDS, topics[i], strict=True)
                },
                topics=list(assigned[i]),
            )
            for i, (post_id, _) in enumerate(batch)
        ]


@dataclass(frozen=True)
class RayOptions:
    """Where the ``ray`` engine runs.

    Attributes:
        address: A Ray cluster (``ray://host:10001`` or ``auto``); None starts
            Ray on this machine.
        workers: Scoring actors, one CPU each. Default 2.
        readers: Read tasks, each reading one range of post ids from the store.
    """

    address: str | None = None
    workers: int = 2
    readers: int = 4


@dataclass(frozen=True)
class ScoreResult:
    """How many posts a run scored, and how many were left when it started."""

    pending: int
    scored: int


def prediction_rows(scorer: Scorer, predictions: Sequence[Prediction]) -> dict[str, list[dict]]:
    """The rows to insert for ``predictions``, keyed by the scorer's model versions."""
    now = datetime.now(UTC).replace(tzinfo=None)
    rows: dict[str, list[dict]] = {"sentiment": [], "topics": [], "post_topics": []}
    for prediction in predictions:
        rows["sentiment"].append(
            {
                "post_id": prediction.post_id,
                "model_version_id": scorer.sentiment_version_id,
                "label": prediction.label,
                "score": prediction.score,
                "scored_at": now,
            }
        )
        rows["topics"].append(
            {
                "post_id": prediction.post_id,
                "model_version_id": scorer.topics_version_id,
                "topic_scores": json.dumps(prediction.topic_scores),
                "scored_at": now,
            }
        )
        rows["post_topics"].extend(
            {
                "post_id": prediction.post_id,
                "model_version_id": scorer.topics_version_id,
                "topic": topic,
                "probability": prediction.topic_scores[topic],
            }
            for topic in prediction.topics
        )
    return rows


def unscored(sentiment_version_id: int, topics_version_id: int) -> Any:
    """The condition "this post lacks a prediction from either version"."""
    has_sentiment = exists().where(
        and_(
            sentiment_predictions.c.post_id == posts.c.id,
            sentiment_predictions.c.model_version_id == sentiment_version_id,
        )
    )
    has_topics = exists().where(
        and_(
            topic_predictions.c.post_id == posts.c.id,
            topic_predictions.c.model_version_id == topics_version_id,
        )
    )
    return or_(not_(has_sentiment), not_(has_topics))


def count_unscored(engine: Engine, scorer: Scorer) -> int:
    """Posts that lack a prediction from either champion."""
    condition = unscored(scorer.sentiment_version_id, scorer.topics_version_id)
    with engine.connect() as connection:
        return connection.execute(
            select(func.count()).select_from(posts).where(condition)
        ).scalar_one()


def unscored_batches(
    engine: Engine,
    sentiment_version_id: int,
    topics_version_id: int,
    batch_size: int,
    id_range: tuple[int, int] | None = None,
) -> Iterator[list[tuple[int, str]]]:
    """Batches of (post id, text) without a champion prediction, by ascending id.

    Args:
        engine: The store.
        sentiment_version_id: The sentiment champion's ``model_versions`` id.
        topics_version_id: The topic champion's ``model_versions`` id.
        batch_size: Posts per batch.
        id_range: Only posts with ``low <= id < high``. Default: every post.
    """
    last_id, high = (id_range[0] - 1, id_range[1]) if id_range else (0, None)
    condition = unscored(sentiment_version_id, topics_version_id)
    while True:
        query = (
            select(posts.c.id, posts.c.text)
            .where(posts.c.id > last_id, condition)
            .order_by(posts.c.id)
            .limit(batch_size)
        )
        if high is not None:
            query = query.where(posts.c.id < high)
        with engine.connect() as connection:
            batch = [(row.id, row.text) for row in connection.execute(query)]
        if not batch:
            return
        yield batch
        last_id = batch[-1][0]


def write_rows(engine: Engine, rows: dict[str, list[dict]]) -> None:
    """Insert a batch's predictions in one transaction; rows already there are left alone."""
    with engine.begin() as connection:
        for table, key in (
            (sentiment_predictions, "sentiment"),
            (topic_predictions, "topics"),
            (post_topics, "post_topics"),
        ):
            if rows[key]:
                connection.execute(_insert_ignoring_duplicates(engine, table), rows[key])


def _insert_ignoring_duplicates(engine: Engine, table: Any) -> Any:
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table).on_conflict_do_nothing()


def score_posts(
    engine: Engine,
    scorer: Scorer,
    batch_size: int = 256,
    run_engine: str = "local",
    progress: Callable[[int], None] | None = None,
    pending: int | None = None,
    ray_options: RayOptions | None = None,
) -> ScoreResult:
    """Score every stored post that has no prediction from the champions.

    Args:
        engine: The store.
        scorer: The champions.
        batch_size: Posts per batch (and per transaction). Default 256.
        run_engine: ``local`` (default: this process) or ``ray`` (Ray Data actors,
            on this machine or the cluster in ``ray_options``; this process
            reads the posts and writes the predictions).
        progress: Called with the number of posts after each batch is written.
        pending: What ``count_unscored`` returned, when the caller already asked
            (a progress bar needs it first); counted here otherwise.
        ray_options: Where and how wide the ``ray`` engine runs. Default: a local
            Ray with two actors.

    Returns:
        Posts pending at the start, and posts scored.
    """
    if run_engine not in ENGINES:
        raise ConfigError(f"engine must be one of {', '.join(ENGINES)}, got {run_engine!r}")
    if pending is None:
        pending = count_unscored(engine, scorer)
    if run_engine == "ray":
        try:
            from models.ray_scoring import predict_with_ray
        except ImportError:
            raise ConfigError(
                "the ray engine needs Ray: pip install 'barometer[ray]' (or use --engine local)"
            ) from None
        predicted = predict_with_ray(engine, scorer, batch_size, ray_options or RayOptions())
    else:
        batches = unscored_batches(
            engine, scorer.sentiment_version_id, scorer.topics_version_id, batch_size
        )
        predicted = (scorer.predict_posts(batch) for batch in batches)
    scored = 0
    for predictions in predicted:
        write_rows(engine, prediction_rows(scorer, predictions))
        scored += len(predictions)
        if progress is not None:
            progress(len(predictions))
    logger.info("scored %d posts", scored)
    return ScoreResult(pending=pending, scored=scored)
