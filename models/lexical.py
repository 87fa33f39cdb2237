"""Character n-gram TF-IDF features, stored as plain arrays (no pickles).

The heads see these next to the sentence embedding: on the project's posts the
n-grams catch what a small encoder blurs (jargon such as "RTO" or "RIF",
negations, sarcasm markers), and together they beat either alone on the
validation split (docs/models.md).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import NotFittedError

SETTINGS: dict[str, Any] = {
    "analyzer": "char_wb",
    "ngram_range": (2, 5),
    "min_df": 2,
    "sublinear_tf": True,
    "max_features": 40000,
    "lowercase": True,
}


class LexicalFeatures:
    """TF-IDF over character n-grams within word boundaries.

    Args:
        max_features: Vocabulary size cap. Default 40,000.
    """

    def __init__(self, max_features: int = 40000) -> None:
        self.max_features = max_features
        self._last: tuple[list[str], Any] | None = None

    def fit(self, texts: Sequence[str]) -> LexicalFeatures:
        """Learn the vocabulary and inverse document frequencies; returns self."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.vectorizer_ = TfidfVectorizer(**{**SETTINGS, "max_features": self.max_features})
        self.vectorizer_.fit(list(texts))
        return self

    def transform(self, texts: Sequence[str]) -> Any:
        """(n_texts, n_features) sparse TF-IDF rows of unit length.

        The last result is remembered: when two heads share these features
        (``share_lexical``), the second one reading the same batch costs nothing.
        """
        if not hasattr(self, "vectorizer_"):
            raise NotFittedError("LexicalFeatures is not fitted yet; call fit first")
        texts = list(texts)
        if self._last is not None and self._last[0] == texts:
            return self._last[1]
        matrix = self.vectorizer_.transform(texts)
        self._last = (texts, matrix)
        return matrix

    @property
    def fingerprint(self) -> str:
        """A hash of the vocabulary and idf weights: equal fingerprints, equal features."""
        if not hasattr(self, "vectorizer_"):
            raise NotFittedError("LexicalFeatures is not fitted yet; call fit first")
        digest = hashlib.sha256()
        digest.update(
            json.dumps(self.vectorizer_.vocabulary_, sort_keys=True, default=int).encode()
        )
        digest.update(np.ascontiguousarray(self.vectorizer_.idf_).tobytes())
        return digest.hexdigest()

    def save(self, folder: Path) -> None:
        """Write the vocabulary (JSON) and the idf weights (npz) to ``folder``."""
        vocabulary = {term: int(i) for term, i in self.vectorizer_.vocabulary_.items()}
        (folder / "lexical_vocabulary.json").write_text(json.dumps(vocabulary, ensure_ascii=False))
        np.savez_compressed(folder / "lexical_idf.npz", idf=self.vectorizer_.idf_)

    @classmethod
    def load(cls, folder: Path) -> LexicalFeatures:
        """Rebuild features written by ``save``."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        vocabulary = json.loads((folder / "lexical_vocabulary.json").read_text())
        features = cls(max_features=len(vocabulary))
        vectorizer = TfidfVectorizer(**{**SETTINGS, "max_features": None}, vocabulary=vocabulary)
        with np.load(folder / "lexical_idf.npz") as stored:
            vectorizer.idf_ = stored["idf"]
        features.vectorizer_ = vectorizer
        return features
