"""Guarded cells over time: ``/v1/trends`` (per period) and ``/v1/breakdowns`` (by unit, channel).

Both select stored cells through ``reports.query.answer``: the guard decided
every figure before any request came, and a query can only pick cells of it.

The handlers are ``async`` though they read the store: an answer is a few
indexed reads of stored cells (about a millisecond), and running it in the
event loop beat FastAPI's thread pool, where the handler thread and the loop
passed the GIL back and forth (one worker: 220 against 185 requests/s).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from api.deps import ConnectionDep, ServiceDep, count_cells, guarded_cells, require
from api.ranges import CellQueryDep
from api.roles import READERS
from api.schemas import CellOut, CellsOut, PrivacyOut
from reports.query import ReportQuery, Result, answer

router = APIRouter(tags=["trends"], dependencies=[Depends(require(*READERS))])
ByParam = Annotated[
    list[Literal["org_unit", "channel"]],
    Query(min_length=1, description="org_unit (the unit's children) and/or channel."),
]


@router.get("/trends", response_model=CellsOut)
async def trends(
    request: Request,
    service: ServiceDep,
    connection: ConnectionDep,
    query: CellQueryDep,
) -> Response:
    """Net sentiment, volume and share per period and topic, for one group (default: everyone)."""
    return cells_out(request, service, connection, query)


@router.get("/breakdowns", response_model=CellsOut)
async def breakdowns(
    request: Request,
    service: ServiceDep,
    connection: ConnectionDep,
    query: CellQueryDep,
    by: ByParam,
) -> Response:
    """The same figures split by org unit and/or channel (weeks only; protected topics never)."""
    return cells_out(request, service, connection, replace(query, by=tuple(by)))


def cells_out(
    request: Request,
    service: ServiceDep,
    connection: ConnectionDep,
    query: ReportQuery,
) -> Response:
    """Answer ``query`` from the stored cells and count what it shows for the audit log.

    The model is validated once, here, and sent as it is: FastAPI would
    otherwise dump it and validate it a second time against ``response_model``.
    """
    stored = guarded_cells(service, connection)
    result: Result = answer(
        connection, stored.champions, service.privacy, query, refresh_first=False
    )
    suppressed = sum(result.suppressed.values())
    count_cells(request, len(result.cells) - suppressed, suppressed)
    answered = CellsOut(
        period=query.period,
        start=result.start,
        end=result.stop - timedelta(days=1),
        as_of=stored.as_of,
        privacy=PrivacyOut(k=service.privacy.k, protected_topics=service.privacy.protected),
        suppressed=result.suppressed,
        cells=[CellOut.model_validate(cell) for cell in result.cells],
    )
    return Response(answered.model_dump_json(), media_type="application/json")
