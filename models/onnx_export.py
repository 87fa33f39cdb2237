"""Export a sentence-transformers model to ONNX with ``torch.onnx``, quantize it, and run it.

optimum's exporter needs transformers < 4.58, so the graph is exported
directly: the transformer, then the model's own pooling (mean or CLS) and L2
normalisation, all in one graph. The int8 copy uses ONNX Runtime's dynamic
quantization per channel (per tensor loses too much: mean cosine to fp32 about
0.95 instead of 0.99). Exports are cached under ``cache_dir/onnx/<key>/``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import ConfigError

logger = logging.getLogger(__name__)

FP32_FILE = "model.onnx"
INT8_FILE = "model.int8.onnx"
META_FILE = "meta.json"
OPSET = 17


def export_folder(source: str, cache_dir: Path) -> Path:
    """Where the export of ``source`` lives: one folder per model path or name."""
    key = hashlib.sha256(source.encode()).hexdigest()[:16]
    return cache_dir / "onnx" / f"{Path(source).name or 'model'}-{key}"


def export(source: str, cache_dir: Path) -> Path:
    """Export ``source`` to fp32 and int8 ONNX once; return the folder holding both.

    Args:
        source: Sentence-transformers folder or Hugging Face name.
        cache_dir: The model directory; the export goes under ``onnx/``.
    """
    folder = export_folder(source, cache_dir)
    if (folder / META_FILE).exists() and "pad_id" in json.loads((folder / META_FILE).read_text()):
        return folder
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from models.encoder import load_sentence_transformer

    model = load_sentence_transformer(source).to("cpu")
    pooling = _pooling_mode(model)
    transformer = model[0].auto_model.eval()
    tokenizer = model.tokenizer
    if not getattr(tokenizer, "is_fast", False) or tokenizer.pad_token_id is None:
        raise ConfigError(
            f"the ONNX backend needs a fast tokenizer with a padding token, and {source!r} "
            "has none; use encoder_backend = 'torch'"
        )
    folder.mkdir(parents=True, exist_ok=True)
    sample = tokenizer(
        ["a sample post", "another, longer sample post"], padding=True, return_tensors="pt"
    )
    partial = folder / (FP32_FILE + ".part")
    with torch.no_grad(), _quiet():
        torch.onnx.export(
            _pooled_module(transformer, pooling),
            (sample["input_ids"], sample["attention_mask"]),
            str(partial),
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                "embedding": {0: "batch"},
            },
            opset_version=OPSET,
            dynamo=False,
        )
    partial.rename(folder / FP32_FILE)
    with _quiet():
        quantize_dynamic(
            str(folder / FP32_FILE),
            str(folder / INT8_FILE),
            per_channel=True,
            weight_type=QuantType.QInt8,
        )
    tokenizer.save_pretrained(str(folder / "tokenizer"))
    meta = {
        "source": source,
        "pooling": pooling,
        "max_length": model.get_max_seq_length(),
        "pad_token": tokenizer.pad_token,
        "pad_id": tokenizer.pad_token_id,
    }
    (folder / META_FILE).write_text(json.dumps(meta, indent=2))
    logger.info("exported %s to ONNX in %s", source, folder)
    return folder


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence the exporter's and quantizer's advice (tracer warnings, "run pre-processing")."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        root.setLevel(level)


def _pooling_mode(model: Any) -> str:
    pooling = next((m for m in model if type(m).__name__ == "Pooling"), None)
    mode = getattr(pooling, "pooling_mode", None) if pooling is not None else None
    if mode is None and pooling is not None:
        mode = "cls" if getattr(pooling, "pooling_mode_cls_token", False) else "mean"
    if mode not in {"mean", "cls"}:
        raise ConfigError(
            f"the ONNX backend supports mean or CLS pooling, the model uses {mode!r}; "
            "use encoder_backend = 'torch'"
        )
    return str(mode)


def _pooled_module(transformer: Any, pooling: str) -> Any:
    import torch

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            tokens = self.transformer(
                input_ids=input_ids, attention_mask=attention_mask
            ).last_hidden_state
            if pooling == "cls":
                pooled = tokens[:, 0]
            else:
                mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
                pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=1)

    return Pooled()


class OnnxEncoder:
    """Runs an exported model with ONNX Runtime; called with texts, returns embeddings.

    Texts are sorted by length before batching so a batch pads little. The
    tokenizer runs from its ``tokenizer.json`` with the ``tokenizers`` library
    (the same ids as transformers' fast tokenizer), so a scoring process never
    imports PyTorch: about 300 MB less memory.

    Args:
        folder: An ``export`` folder.
        quantized: Use the int8 graph.
        batch_size: Texts per run.
    """

    def __init__(self, folder: Path, quantized: bool, batch_size: int) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        meta = json.loads((folder / META_FILE).read_text())
        self.batch_size = batch_size
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer" / "tokenizer.json"))
        self.tokenizer.enable_truncation(int(meta["max_length"]))
        self.tokenizer.enable_padding(pad_id=int(meta["pad_id"]), pad_token=meta["pad_token"])
        providers = [
            p
            for p in ("CUDAExecutionProvider", "CPUExecutionProvider")
            if p in ort.get_available_providers()
        ]
        graph = folder / (INT8_FILE if quantized else FP32_FILE)
        self.session = ort.InferenceSession(str(graph), providers=providers)

    def __call__(self, texts: list[str]) -> np.ndarray:
        """Embed ``texts``: (n_texts, dimension) float32, rows of unit length."""
        order = np.argsort([len(t) for t in texts], kind="stable")
        parts = []
        for start in range(0, len(texts), self.batch_size):
            encodings = self.tokenizer.encode_batch(
                [texts[i] for i in order[start : start + self.batch_size]]
            )
            parts.append(
                self.session.run(
                    None,
                    {
                        "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
                        "attention_mask": np.array(
                            [e.attention_mask for e in encodings], dtype=np.int64
                        ),
                    },
                )[0]
            )
        sorted_vectors = np.concatenate(parts).astype(np.float32)
        out = np.empty_like(sorted_vectors)
        out[order] = sorted_vectors
        return out
