"""What the heads read: a post's sentence embedding, optionally beside its character n-grams."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from models.adaptation import ADAPTER_DIR
from models.encoder import Encoder
from models.lexical import LexicalFeatures


class PostFeatures:
    """Embeddings (dense) and, when ``lexical``, TF-IDF n-grams (sparse), side by side.

    Args:
        encoder: Turns texts into embeddings.
        lexical: Add character n-gram TF-IDF features. Default True.
    """

    def __init__(self, encoder: Encoder, lexical: bool = True) -> None:
        self.encoder = encoder
        self.lexical = lexical
        self.lexical_: LexicalFeatures | None = None

    def fit(self, texts: Sequence[str]) -> PostFeatures:
        """Learn the n-gram vocabulary (when lexical); returns self."""
        self.lexical_ = LexicalFeatures().fit(texts) if self.lexical else None
        return self

    def transform(self, texts: Sequence[str]) -> Any:
        """(n_texts, dimension [+ n_grams]) feature matrix, sparse when lexical."""
        from scipy.sparse import csr_matrix, hstack

        embeddings = self.encoder.encode(texts)
        if self.lexical_ is None:
            return embeddings
        return hstack([csr_matrix(embeddings), self.lexical_.transform(texts)]).tocsr()

    def save(self, folder: Path) -> None:
        """Write the n-gram vocabulary, if any, and the encoder's adapter, if any, to ``folder``.

        The adapter goes with the heads because they only make sense on the
        embeddings it produces (``models.registry.load_model`` reads it back).
        """
        if self.lexical_ is not None:
            self.lexical_.save(folder)
        adapter = self.encoder.adapter
        if adapter is not None:
            shutil.copytree(adapter, folder / ADAPTER_DIR, dirs_exist_ok=True)

    @classmethod
    def load(cls, folder: Path, encoder: Encoder, lexical: bool) -> PostFeatures:
        """Rebuild features written by ``save``."""
        features = cls(encoder, lexical)
        features.lexical_ = LexicalFeatures.load(folder) if lexical else None
        return features


def share_lexical(*models: Any) -> None:
    """Make models whose n-gram features are identical use one ``LexicalFeatures``.

    Heads trained on the same texts learn the same vocabulary; sharing it means
    a batch's n-grams are computed once for all of them (scoring speed).
    Models without n-gram features are left alone.
    """
    shared: dict[str, LexicalFeatures] = {}
    for model in models:
        features = getattr(model, "features_", None)
        lexical = getattr(features, "lexical_", None)
        if features is None or lexical is None:
            continue
        features.lexical_ = shared.setdefault(lexical.fingerprint, lexical)
