"""The training job: fit both classifiers, card them, register them, and maybe promote them.

Kept apart from the models (SetFit's ``Trainer`` / ``TrainingArguments``
split): the classifiers only know ``fit / predict / save / load``; this module
chooses the data, runs the fits, writes model cards and asks the registry.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from models.adaptation import AdapterArguments, adapter_fingerprint, fit_adapter
from models.cards import code_version, write_card
from models.dataset import LabeledPost, project_posts, read_labeled, split_of
from models.encoder import Encoder, MemoEncoder, resolve_model
from models.evaluation import evaluate
from models.promotion import Decision, promote_if_better
from models.registry import ModelVersion, Registry, new_version
from models.sentiment import SentimentClassifier
from models.topics import TopicClassifier

logger = logging.getLogger(__name__)

RATIONALE = (
    "logistic-regression heads on the sentence embedding plus character and word n-gram "
    "TF-IDF features: on the validation split they beat heads on the embedding alone and train "
    "in about a minute; word unigrams and bigrams beside the character n-grams added 0.5 points "
    "of sentiment macro-F1 (0.876 to 0.881) and 0.8 of topic micro-F1 (0.786 to 0.794) on "
    "validation (docs/models.md). With an adapter, the encoder is first fitted to the training "
    "posts by a LoRA adapter (rank 16, 3 epochs): on validation that lifted sentiment macro-F1 "
    "from 0.826 to 0.869 with topics unchanged (0.750 / 0.753), as well as fine-tuning every "
    "weight did, in a 2.7 MB file that ships with the version instead of a 90 MB encoder. "
    "SetFit (contrastive pairs, then a logistic head) reached sentiment macro-F1 0.843 on "
    "validation after one pass of pairs (12.5 minutes on two CPU cores) against 0.868 for these "
    "heads, so it is not used (docs/models.md)"
)


@dataclass
class TrainingArguments:
    """What ``train`` fits and how.

    Attributes:
        data: Labeled JSONL (``id``, ``text``, ``sentiment``, ``topics``); None:
            the posts shipped in ``models/data/``. Posts are split by id (``split_of``).
        sentiment_C: Regularisation of the sentiment head.
        topic_C: Regularisation of the topic heads.
        lexical: Add character n-gram features to the embedding.
        adapter: How to adapt the encoder to the training posts first (a LoRA
            adapter, ``models.adaptation``); ``adapter.epochs = 0`` keeps it frozen.
        promote_if_better: Promote each candidate that is not worse than its champion.
    """

    data: Path | None = None
    sentiment_C: float = 2.0
    topic_C: float = 8.0
    lexical: bool = True
    adapter: AdapterArguments = field(default_factory=AdapterArguments)
    promote_if_better: bool = False


@dataclass
class TrainingResult:
    """The candidates one training run registered, and the promotion decisions."""

    version: str
    candidates: dict[str, ModelVersion]
    decisions: list[Decision] = field(default_factory=list)


def split_posts(posts: list[LabeledPost]) -> dict[str, list[LabeledPost]]:
    """Posts grouped by their fixed split."""
    splits: dict[str, list[LabeledPost]] = {"train": [], "validation": [], "test": []}
    for post in posts:
        splits[split_of(post.id)].append(post)
    return splits


def train(
    args: TrainingArguments,
    registry: Registry,
    encoder: Encoder,
    progress: Callable[[int, int], None] | None = None,
) -> TrainingResult:
    """Fit, evaluate on the test split, save, card and register both classifiers.

    With ``args.adapter.epochs > 0`` a LoRA adapter is first fitted on the
    training split and both heads learn on the adapted embeddings; the adapter
    is saved in each version's folder, so each loads on its own.

    Args:
        args: What to fit and how.
        registry: Where candidates are saved and registered.
        encoder: The base encoder.
        progress: Called with (steps done, steps in all) while the adapter trains.

    Returns:
        The version id shared by both candidates, the candidates, and, with
        ``promote_if_better``, the decisions.
    """
    posts = read_labeled(args.data) if args.data else project_posts()
    splits = split_posts(posts)
    base = MemoEncoder(encoder)
    version = new_version()
    train_posts = splits["train"]
    with_sentiment = [p for p in train_posts if p.sentiment is not None]
    with_topics = [p for p in train_posts if p.topics is not None]
    validation = [p for p in splits["validation"] if p.topics is not None]
    scratch = registry.model_dir / ".adapters" / version
    try:
        memo, adapter = _adapt(args.adapter, base, with_sentiment, scratch, progress)
        models = {
            "sentiment": SentimentClassifier(memo, C=args.sentiment_C, lexical=args.lexical).fit(
                [p.text for p in with_sentiment], [p.sentiment for p in with_sentiment]
            ),
            "topics": TopicClassifier(memo, C=args.topic_C, lexical=args.lexical).fit(
                [p.text for p in with_topics],
                [p.topics for p in with_topics],
                validation=([p.text for p in validation], [p.topics for p in validation]),
            ),
        }
        card = {
            "version": version,
            "encoder": memo.name,
            "adapter": adapter,
            "code_version": code_version(),
            "data": f"{args.data or 'models/data/posts.jsonl'}: "
            + ", ".join(f"{len(v)} {k}" for k, v in splits.items()),
            "rationale": RATIONALE,
        }
        candidates = {
            kind: _save_and_register(registry, model, card, splits["test"])
            for kind, model in models.items()
        }
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    result = TrainingResult(version, candidates)
    if args.promote_if_better:
        for candidate in candidates.values():
            result.decisions.append(promote_if_better(registry, candidate, splits["test"], base))
    return result


def _adapt(
    args: AdapterArguments,
    base: MemoEncoder,
    posts: list[LabeledPost],
    folder: Path,
    progress: Callable[[int, int], None] | None,
) -> tuple[MemoEncoder, dict[str, Any] | None]:
    """The encoder the heads learn on: ``base``, or ``base`` adapted to ``posts`` (and its card)."""
    if args.epochs == 0:
        return base, None
    inner = base.inner
    fit_adapter(resolve_model(inner.model), inner.base_id, posts, folder, args, progress)
    card = {
        **asdict(args),
        "trained_on": f"{len(posts)} train posts",
        "fingerprint": adapter_fingerprint(folder),
    }
    return base.adapted(folder), card


def _save_and_register(
    registry: Registry,
    model: SentimentClassifier | TopicClassifier,
    card: dict[str, Any],
    test: list[LabeledPost],
) -> ModelVersion:
    """Evaluate ``model`` on the test split, save it (its adapter too), card and register it."""
    kind = model.kind
    metrics = evaluate(kind, model, test)
    folder = registry.folder(kind, card["version"])
    model.save(folder)
    card = {
        **card,
        "kind": kind,
        "model": f"{type(model).__name__}(C={model.C}, lexical={model.lexical})",
        "metrics": metrics,
    }
    if isinstance(model, TopicClassifier):
        thresholds = zip(metrics["per_topic"], model.thresholds_, strict=True)
        card["thresholds"] = {topic: float(t) for topic, t in thresholds}
    write_card(folder, card)
    logger.info("registered %s candidate %s", kind, card["version"])
    return registry.register(kind, card["version"], metrics, card["encoder"], card["code_version"])
