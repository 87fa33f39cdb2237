"""Metrics of a sentiment and a topic model on labeled posts (a test split or any file)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from models.dataset import LabeledPost
from models.metrics import sentiment_metrics, topic_matrix, topic_metrics
from models.taxonomy import SENTIMENTS


def evaluate_sentiment(model: Any, posts: Sequence[LabeledPost]) -> dict[str, Any] | None:
    """Sentiment metrics on the posts that carry a sentiment label (None if none do)."""
    labeled = [p for p in posts if p.sentiment is not None]
    if not labeled:
        return None
    probabilities = model.predict_proba([p.text for p in labeled])
    predicted = [SENTIMENTS[i] for i in probabilities.argmax(axis=1)]
    return sentiment_metrics([p.sentiment for p in labeled], predicted, probabilities)


def evaluate_topics(model: Any, posts: Sequence[LabeledPost]) -> dict[str, Any] | None:
    """Topic metrics on the posts that carry a topics label (None if none do)."""
    labeled = [p for p in posts if p.topics is not None]
    if not labeled:
        return None
    probabilities = model.predict_proba([p.text for p in labeled])
    truth = topic_matrix([p.topics for p in labeled])
    return topic_metrics(truth, topic_matrix(model.assign(probabilities)), probabilities)


PRIMARY_METRIC = {"sentiment": "macro_f1", "topics": "micro_f1"}


def evaluate(kind: str, model: Any, posts: Sequence[LabeledPost]) -> dict[str, Any] | None:
    """The metrics of a ``kind`` model (``sentiment`` or ``topics``) on ``posts``."""
    return (
        evaluate_sentiment(model, posts) if kind == "sentiment" else evaluate_topics(model, posts)
    )
