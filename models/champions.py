"""Loading the champion models for scoring and classification, with the configured encoder."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from models.encoder import Encoder
from models.registry import Registry
from models.scoring import Scorer, ScorerSpec


def champion_spec(engine: Engine, model_dir: Path, encoder: Encoder) -> ScorerSpec:
    """Where the champions of both kinds are (the shipped ones installed if none)."""
    registry = Registry(engine, model_dir)
    champions = registry.ensure_champions()
    return ScorerSpec(
        sentiment_version_id=champions["sentiment"].id,
        topics_version_id=champions["topics"].id,
        sentiment_folder=model_dir / champions["sentiment"].path,
        topics_folder=model_dir / champions["topics"].path,
        encoder_model=encoder.model,
        encoder_backend=encoder.backend,
        encoder_cache_dir=encoder.cache_dir,
        encoder_batch_size=encoder.batch_size,
    )


def load_scorer(engine: Engine, model_dir: Path, encoder: Encoder) -> Scorer:
    """The champions of both kinds, sharing one encoder."""
    return champion_spec(engine, model_dir, encoder).load(encoder)
