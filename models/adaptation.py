"""Adapting the encoder to the project's posts: a LoRA adapter fine-tuned on both labels.

Frozen all-MiniLM-L6-v2 embeddings blur what these posts turn on (sarcasm,
negation, jargon). Fine-tuning the encoder end to end on the training split,
with a sentiment and a topic objective at once, moves the heads' validation
figures (docs/models.md); a low-rank adapter (LoRA, through peft) does it by
training under 3% of the weights, so a version ships a file of about 2.7 MB
instead of a 90 MB encoder. Merging the adapter into its base model gives an
ordinary sentence-transformers folder, which the torch and ONNX backends load
like any other (``Encoder.adapted``).

The adapter learns through two temporary linear heads; they are thrown away
and the project's heads (``SentimentClassifier``, ``TopicClassifier``) are then
fitted on the adapted embeddings.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.errors import ConfigError, InputError
from models.dataset import LabeledPost
from models.taxonomy import SENTIMENTS, TOPIC_IDS

logger = logging.getLogger(__name__)

ADAPTER_DIR = "adapter"
BASE_FILE = "base.json"
# Cosine similarities are scaled before the temporary heads, as in SetFit's and
# sentence-transformers' classification losses, so softmax can become confident.
_SCALE = 20.0
# The attention and feed-forward projections of a BERT-style encoder.
_TARGET_MODULES = ["query", "key", "value", "dense"]


@dataclass
class AdapterArguments:
    """How the adapter is trained.

    Attributes:
        epochs: Passes over the training posts. 0 leaves the encoder frozen.
        rank: LoRA rank (the adapter has rank x (in + out) weights per projection).
        learning_rate: AdamW learning rate, with 10% warm-up and linear decay.
        batch_size: Posts per step.
        max_tokens: Longer posts are truncated (128 word pieces cover 150 words).
        seed: Seeds shuffling and initialisation, so a run can be repeated.
    """

    epochs: int = 3
    rank: int = 16
    learning_rate: float = 1e-3
    batch_size: int = 32
    max_tokens: int = 128
    seed: int = 0


def fit_adapter(
    base: str,
    base_id: str,
    posts: Sequence[LabeledPost],
    folder: Path,
    args: AdapterArguments,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Train a LoRA adapter for ``base`` on ``posts`` and write it to ``folder``.

    Args:
        base: The base model's folder or Hugging Face name (as ``resolve_model`` gives it).
        base_id: How the base is named in settings, recorded so that loading the
            adapter onto another base fails clearly.
        posts: Training posts; each needs a sentiment label (topics may be None).
        folder: Where the adapter goes (created).
        args: Training settings.
        progress: Called with (steps done, steps in all) after each step.

    Returns:
        ``folder``.
    """
    import torch
    from peft import LoraConfig, get_peft_model

    from models.encoder import load_sentence_transformer

    labeled = [p for p in posts if p.sentiment is not None]
    if not labeled:
        raise InputError("fitting an adapter needs posts with a sentiment label; got none")
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    model = load_sentence_transformer(base).to("cpu")
    tokenizer = model.tokenizer
    encoder = get_peft_model(
        model[0].auto_model,
        LoraConfig(
            r=args.rank,
            lora_alpha=2 * args.rank,
            lora_dropout=0.05,
            target_modules=_TARGET_MODULES,
        ),
    )
    dimension = model.get_embedding_dimension()
    sentiment_head = torch.nn.Linear(dimension, len(SENTIMENTS))
    topic_head = torch.nn.Linear(dimension, len(TOPIC_IDS))
    heads = [*sentiment_head.parameters(), *topic_head.parameters()]
    optimizer = torch.optim.AdamW(
        [
            {"params": [p for p in encoder.parameters() if p.requires_grad]},
            {"params": heads, "lr": 2e-3},
        ],
        lr=args.learning_rate,
    )
    steps = args.epochs * -(-len(labeled) // args.batch_size)
    warmup = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, 1 - s / steps)
    )
    class_weights, topic_weights = _loss_weights(labeled)

    def embed(texts: list[str]) -> torch.Tensor:
        tokens = tokenizer(
            texts,
            padding=True,
            truncation=True,
            max_length=args.max_tokens,
            return_tensors="pt",
        )
        hidden = encoder(**tokens).last_hidden_state
        mask = tokens["attention_mask"].unsqueeze(-1).float()
        pooled = (hidden * mask).sum(1) / mask.sum(1)
        return torch.nn.functional.normalize(pooled, dim=-1) * _SCALE

    encoder.train()
    order = list(labeled)
    done = 0
    for _ in range(args.epochs):
        rng.shuffle(order)
        for start in range(0, len(order), args.batch_size):
            batch = order[start : start + args.batch_size]
            vectors = embed([p.text for p in batch])
            sentiment = torch.tensor([SENTIMENTS.index(p.sentiment) for p in batch])
            loss = torch.nn.functional.cross_entropy(
                sentiment_head(vectors), sentiment, weight=class_weights
            )
            with_topics = [i for i, p in enumerate(batch) if p.topics is not None]
            if with_topics:
                topics = torch.tensor(
                    [[t in (batch[i].topics or ()) for t in TOPIC_IDS] for i in with_topics],
                    dtype=torch.float,
                )
                loss = loss + torch.nn.functional.binary_cross_entropy_with_logits(
                    topic_head(vectors[with_topics]), topics, pos_weight=topic_weights
                )
            loss.backward()
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            done += 1
            if progress is not None:
                progress(done, steps)
    folder.mkdir(parents=True, exist_ok=True)
    encoder.save_pretrained(str(folder))
    (folder / "README.md").unlink(missing_ok=True)  # peft's template card; ours is card.md
    (folder / BASE_FILE).write_text(json.dumps({"base": base_id, "rank": args.rank}))
    return folder


def _loss_weights(posts: Sequence[LabeledPost]) -> tuple[object, object]:
    """Balanced class weights for sentiment and positive weights (capped) for each topic."""
    import torch

    shares = np.array([np.mean([p.sentiment == s for p in posts]) for s in SENTIMENTS])
    class_weights = 1 / np.maximum(shares, 1e-3)
    class_weights /= class_weights.mean()
    with_topics = [p for p in posts if p.topics is not None]
    positives = np.array([sum(t in p.topics for p in with_topics) for t in TOPIC_IDS])
    topic_weights = np.clip((len(with_topics) - positives) / np.maximum(positives, 1), 1, 30)
    return (
        torch.tensor(class_weights, dtype=torch.float),
        torch.tensor(topic_weights, dtype=torch.float),
    )


def adapter_fingerprint(folder: Path) -> str:
    """A short hash of the adapter's files: the same adapter gives the same merged model."""
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def check_base(folder: Path, base_id: str) -> None:
    """Refuse to load an adapter onto a base model other than the one it was trained on."""
    try:
        trained_on = json.loads((folder / BASE_FILE).read_text())["base"]
    except (OSError, ValueError, KeyError):
        raise ConfigError(f"{folder} holds no adapter ({BASE_FILE} missing or broken)") from None
    if trained_on != base_id:
        raise ConfigError(
            f"the adapter in {folder} was trained on embedding_model {trained_on!r}, but "
            f"embedding_model is {base_id!r}; set embedding_model back, or train a new version"
        )


def merged_model(adapter: Path, base: str, base_id: str, cache_root: Path) -> Path:
    """The base model with ``adapter`` merged in, as a sentence-transformers folder.

    Written once under ``cache_root/adapted/`` (keyed by the adapter's
    fingerprint) and reused; built in a temporary folder and renamed, so a
    killed process never leaves half a model behind. A copy of the adapter is
    kept in its ``adapter/`` folder, so heads fitted on the merged model can
    save it with themselves.

    Args:
        adapter: A folder written by ``fit_adapter``.
        base: The base model's folder or Hugging Face name.
        base_id: How the base is named in settings (checked against the adapter's).
        cache_root: Where merged models are kept (the model directory).
    """
    check_base(adapter, base_id)
    target = cache_root / "adapted" / f"{Path(base).name or 'model'}-{adapter_fingerprint(adapter)}"
    if (target / ADAPTER_DIR / BASE_FILE).exists():
        return target
    from peft import PeftModel

    from models.encoder import load_sentence_transformer

    model = load_sentence_transformer(base).to("cpu")
    merged = PeftModel.from_pretrained(model[0].auto_model, str(adapter)).merge_and_unload()
    model[0].auto_model = merged
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=target.parent, prefix=".merging-"))
    try:
        model.save(str(scratch))
        shutil.copytree(adapter, scratch / ADAPTER_DIR)
        if target.exists() and not (target / ADAPTER_DIR / BASE_FILE).exists():
            shutil.rmtree(target)  # left incomplete by an older version: replace it
        os.replace(scratch, target)
    except OSError:
        shutil.rmtree(scratch, ignore_errors=True)
        if not (target / ADAPTER_DIR / BASE_FILE).exists():
            raise
    logger.info("merged adapter %s into %s", adapter, target)
    return target
