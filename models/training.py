"""The training job: fit both classifiers, card them, register them, and maybe promote them.

Kept apart from the models (SetFit's ``Trainer`` / ``TrainingArguments``
split): the classifiers only know ``fit / predict / save / load``; this module
chooses the data, runs the fits, writes model cards and asks the registry.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from models.cards import code_version, write_card
from models.dataset import LabeledPost, project_posts, read_labeled, split_of
from models.encoder import Encoder, MemoEncoder
from models.evaluation import evaluate
from models.promotion import Decision, promote_if_better
from models.registry import ModelVersion, Registry, new_version
from models.sentiment import SentimentClassifier
from models.topics import TopicClassifier

logger = logging.getLogger(__name__)

RATIONALE = (
    "logistic-regression heads on the all-MiniLM-L6-v2 embedding plus character n-gram TF-IDF "
    "features: on the validation split they beat heads on the embedding alone (docs/models.md), "
    "train in under a minute on two CPU cores and ship as files under 2 MB. Fine-tuning the "
    "encoder end to end scored higher on validation sentiment (0.864 against 0.849) but its "
    "topic head did not learn in 3 epochs and it needs a 90 MB encoder per version; SetFit's "
    "contrastive training was too slow to finish on the CPU (docs/benchmarks.md)"
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
        promote_if_better: Promote each candidate that is not worse than its champion.
    """

    data: Path | None = None
    sentiment_C: float = 2.0
    topic_C: float = 8.0
    lexical: bool = True
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


def train(args: TrainingArguments, registry: Registry, encoder: Encoder) -> TrainingResult:
    """Fit, evaluate on the test split, save, card and register both classifiers.

    Returns:
        The version id shared by both candidates, the candidates, and, with
        ``promote_if_better``, the decisions.
    """
    posts = read_labeled(args.data) if args.data else project_posts()
    splits = split_posts(posts)
    memo = MemoEncoder(encoder)
    version = new_version()
    data = f"{args.data or 'models/data/posts.jsonl'}: " + ", ".join(
        f"{len(v)} {k}" for k, v in splits.items()
    )
    train_posts = splits["train"]
    with_sentiment = [p for p in train_posts if p.sentiment is not None]
    with_topics = [p for p in train_posts if p.topics is not None]
    validation = [p for p in splits["validation"] if p.topics is not None]
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
    candidates = {}
    code = code_version()
    for kind, model in models.items():
        metrics = evaluate(kind, model, splits["test"])
        folder = registry.folder(kind, version)
        model.save(folder)
        card = {
            "kind": kind,
            "version": version,
            "model": f"{type(model).__name__}(C={model.C}, lexical={model.lexical})",
            "encoder": encoder.name,
            "code_version": code,
            "data": data,
            "rationale": RATIONALE,
            "metrics": metrics,
        }
        if kind == "topics":
            card["thresholds"] = {
                topic: float(t)
                for topic, t in zip(metrics["per_topic"], model.thresholds_, strict=True)
            }
        write_card(folder, card)
        candidates[kind] = registry.register(kind, version, metrics, encoder.name, code)
        logger.info("registered %s candidate %s", kind, version)
    result = TrainingResult(version, candidates)
    if args.promote_if_better:
        for candidate in candidates.values():
            result.decisions.append(promote_if_better(registry, candidate, splits["test"], memo))
    return result
