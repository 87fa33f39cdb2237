"""The figures a model card and ``barometer evaluate`` report, computed with scikit-learn."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from models.taxonomy import SENTIMENTS, TOPIC_IDS


def expected_calibration_error(
    probabilities: np.ndarray, correct: np.ndarray, bins: int = 10
) -> float:
    """Expected calibration error of the top-class confidence, in ``bins`` equal-width bins.

    Args:
        probabilities: (n,) confidence of each prediction.
        correct: (n,) whether each prediction was right.
        bins: Number of bins over [0, 1]. Default 10.
    """
    edges = np.linspace(0.0, 1.0, bins + 1)
    error = 0.0
    for low, high in itertools.pairwise(edges):
        inside = (probabilities > low) & (probabilities <= high)
        if inside.any():
            error += inside.mean() * abs(probabilities[inside].mean() - correct[inside].mean())
    return float(error)


def sentiment_metrics(
    truth: Sequence[str], predicted: Sequence[str], probabilities: np.ndarray
) -> dict[str, Any]:
    """Macro-F1, accuracy, per-class precision / recall / F1 and calibration.

    Args:
        truth: True labels.
        predicted: Predicted labels.
        probabilities: (n, 3) class probabilities in ``SENTIMENTS`` order.
    """
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    labels = list(SENTIMENTS)
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0
    )
    correct = np.asarray(truth) == np.asarray(predicted)
    return {
        "n": len(truth),
        "macro_f1": float(
            f1_score(truth, predicted, labels=labels, average="macro", zero_division=0)
        ),
        "macro_recall": float(np.mean(recall)),
        "accuracy": float(accuracy_score(truth, predicted)),
        "ece": expected_calibration_error(probabilities.max(axis=1), correct),
        "per_class": {
            label: {
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "f1": float(f1[i]),
                "support": int(support[i]),
            }
            for i, label in enumerate(labels)
        },
    }


def topic_metrics(
    truth: np.ndarray, predicted: np.ndarray, probabilities: np.ndarray
) -> dict[str, Any]:
    """Micro- and macro-F1 over topics, per-topic precision / recall / F1, and calibration.

    Args:
        truth: (n, n_topics) 0/1 true labels in ``TOPIC_IDS`` order.
        predicted: (n, n_topics) 0/1 predicted labels.
        probabilities: (n, n_topics) topic probabilities.
    """
    from sklearn.metrics import f1_score, precision_recall_fscore_support

    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, zero_division=0
    )
    flat_probabilities = probabilities.ravel()
    confidence = np.where(flat_probabilities >= 0.5, flat_probabilities, 1 - flat_probabilities)
    correct = (flat_probabilities >= 0.5) == truth.ravel().astype(bool)
    return {
        "n": int(truth.shape[0]),
        "micro_f1": float(f1_score(truth, predicted, average="micro", zero_division=0)),
        "macro_f1": float(f1_score(truth, predicted, average="macro", zero_division=0)),
        "ece": expected_calibration_error(confidence, correct),
        "per_topic": {
            topic: {
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "f1": float(f1[i]),
                "support": int(support[i]),
            }
            for i, topic in enumerate(TOPIC_IDS)
        },
    }


def topic_matrix(topics: Sequence[Sequence[str]]) -> np.ndarray:
    """(n, n_topics) 0/1 matrix of topic lists, in ``TOPIC_IDS`` order."""
    return np.array(
        [[topic in row for topic in TOPIC_IDS] for row in topics], dtype=np.int8
    ).reshape(len(topics), len(TOPIC_IDS))
