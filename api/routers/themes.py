"""``/v1/themes``: themes discovery found. Discovery has not landed yet, so the list is empty."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from api.deps import require
from api.roles import READERS
from api.schemas import ThemesOut

router = APIRouter(tags=["themes"], dependencies=[Depends(require(*READERS))])


@router.get("/themes", response_model=ThemesOut)
def themes() -> ThemesOut:
    """Emerging themes with at least k authors; empty until `barometer discover` has run."""
    return ThemesOut(discovered_at=None, themes=[])
