"""``/v1/health`` (the process answers) and ``/v1/ready`` (it can answer correctly); no key needed.

Both are for orchestrators' probes, so they say nothing about the data.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import ServiceDep
from api.schemas import HealthOut, ReadyOut
from core.migrate import current_revision, head_revision
from reports import cells

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthOut)
def health() -> HealthOut:
    """Liveness: the process is up."""
    return HealthOut(status="ok")


@router.get("/ready", response_model=ReadyOut, responses={503: {"model": ReadyOut}})
def ready(service: ServiceDep, response: Response) -> ReadyOut:
    """Readiness: the database answers at this version's schema and the cells match settings."""
    try:
        revision = current_revision(service.engine)
        state = cells.stored_state(service.engine) if revision == head_revision() else None
    except Exception:
        revision, state = None, None
        found = ("missing", "The database does not answer.")
    else:
        if revision != head_revision():
            found = ("missing", "The database is not at this version's schema; run db upgrade.")
        elif state is None:
            found = ("missing", "No guarded figures yet; run `barometer score`.")
        elif state.privacy != service.privacy.fingerprint():
            found = ("stale", "The figures were guarded with other thresholds; run refresh.")
        else:
            found = ("current", "Ready.")
    if found[0] != "current":
        response.status_code = 503
    return ReadyOut(
        ready=found[0] == "current", schema_revision=revision, cells=found[0], detail=found[1]
    )
