"""The estimator contract, for every sentiment and topic classifier."""

from pathlib import Path

import numpy as np
import pytest

from core.errors import ConfigError, InputError, NotFittedError
from models.registry import load_model
from models.sentiment import SentimentClassifier, TransformersSentimentClassifier
from models.taxonomy import SENTIMENTS, TOPIC_IDS
from models.topics import TopicClassifier, TransformersTopicClassifier

TEXTS = ["They are tracking our keystrokes now, unbelievable.", "Thanks for the raise!", "lunch?"]


@pytest.fixture(params=["head", "transformers"])
def sentiment_model(request, fitted_sentiment, sequence_classifier_dir):
    if request.param == "head":
        return fitted_sentiment
    return TransformersSentimentClassifier(str(sequence_classifier_dir)).fit()


@pytest.mark.parametrize(
    "unfitted",
    [
        SentimentClassifier(),  # embedding head
        TopicClassifier(),  # embedding heads per topic
        TransformersSentimentClassifier("unused"),  # sequence-classification model
        TransformersTopicClassifier("unused"),
    ],
)
def test_predicting_before_fit_says_so(unfitted) -> None:
    with pytest.raises(NotFittedError, match="not fitted yet; call fit"):
        unfitted.predict(["x"])


def test_init_only_stores_settings() -> None:
    model = SentimentClassifier(C=3.0, lexical=False)
    assert vars(model) == {"encoder": None, "C": 3.0, "lexical": False}


def test_sentiment_probabilities_are_distributions_and_score_is_pos_minus_neg(
    sentiment_model,
) -> None:
    probabilities = sentiment_model.predict_proba(TEXTS)
    assert probabilities.shape == (3, 3)
    assert np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    score = sentiment_model.score(TEXTS)
    assert np.allclose(score, probabilities[:, 2] - probabilities[:, 0])
    assert set(sentiment_model.predict(TEXTS)) <= set(SENTIMENTS)


def test_sentiment_model_survives_save_and_load(sentiment_model, tmp_path: Path, encoder) -> None:
    sentiment_model.save(tmp_path)
    loaded = load_model(tmp_path, encoder)
    assert np.allclose(loaded.predict_proba(TEXTS), sentiment_model.predict_proba(TEXTS), atol=1e-5)


def test_the_trained_head_reads_attitude(fitted_sentiment) -> None:
    assert fitted_sentiment.predict(
        ["This reorg is a disaster and nobody asked us.", "Huge thanks to the team, proud of us!"]
    ) == ["negative", "positive"]


def test_sentiment_training_needs_every_class(encoder) -> None:
    with pytest.raises(InputError, match="needs every class"):
        SentimentClassifier(encoder).fit(["a", "b"], ["negative", "positive"])


def test_a_model_whose_labels_are_not_sentiments_is_refused(sequence_classifier_dir) -> None:
    with pytest.raises(ConfigError, match="give label_map"):
        TransformersSentimentClassifier(
            str(sequence_classifier_dir), label_map={"NEGATIVE": "negative"}
        ).fit()


def test_topic_thresholds_are_tuned_per_topic(fitted_topics) -> None:
    assert fitted_topics.thresholds_.shape == (len(TOPIC_IDS),)
    assert len(set(fitted_topics.thresholds_.tolist())) > 1


def test_topics_are_the_ones_reaching_their_threshold(fitted_topics) -> None:
    probabilities = fitted_topics.predict_proba(TEXTS)
    expected = [
        [t for t, p, c in zip(TOPIC_IDS, row, fitted_topics.thresholds_, strict=True) if p >= c]
        for row in probabilities
    ]
    assert fitted_topics.predict(TEXTS) == expected
    assert "surveillance" in expected[0]


def test_topic_model_survives_save_and_load(fitted_topics, tmp_path: Path, encoder) -> None:
    fitted_topics.save(tmp_path)
    loaded = load_model(tmp_path, encoder)
    assert np.allclose(loaded.predict_proba(TEXTS), fitted_topics.predict_proba(TEXTS), atol=1e-5)
    assert np.array_equal(loaded.thresholds_, fitted_topics.thresholds_)


def test_a_topic_without_labels_is_scored_zero_shot_from_its_description(encoder) -> None:
    texts = ["They cut the bonus again", "Pay freeze for everyone", "Great weather", "Nice view"]
    model = TopicClassifier(encoder, lexical=False).fit(
        texts, [["compensation"], ["compensation"], [], []]
    )
    assert model.zero_shot_.sum() == len(TOPIC_IDS) - 1
    probabilities = model.predict_proba(
        ["Everyone has to be back in the office five days a week", "What a sunny day"]
    )
    remote = TOPIC_IDS.index("remote_work")
    assert probabilities[0, remote] > probabilities[1, remote]


def test_a_transformers_topic_model_needs_every_topic_as_a_label(sequence_classifier_dir) -> None:
    with pytest.raises(ConfigError, match="no output for topics"):
        TransformersTopicClassifier(str(sequence_classifier_dir)).fit()
