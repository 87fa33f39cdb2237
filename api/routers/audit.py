"""``/v1/audit``: the audit log, for employee representatives and admins; read-only."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.audit import read_audit
from api.deps import ServiceDep, require
from api.roles import AUDITORS
from api.schemas import AuditOut

router = APIRouter(tags=["audit"], dependencies=[Depends(require(*AUDITORS))])


@router.get("/audit", response_model=AuditOut)
def audit(
    service: ServiceDep,
    after_id: Annotated[int, Query(ge=0, le=2**62, description="Entries after this id.")] = 0,
    since: Annotated[datetime | None, Query(description="Entries at or after (UTC).")] = None,
    limit: Annotated[int, Query(ge=1, le=1_000)] = 100,
) -> AuditOut:
    """Every request made to the API, oldest first: who (key id, role), what, and what it got."""
    entries = read_audit(service.engine, after_id=after_id, since=_naive_utc(since), limit=limit)
    return AuditOut(
        entries=entries,
        next_after_id=entries[-1].id if len(entries) == limit else None,
    )


def _naive_utc(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)
