"""Topic classifiers: multi-label over the taxonomy, one decision threshold per topic.

``TopicClassifier`` fits one logistic regression per topic on sentence
embeddings and tunes each topic's threshold on validation data (the threshold
that maximises that topic's F1). A topic with no labeled posts is scored
zero-shot, by the cosine between the post and the topic's description.
``TransformersTopicClassifier`` wraps a Hugging Face multi-label model whose
labels are topic ids.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from core.errors import ConfigError, InputError, NotFittedError
from models.encoder import Encoder
from models.features import PostFeatures
from models.metrics import topic_matrix
from models.sequence_models import load_sequence_classifier, run_sequence_classifier
from models.taxonomy import TOPIC_IDS, TOPICS

DEFAULT_THRESHOLD = 0.5
# Zero-shot: cosine similarity is turned into a probability-like score around this midpoint.
ZERO_SHOT_MIDPOINT, ZERO_SHOT_SLOPE = 0.30, 12.0


def check_topics(texts: Sequence[str], topics: Sequence[Sequence[str]]) -> np.ndarray:
    """The (n, n_topics) label matrix, after refusing mismatched or unknown labels."""
    if len(texts) != len(topics):
        raise InputError(f"got {len(texts)} texts but {len(topics)} topic lists")
    unknown = sorted({t for row in topics for t in row} - set(TOPIC_IDS))
    if unknown:
        raise InputError(f"unknown topics {unknown}; valid topics: {', '.join(TOPIC_IDS)}")
    return topic_matrix(topics)


def tune_thresholds(truth: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
    """Per topic, the threshold in 0.05..0.95 that maximises F1 on ``truth``.

    Topics without a positive example in ``truth`` keep ``DEFAULT_THRESHOLD``.

    Returns:
        (n_topics,) float32 thresholds.
    """
    from sklearn.metrics import f1_score

    candidates = np.round(np.arange(0.05, 0.96, 0.05), 2)
    thresholds = np.full(truth.shape[1], DEFAULT_THRESHOLD, dtype=np.float32)
    for j in range(truth.shape[1]):
        if truth[:, j].sum() == 0:
            continue
        scores = [
            f1_score(truth[:, j], probabilities[:, j] >= c, zero_division=0) for c in candidates
        ]
        thresholds[j] = candidates[int(np.argmax(scores))]
    return thresholds


class _TopicBase:
    """What every topic classifier offers on top of ``predict_proba``."""

    thresholds_: np.ndarray

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def predict(self, texts: Sequence[str]) -> list[list[str]]:
        """The topics of each text: those whose probability reaches their threshold."""
        return self.assign(self.predict_proba(texts))

    def _tune(self, validation: tuple[Sequence[str], Sequence[Sequence[str]]] | None) -> None:
        """Set ``thresholds_``: tuned on ``validation`` when given, else the default."""
        self.thresholds_ = np.full(len(TOPIC_IDS), DEFAULT_THRESHOLD, dtype=np.float32)
        if validation is not None:
            truth = check_topics(*validation)
            self.thresholds_ = tune_thresholds(truth, self.predict_proba(validation[0]))

    def assign(self, probabilities: np.ndarray) -> list[list[str]]:
        """Topic lists from (n, n_topics) probabilities and the tuned thresholds."""
        chosen = probabilities >= self.thresholds_
        return [[TOPIC_IDS[j] for j in np.flatnonzero(row)] for row in chosen]


class TopicClassifier(_TopicBase):
    """One logistic regression per topic on sentence embeddings and character n-grams.

    Args:
        encoder: Turns texts into embeddings. Default None: the packaged model.
        C: Inverse regularisation strength. Default 8.0 (chosen on the validation split).
        lexical: Read character n-gram TF-IDF features beside the embedding. Default True.
    """

    kind = "topics"

    def __init__(
        self, encoder: Encoder | None = None, C: float = 8.0, lexical: bool = True
    ) -> None:
        self.encoder = encoder
        self.C = C
        self.lexical = lexical

    def fit(
        self,
        texts: Sequence[str],
        topics: Sequence[Sequence[str]],
        validation: tuple[Sequence[str], Sequence[Sequence[str]]] | None = None,
    ) -> TopicClassifier:
        """Learn a head per topic, then tune thresholds on ``validation``; returns self.

        Args:
            texts: Training texts.
            topics: Each text's topic ids (possibly none).
            validation: (texts, topics) to tune thresholds on. Default None: every
                threshold is ``DEFAULT_THRESHOLD``.
        """
        from sklearn.linear_model import LogisticRegression

        truth = check_topics(texts, topics)
        encoder = self.encoder or Encoder()
        self.features_ = PostFeatures(encoder, self.lexical).fit(texts)
        features = self.features_.transform(texts)
        self.coef_ = np.zeros((len(TOPIC_IDS), features.shape[1]), dtype=np.float32)
        self.intercept_ = np.zeros(len(TOPIC_IDS), dtype=np.float32)
        self.zero_shot_ = truth.sum(axis=0) == 0
        for j in np.flatnonzero(~self.zero_shot_):
            head = LogisticRegression(C=self.C, class_weight="balanced", max_iter=3000)
            head.fit(features, truth[:, j])
            self.coef_[j], self.intercept_[j] = head.coef_[0], head.intercept_[0]
        if self.zero_shot_.any():
            described = encoder.encode([TOPICS[t] for t in TOPIC_IDS])
            self.coef_[self.zero_shot_, : described.shape[1]] = described[self.zero_shot_]
        self._tune(validation)
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probability of each topic for each text: (n, n_topics) in ``TOPIC_IDS`` order.

        A zero-shot topic reads only the embedding part of its coefficient row
        (the description's embedding), so its logit is a scaled cosine.
        """
        if not hasattr(self, "coef_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet; call fit first")
        logits = np.asarray(self.features_.transform(texts) @ self.coef_.T) + self.intercept_
        zero_shot = self.zero_shot_
        logits[:, zero_shot] = (logits[:, zero_shot] - ZERO_SHOT_MIDPOINT) * ZERO_SHOT_SLOPE
        return 1.0 / (1.0 + np.exp(-logits))

    def save(self, folder: Path) -> None:
        """Write the heads, thresholds and n-gram vocabulary (about a megabyte) to ``folder``."""
        if not hasattr(self, "coef_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet; call fit first")
        folder.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            folder / "head.npz",
            coef=self.coef_,
            intercept=self.intercept_,
            thresholds=self.thresholds_,
            zero_shot=self.zero_shot_,
        )
        self.features_.save(folder)
        config = {
            "class": type(self).__name__,
            "C": self.C,
            "lexical": self.lexical,
            "topics": list(TOPIC_IDS),
        }
        (folder / "config.json").write_text(json.dumps(config, indent=2))

    @classmethod
    def load(cls, folder: Path, encoder: Encoder | None = None) -> TopicClassifier:
        """Read heads written by ``save``; ``encoder`` must be the one they were trained with."""
        config = json.loads((folder / "config.json").read_text())
        if config["topics"] != list(TOPIC_IDS):
            raise ConfigError(
                f"the topic model in {folder} was trained on another taxonomy; retrain it"
            )
        model = cls(encoder=encoder, C=config["C"], lexical=config["lexical"])
        with np.load(folder / "head.npz") as head:
            model.coef_, model.intercept_ = head["coef"], head["intercept"]
            model.thresholds_, model.zero_shot_ = head["thresholds"], head["zero_shot"]
        model.features_ = PostFeatures.load(folder, encoder or Encoder(), config["lexical"])
        return model


class TransformersTopicClassifier(_TopicBase):
    """A Hugging Face multi-label sequence-classification model whose labels are topic ids.

    ``fit`` loads the model, checks its labels, and tunes thresholds on
    ``validation`` when given; it does not fine-tune.

    Args:
        model: Folder or Hugging Face name.
        batch_size: Texts per forward pass. Default 32.
    """

    kind = "topics"

    def __init__(self, model: str, batch_size: int = 32) -> None:
        self.model = model
        self.batch_size = batch_size

    def fit(
        self,
        texts: Sequence[str] = (),
        topics: Sequence[Sequence[str]] = (),
        validation: tuple[Sequence[str], Sequence[Sequence[str]]] | None = None,
    ) -> TransformersTopicClassifier:
        """Load the model and map its labels onto topics; returns self."""
        check_topics(texts, topics)
        self.pipeline_ = load_sequence_classifier(self.model)
        names = self.pipeline_["model"].config.id2label
        missing = sorted(set(TOPIC_IDS) - set(names.values()))
        if missing:
            raise ConfigError(
                f"model {self.model!r} has no output for topics {missing}; its labels must be "
                "the topic ids"
            )
        by_name = {name: i for i, name in names.items()}
        self.columns_ = [by_name[topic] for topic in TOPIC_IDS]
        self._tune(validation)
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probability of each topic for each text: (n, n_topics)."""
        if not hasattr(self, "pipeline_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet; call fit first")
        logits = run_sequence_classifier(self.pipeline_, texts, self.batch_size)
        return 1.0 / (1.0 + np.exp(-logits[:, self.columns_]))

    def save(self, folder: Path) -> None:
        """Write a reference to the model and the tuned thresholds."""
        folder.mkdir(parents=True, exist_ok=True)
        config = {
            "class": type(self).__name__,
            "model": self.model,
            "thresholds": [float(t) for t in self.thresholds_],
        }
        (folder / "config.json").write_text(json.dumps(config, indent=2))

    @classmethod
    def load(cls, folder: Path, encoder: Encoder | None = None) -> TransformersTopicClassifier:
        """Read a reference written by ``save`` and load the model."""
        config = json.loads((folder / "config.json").read_text())
        model = cls(model=config["model"]).fit()
        model.thresholds_ = np.asarray(config["thresholds"], dtype=np.float32)
        return model
