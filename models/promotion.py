"""The promotion decision: a candidate replaces the champion only if not worse on test data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models.dataset import LabeledPost
from models.encoder import Encoder
from models.evaluation import PRIMARY_METRIC, evaluate
from models.registry import ModelVersion, Registry


@dataclass(frozen=True)
class Decision:
    """Whether a candidate was promoted, and the figures the decision rests on."""

    kind: str
    candidate: str
    champion: str | None
    metric: str
    candidate_score: float
    champion_score: float | None
    promoted: bool


def promote_if_better(
    registry: Registry,
    candidate: ModelVersion,
    test_posts: Sequence[LabeledPost],
    encoder: Encoder | None = None,
) -> Decision:
    """Promote ``candidate`` when its primary metric on ``test_posts`` is >= the champion's.

    Both are evaluated now, on the same posts, so a champion trained when the
    test split was smaller is judged on today's split too.
    """
    metric = PRIMARY_METRIC[candidate.kind]
    champion = registry.champion(candidate.kind)
    candidate_metrics = evaluate(candidate.kind, registry.load(candidate, encoder), test_posts)
    assert candidate_metrics is not None, "test posts must carry the candidate's labels"
    candidate_score = candidate_metrics[metric]
    champion_score = None
    if champion is not None and champion.id != candidate.id:
        champion_metrics = evaluate(champion.kind, registry.load(champion, encoder), test_posts)
        champion_score = champion_metrics[metric] if champion_metrics else None
    promoted = champion_score is None or candidate_score >= champion_score
    if promoted:
        registry.promote(candidate.kind, candidate.version)
    return Decision(
        kind=candidate.kind,
        candidate=candidate.version,
        champion=champion.version if champion else None,
        metric=metric,
        candidate_score=candidate_score,
        champion_score=champion_score,
        promoted=promoted,
    )
