"""Loading the champion models for scoring and classification, with the configured encoder."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from models.encoder import Encoder, MemoEncoder
from models.registry import Registry
from models.scoring import Scorer


def load_scorer(engine: Engine, model_dir: Path, encoder: Encoder) -> Scorer:
    """The champions of both kinds (the shipped ones installed if none), sharing one encoder."""
    registry = Registry(engine, model_dir)
    champions = registry.ensure_champions()
    memo = MemoEncoder(encoder)
    return Scorer(
        sentiment_version_id=champions["sentiment"].id,
        topics_version_id=champions["topics"].id,
        sentiment=registry.load(champions["sentiment"], memo),
        topics=registry.load(champions["topics"], memo),
        encoder=memo,
    )
