"""N-gram features: heads trained on the same texts share one vocabulary, computed once a batch."""

from pathlib import Path

import numpy as np
import pytest

from models.features import share_lexical
from models.lexical import LexicalFeatures
from models.registry import load_model
from models.sentiment import SentimentClassifier

TEXTS = ["RTO mandate again, badge swipes counted", "pay bands finally published"]


@pytest.fixture
def same_run(fitted_sentiment, fitted_topics, tmp_path: Path, encoder):
    """Fresh copies of two heads trained on the same texts (one training run)."""
    fitted_sentiment.save(tmp_path / "sentiment")
    fitted_topics.save(tmp_path / "topics")
    return load_model(tmp_path / "sentiment", encoder), load_model(tmp_path / "topics", encoder)


def test_heads_from_one_training_run_end_up_sharing_one_vocabulary(same_run) -> None:
    sentiment, topics = same_run
    share_lexical(sentiment, topics)
    assert sentiment.features_.lexical_ is topics.features_.lexical_


def test_sharing_the_vocabulary_leaves_predictions_unchanged(same_run) -> None:
    sentiment, topics = same_run
    before = topics.predict_proba(TEXTS)
    share_lexical(sentiment, topics)
    sentiment.predict_proba(TEXTS)
    assert np.array_equal(topics.predict_proba(TEXTS), before)


def test_heads_trained_on_different_texts_keep_their_own_vocabulary(
    same_run, train_posts, encoder
) -> None:
    _, topics = same_run
    other = train_posts[::3]
    sentiment = SentimentClassifier(encoder).fit(
        [p.text for p in other], [p.sentiment for p in other]
    )
    share_lexical(sentiment, topics)
    assert sentiment.features_.lexical_ is not topics.features_.lexical_


def test_vocabularies_learned_from_different_texts_have_different_fingerprints() -> None:
    first = LexicalFeatures().fit(["the reorg again", "the reorg again and again"])
    second = LexicalFeatures().fit(["pay review", "pay review delayed"])
    assert first.fingerprint != second.fingerprint


def test_a_batch_read_twice_is_transformed_once() -> None:
    features = LexicalFeatures().fit(TEXTS * 2)
    assert features.transform(list(TEXTS)) is features.transform(list(TEXTS))
    assert features.transform(TEXTS[:1]).shape[0] == 1


def test_word_bigrams_are_features_beside_character_ngrams() -> None:
    features = LexicalFeatures().fit(["hiring freeze again", "a hiring freeze", "no freeze"])
    assert "hiring freeze" in features.vectorizers_["word"].vocabulary_
    assert "freez" in features.vectorizers_["char"].vocabulary_


def test_saved_features_load_back_identical(tmp_path) -> None:
    features = LexicalFeatures().fit(TEXTS * 2)
    features.save(tmp_path)
    loaded = LexicalFeatures.load(tmp_path)
    assert loaded.fingerprint == features.fingerprint
    assert (loaded.transform(TEXTS) != features.transform(TEXTS)).nnz == 0


def test_a_version_saved_before_word_ngrams_loads_with_character_ngrams_only(tmp_path) -> None:
    LexicalFeatures(words=False).fit(TEXTS * 2).save(tmp_path)
    loaded = LexicalFeatures.load(tmp_path)
    assert list(loaded.vectorizers_) == ["char"]
    assert loaded.transform(TEXTS).shape[1] == len(loaded.vectorizers_["char"].vocabulary_)
