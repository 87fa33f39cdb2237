"""N-gram features: heads trained on the same texts share one vocabulary, computed once a batch."""

from pathlib import Path

import numpy as np

from models.features import share_lexical
from models.lexical import LexicalFeatures
from models.registry import load_model

CHAMPION = Path(__file__).resolve().parents[2] / "models" / "champion"
TEXTS = ["RTO mandate again, badge swipes counted", "pay bands finally published"]


def test_the_shipped_champions_end_up_sharing_one_vocabulary(encoder) -> None:
    sentiment = load_model(CHAMPION / "sentiment", encoder)
    topics = load_model(CHAMPION / "topics", encoder)
    share_lexical(sentiment, topics)
    assert sentiment.features_.lexical_ is topics.features_.lexical_


def test_sharing_the_vocabulary_leaves_predictions_unchanged(encoder) -> None:
    sentiment = load_model(CHAMPION / "sentiment", encoder)
    topics = load_model(CHAMPION / "topics", encoder)
    before = topics.predict_proba(TEXTS)
    share_lexical(sentiment, topics)
    sentiment.predict_proba(TEXTS)
    assert np.array_equal(topics.predict_proba(TEXTS), before)


def test_vocabularies_learned_from_different_texts_are_not_shared() -> None:
    first = LexicalFeatures().fit(["the reorg again", "the reorg again and again"])
    second = LexicalFeatures().fit(["pay review", "pay review delayed"])
    assert first.fingerprint != second.fingerprint


def test_a_batch_read_twice_is_transformed_once() -> None:
    features = LexicalFeatures().fit(TEXTS * 2)
    assert features.transform(list(TEXTS)) is features.transform(list(TEXTS))
    assert features.transform(TEXTS[:1]).shape[0] == 1
