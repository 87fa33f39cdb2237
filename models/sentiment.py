"""Sentiment classifiers: negative / neutral / positive and a score P(pos) - P(neg) in [-1, 1].

Two implementations share one contract (``fit``, ``predict``, ``predict_proba``,
``score``, ``save``, ``load``): ``SentimentClassifier``, a logistic-regression
head on sentence embeddings, and ``TransformersSentimentClassifier``, any
Hugging Face sequence-classification model given by path or name.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from core.errors import ConfigError, InputError, NotFittedError
from models.encoder import Encoder
from models.features import PostFeatures
from models.sequence_models import load_sequence_classifier, run_sequence_classifier
from models.taxonomy import SENTIMENTS

NEGATIVE, POSITIVE = SENTIMENTS.index("negative"), SENTIMENTS.index("positive")


def sentiment_score(probabilities: np.ndarray) -> np.ndarray:
    """P(positive) - P(negative) per row of (n, 3) probabilities: (n,) in [-1, 1]."""
    return probabilities[:, POSITIVE] - probabilities[:, NEGATIVE]


def check_labels(texts: Sequence[str], labels: Sequence[str]) -> None:
    """Refuse training data whose lengths differ or whose labels are not sentiments."""
    if len(texts) != len(labels):
        raise InputError(f"got {len(texts)} texts but {len(labels)} sentiment labels")
    unknown = sorted(set(labels) - set(SENTIMENTS))
    if unknown:
        raise InputError(f"sentiment labels must be {', '.join(SENTIMENTS)}; got {unknown}")


class _SentimentBase:
    """What every sentiment classifier offers on top of ``predict_proba``."""

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def predict(self, texts: Sequence[str]) -> list[str]:
        """The most likely class of each text."""
        return [SENTIMENTS[i] for i in self.predict_proba(texts).argmax(axis=1)]

    def score(self, texts: Sequence[str]) -> np.ndarray:
        """P(positive) - P(negative) of each text: (n,) in [-1, 1]."""
        return sentiment_score(self.predict_proba(texts))


class SentimentClassifier(_SentimentBase):
    """A multinomial logistic-regression head on sentence embeddings and character n-grams.

    Args:
        encoder: Turns texts into embeddings. Default None: the packaged model,
            resolved in ``fit`` / ``load``.
        C: Inverse regularisation strength. Default 2.0 (chosen on the validation split).
        lexical: Read character n-gram TF-IDF features beside the embedding. Default True.
    """

    kind = "sentiment"

    def __init__(
        self, encoder: Encoder | None = None, C: float = 2.0, lexical: bool = True
    ) -> None:
        self.encoder = encoder
        self.C = C
        self.lexical = lexical

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> SentimentClassifier:
        """Learn the head from labeled texts; returns self."""
        from sklearn.linear_model import LogisticRegression

        check_labels(texts, labels)
        if set(labels) != set(SENTIMENTS):
            raise InputError("sentiment training data needs every class: " + ", ".join(SENTIMENTS))
        self.features_ = PostFeatures(self.encoder or Encoder(), self.lexical).fit(texts)
        head = LogisticRegression(C=self.C, class_weight="balanced", max_iter=3000)
        head.fit(self.features_.transform(texts), [SENTIMENTS.index(label) for label in labels])
        self.coef_ = head.coef_.astype(np.float32)
        self.intercept_ = head.intercept_.astype(np.float32)
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities of each text: (n, 3) in ``SENTIMENTS`` order."""
        if not hasattr(self, "coef_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet; call fit first")
        logits = np.asarray(self.features_.transform(texts) @ self.coef_.T) + self.intercept_
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def save(self, folder: Path) -> None:
        """Write the head and its n-gram vocabulary (under a megabyte) to ``folder``."""
        if not hasattr(self, "coef_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet; call fit first")
        folder.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(folder / "head.npz", coef=self.coef_, intercept=self.intercept_)
        self.features_.save(folder)
        config = {"class": type(self).__name__, "C": self.C, "lexical": self.lexical}
        (folder / "config.json").write_text(json.dumps(config, indent=2))

    @classmethod
    def load(cls, folder: Path, encoder: Encoder | None = None) -> SentimentClassifier:
        """Read a head written by ``save``; ``encoder`` must be the one it was trained with."""
        config = json.loads((folder / "config.json").read_text())
        model = cls(encoder=encoder, C=config["C"], lexical=config["lexical"])
        with np.load(folder / "head.npz") as head:
            model.coef_, model.intercept_ = head["coef"], head["intercept"]
        model.features_ = PostFeatures.load(folder, encoder or Encoder(), config["lexical"])
        return model


class TransformersSentimentClassifier(_SentimentBase):
    """Any Hugging Face sequence-classification model with three sentiment labels.

    ``fit`` loads the model and checks that its labels map onto negative,
    neutral and positive; it does not fine-tune (train such a model with
    transformers' own ``Trainer`` and give its folder here).

    Args:
        model: Folder or Hugging Face name.
        label_map: The model's label names -> Barometer's (``{"LABEL_0": "negative", ...}``).
            Default None: the model's own names, lower-cased, must be the three classes.
        batch_size: Texts per forward pass. Default 32.
    """

    kind = "sentiment"

    def __init__(
        self, model: str, label_map: dict[str, str] | None = None, batch_size: int = 32
    ) -> None:
        self.model = model
        self.label_map = label_map
        self.batch_size = batch_size

    def fit(
        self, texts: Sequence[str] = (), labels: Sequence[str] = ()
    ) -> TransformersSentimentClassifier:
        """Load the model and map its labels; the texts are only checked. Returns self."""
        check_labels(texts, labels)
        self.pipeline_ = load_sequence_classifier(self.model)
        names = self.pipeline_["model"].config.id2label
        mapping = self.label_map or {name: name.lower() for name in names.values()}
        columns = [mapping.get(names[i]) for i in range(len(names))]
        if sorted(c for c in columns if c) != sorted(SENTIMENTS) or None in columns:
            raise ConfigError(
                f"model {self.model!r} has labels {list(names.values())}; give label_map so they "
                f"map onto {', '.join(SENTIMENTS)}"
            )
        self.columns_ = [columns.index(label) for label in SENTIMENTS]
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities of each text: (n, 3) in ``SENTIMENTS`` order."""
        if not hasattr(self, "pipeline_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet; call fit first")
        logits = run_sequence_classifier(self.pipeline_, texts, self.batch_size)
        logits -= logits.max(axis=1, keepdims=True)
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        return probabilities[:, self.columns_]

    def save(self, folder: Path) -> None:
        """Write a reference to the model (its path or name) and the label map."""
        folder.mkdir(parents=True, exist_ok=True)
        config = {"class": type(self).__name__, "model": self.model, "label_map": self.label_map}
        (folder / "config.json").write_text(json.dumps(config, indent=2))

    @classmethod
    def load(cls, folder: Path, encoder: Encoder | None = None) -> TransformersSentimentClassifier:
        """Read a reference written by ``save`` and load the model."""
        config = json.loads((folder / "config.json").read_text())
        return cls(model=config["model"], label_map=config["label_map"]).fit()
