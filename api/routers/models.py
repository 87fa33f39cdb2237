"""``/v1/models``: the champion models' cards (what they were trained on, how they scored)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from api.deps import ServiceDep, require
from api.roles import READERS
from api.schemas import ModelCardOut
from models.registry import KINDS, Registry

router = APIRouter(tags=["models"], dependencies=[Depends(require(*READERS))])


@router.get("/models", response_model=list[ModelCardOut])
def champion_cards(service: ServiceDep) -> list[ModelCardOut]:
    """One card per champion: version, encoder, code version and test-split metrics."""
    registry = Registry(service.engine, service.model_dir)
    champions = [registry.champion(kind) for kind in KINDS]
    return [
        ModelCardOut(
            kind=champion.kind,  # type: ignore[arg-type]
            version=champion.version,
            created_at=champion.created_at,
            encoder=champion.encoder,
            code_version=champion.code_version,
            metrics=champion.metrics,
        )
        for champion in champions
        if champion is not None
    ]
