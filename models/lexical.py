"""Character and word n-gram TF-IDF features, stored as plain arrays (no pickles).

The heads see these next to the sentence embedding: on the project's posts the
n-grams catch what a small encoder blurs (jargon such as "RTO" or "RIF",
negations, sarcasm markers), and together they beat either alone on the
validation split (docs/models.md). Character n-grams (2 to 5, within words)
carry spelling variants and jargon; word unigrams and bigrams ("hiring
freeze", "on call") added about a point of validation F1 to both heads.
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
WORD_SETTINGS: dict[str, Any] = {**SETTINGS, "analyzer": "word", "ngram_range": (1, 2)}
# File stems of each vectorizer's vocabulary (JSON) and idf weights (npz) in a model folder.
_FILES = {"char": "lexical", "word": "lexical_words"}


class LexicalFeatures:
    """TF-IDF over character n-grams within word boundaries and, when ``words``, word n-grams.

    Args:
        max_features: Vocabulary size cap for each kind of n-gram. Default 40,000.
        words: Add word unigrams and bigrams. Default True; versions trained before
            they existed load with character n-grams only.
    """

    def __init__(self, max_features: int = 40000, words: bool = True) -> None:
        self.max_features = max_features
        self.words = words
        self._last: tuple[list[str], Any] | None = None

    def fit(self, texts: Sequence[str]) -> LexicalFeatures:
        """Learn the vocabularies and inverse document frequencies; returns self."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = list(texts)
        kinds = {"char": SETTINGS, "word": WORD_SETTINGS} if self.words else {"char": SETTINGS}
        self.vectorizers_ = {
            kind: TfidfVectorizer(**{**settings, "max_features": self.max_features}).fit(texts)
            for kind, settings in kinds.items()
        }
        return self

    def transform(self, texts: Sequence[str]) -> Any:
        """(n_texts, n_features) sparse TF-IDF rows, each kind of n-gram of unit length.

        The last result is remembered: when two heads share these features
        (``share_lexical``), the second one reading the same batch costs nothing.
        """
        from scipy.sparse import hstack

        if not hasattr(self, "vectorizers_"):
            raise NotFittedError("LexicalFeatures is not fitted yet; call fit first")
        texts = list(texts)
        if self._last is not None and self._last[0] == texts:
            return self._last[1]
        parts = [vectorizer.transform(texts) for vectorizer in self.vectorizers_.values()]
        matrix = parts[0] if len(parts) == 1 else hstack(parts).tocsr()
        self._last = (texts, matrix)
        return matrix

    @property
    def fingerprint(self) -> str:
        """A hash of the vocabularies and idf weights: equal fingerprints, equal features."""
        if not hasattr(self, "vectorizers_"):
            raise NotFittedError("LexicalFeatures is not fitted yet; call fit first")
        digest = hashlib.sha256()
        for kind, vectorizer in self.vectorizers_.items():
            digest.update(kind.encode())
            digest.update(json.dumps(vectorizer.vocabulary_, sort_keys=True, default=int).encode())
            digest.update(np.ascontiguousarray(vectorizer.idf_).tobytes())
        return digest.hexdigest()

    def save(self, folder: Path) -> None:
        """Write each vocabulary (JSON) and its idf weights (npz) to ``folder``."""
        for kind, vectorizer in self.vectorizers_.items():
            vocabulary = {term: int(i) for term, i in vectorizer.vocabulary_.items()}
            stem = _FILES[kind]
            (folder / f"{stem}_vocabulary.json").write_text(
                json.dumps(vocabulary, ensure_ascii=False)
            )
            np.savez_compressed(folder / f"{stem}_idf.npz", idf=vectorizer.idf_)

    @classmethod
    def load(cls, folder: Path) -> LexicalFeatures:
        """Rebuild features written by ``save`` (word n-grams only where they were saved)."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectorizers = {}
        for kind, settings in (("char", SETTINGS), ("word", WORD_SETTINGS)):
            stem = _FILES[kind]
            if not (folder / f"{stem}_vocabulary.json").exists():
                continue
            vocabulary = json.loads((folder / f"{stem}_vocabulary.json").read_text())
            vectorizer = TfidfVectorizer(
                **{**settings, "max_features": None}, vocabulary=vocabulary
            )
            with np.load(folder / f"{stem}_idf.npz") as stored:
                vectorizer.idf_ = stored["idf"]
            vectorizers[kind] = vectorizer
        if "char" not in vectorizers:
            raise NotFittedError(f"no n-gram vocabulary in {folder}")
        features = cls(words="word" in vectorizers)
        features.vectorizers_ = vectorizers
        return features
