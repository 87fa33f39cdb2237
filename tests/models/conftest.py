"""Fixtures for the models tests: the real packaged encoder, small real training data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from models.dataset import LabeledPost, project_split
from models.encoder import Encoder, MemoEncoder
from models.sentiment import SentimentClassifier
from models.topics import TopicClassifier


class FakeEncoder(Encoder):
    """Deterministic unit vectors from a text's hash: fast, for tests of plumbing only."""

    def __init__(self) -> None:
        super().__init__()

    def encode(self, texts):  # type: ignore[no-untyped-def]
        rows = [np.random.default_rng(abs(hash(t)) % 2**32).normal(size=16) for t in texts]
        vectors = np.array(rows, dtype=np.float32).reshape(len(texts), 16)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.fixture(scope="session")
def encoder() -> MemoEncoder:
    """The real packaged all-MiniLM-L6-v2, remembering what it embedded across tests."""
    return MemoEncoder(Encoder())


@pytest.fixture(scope="session")
def train_posts() -> list[LabeledPost]:
    """A quarter of the shipped train split: enough to learn, quick to embed."""
    return project_split("train")[::4]


@pytest.fixture(scope="session")
def validation_posts() -> list[LabeledPost]:
    return project_split("validation")[::2]


@pytest.fixture(scope="session")
def fitted_sentiment(encoder: MemoEncoder, train_posts: list[LabeledPost]) -> SentimentClassifier:
    return SentimentClassifier(encoder).fit(
        [p.text for p in train_posts], [p.sentiment for p in train_posts]
    )


@pytest.fixture(scope="session")
def fitted_topics(
    encoder: MemoEncoder, train_posts: list[LabeledPost], validation_posts: list[LabeledPost]
) -> TopicClassifier:
    return TopicClassifier(encoder).fit(
        [p.text for p in train_posts],
        [p.topics for p in train_posts],
        validation=([p.text for p in validation_posts], [p.topics for p in validation_posts]),
    )


@pytest.fixture(scope="session")
def sequence_classifier_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real transformers sequence-classification model on disk: MiniLM with a fresh
    three-way sentiment head (untrained; the tests check plumbing, not accuracy)."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from models.encoder import packaged_model_path

    folder = tmp_path_factory.mktemp("sequence-classifier")
    labels = {0: "NEGATIVE", 1: "NEUTRAL", 2: "POSITIVE"}
    model = AutoModelForSequenceClassification.from_pretrained(
        str(packaged_model_path()),
        num_labels=3,
        id2label=labels,
        label2id={v: k for k, v in labels.items()},
    )
    model.save_pretrained(folder)
    AutoTokenizer.from_pretrained(str(packaged_model_path())).save_pretrained(folder)
    return folder
