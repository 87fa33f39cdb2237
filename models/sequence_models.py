"""Loading and running Hugging Face sequence-classification models, for either kind of label."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from core.errors import ConfigError


def load_sequence_classifier(model: str) -> dict[str, Any]:
    """The tokenizer and network of a Hugging Face sequence-classification model, on CPU."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(model)
        network = AutoModelForSequenceClassification.from_pretrained(model).eval()
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"sequence-classification model {model!r} cannot be loaded ({str(exc).splitlines()[0]})"
        ) from None
    return {"tokenizer": tokenizer, "model": network}


def run_sequence_classifier(
    loaded: dict[str, Any], texts: Sequence[str], batch_size: int
) -> np.ndarray:
    """Raw logits of a sequence-classification model: (n, n_labels) float32."""
    import torch

    outputs = []
    with torch.no_grad():
        for start in range(0, len(texts), batch_size):
            tokens = loaded["tokenizer"](
                list(texts[start : start + batch_size]),
                padding=True,
                truncation=True,
                max_length=256,
                return_tensors="pt",
            )
            outputs.append(loaded["model"](**tokens).logits.float().numpy())
    if not outputs:
        return np.zeros((0, len(loaded["model"].config.id2label)), dtype=np.float32)
    return np.concatenate(outputs)
