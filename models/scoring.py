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
from typing import Any

import numpy as np
from sqlalchemy import Engine, and_, exists, func, not_, or_, select

from core.errors import ConfigError
from core.tables import post_topics, posts, sentiment_predictions, topic_predictions
from models.encoder import MemoEncoder
from models.sentiment import sentiment_score
from models.taxonomy import SENTIMENTS, TOPIC_IDS

ENGINES = ("local", "ray")
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scorer:
    """The champions to score with: version ids, and models loaded with one ``MemoEncoder``.

    Both models read the memo, so a batch is embedded once.
    """

    sentiment_version_id: int
    topics_version_id: int
    sentiment: Any
    topics: Any
    encoder: MemoEncoder

    def predict(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, list[list[str]]]:
        """Sentiment probabilities (n, 3), topic probabilities (n, n_topics), topic lists."""
        try:
            sentiment = self.sentiment.predict_proba(texts)
            topics = self.topics.predict_proba(texts)
        finally:
            self.encoder.clear()
        return sentiment, topics, self.topics.assign(topics)


@dataclass(frozen=True)
class ScoreResult:
    """How many posts a run scored, and how many were left when it started."""

    pending: int
    scored: int


def predict_rows(scorer: Scorer, batch: Sequence[tuple[int, str]]) -> dict[str, list[dict]]:
    """Prediction rows for a batch of (post id, text), ready to insert.

    The batch is embedded once (the models share the scorer's memo, cleared after).
    """
    sentiment, topics, assigned = scorer.predict([text for _, text in batch])
    net = sentiment_score(sentiment)
    now = datetime.now(UTC).replace(tzinfo=None)
    rows: dict[str, list[dict]] = {"sentiment": [], "topics": [], "post_topics": []}
    for i, (post_id, _) in enumerate(batch):
        rows["sentiment"].append(
            {
                "post_id": post_id,
                "model_version_id": scorer.sentiment_version_id,
                "label": SENTIMENTS[int(sentiment[i].argmax())],
                "score": round(float(net[i]), 6),
                "scored_at": now,
            }
        )
        scores = {topic: round(float(p), 4) for topic, p in zip(TOPIC_IDS, topics[i], strict=True)}
        rows["topics"].append(
            {
                "post_id": post_id,
                "model_version_id": scorer.topics_version_id,
                "topic_scores": json.dumps(scores),
                "scored_at": now,
            }
        )
        rows["post_topics"].extend(
            {
                "post_id": post_id,
                "model_version_id": scorer.topics_version_id,
                "topic": topic,
                "probability": scores[topic],
            }
            for topic in assigned[i]
        )
    return rows


def _unscored(scorer: Scorer) -> Any:
    has_sentiment = exists().where(
        and_(
            sentiment_predictions.c.post_id == posts.c.id,
            sentiment_predictions.c.model_version_id == scorer.sentiment_version_id,
        )
    )
    has_topics = exists().where(
        and_(
            topic_predictions.c.post_id == posts.c.id,
            topic_predictions.c.model_version_id == scorer.topics_version_id,
        )
    )
    return or_(not_(has_sentiment), not_(has_topics))


def count_unscored(engine: Engine, scorer: Scorer) -> int:
    """Posts that lack a prediction from either champion."""
    with engine.connect() as connection:
        return connection.execute(
            select(func.count()).select_from(posts).where(_unscored(scorer))
        ).scalar_one()


def unscored_batches(
    engine: Engine, scorer: Scorer, batch_size: int
) -> Iterator[list[tuple[int, str]]]:
    """Batches of (post id, text) without a champion prediction, by ascending id."""
    last_id = 0
    while True:
        with engine.connect() as connection:
            batch = [
                (row.id, row.text)
                for row in connection.execute(
                    select(posts.c.id, posts.c.text)
                    .where(posts.c.id > last_id, _unscored(scorer))
                    .order_by(posts.c.id)
                    .limit(batch_size)
                )
            ]
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
) -> ScoreResult:
    """Score every stored post that has no prediction from the champions.

    Args:
        engine: The store.
        scorer: The champions.
        batch_size: Posts per batch (and per transaction). Default 256.
        run_engine: ``local`` (default). ``ray`` is refused until Ray Data scoring lands.
        progress: Called with the number of posts after each batch is written.
        pending: What ``count_unscored`` returned, when the caller already asked
            (a progress bar needs it first); counted here otherwise.

    Returns:
        Posts pending at the start, and posts scored.
    """
    if run_engine not in ENGINES:
        raise ConfigError(f"engine must be one of {', '.join(ENGINES)}, got {run_engine!r}")
    if pending is None:
        pending = count_unscored(engine, scorer)
    batches = unscored_batches(engine, scorer, batch_size)
    if run_engine == "ray":
        raise ConfigError(
            "engine 'ray' is not available yet (scoring across a cluster is an open item of "
            "the models issue); use --engine local"
        )
    predicted = ((batch, predict_rows(scorer, batch)) for batch in batches)
    scored = 0
    for batch, rows in predicted:
        write_rows(engine, rows)
        scored += len(batch)
        if progress is not None:
            progress(len(batch))
    logger.info("scored %d posts", scored)
    return ScoreResult(pending=pending, scored=scored)
