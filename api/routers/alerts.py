"""``/v1/alerts``: topics whose net sentiment or share moved beyond chance week over week."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from fastapi import APIRouter, Depends, Request

from api.deps import ConnectionDep, ServiceDep, count_cells, guarded_cells, require
from api.ranges import EndParam, StartParam, date_range
from api.roles import READERS
from api.schemas import AlertOut, AlertsOut
from models.taxonomy import TOPIC_IDS
from reports.alerts import find_alerts
from reports.query import ReportQuery, answer
from reports.rollup import ALL_TOPICS

router = APIRouter(tags=["alerts"], dependencies=[Depends(require(*READERS))])


@router.get("/alerts", response_model=AlertsOut)
async def alerts(
    request: Request,
    service: ServiceDep,
    connection: ConnectionDep,
    start: StartParam = None,
    end: EndParam = None,
) -> AlertsOut:
    """Alerts between the weeks of the range, for the whole organisation (shown cells only)."""
    stored = guarded_cells(service, connection)
    first, last = date_range(connection, start, end, "week")
    query = ReportQuery(first, last, "week", (ALL_TOPICS, *TOPIC_IDS))
    result = answer(connection, stored.champions, service.privacy, query, refresh_first=False)
    found = find_alerts(result.cells)
    count_cells(request, 2 * len(found), 0)
    return AlertsOut(
        start=result.start,
        end=result.stop - timedelta(days=1),
        as_of=stored.as_of,
        alerts=[AlertOut(**asdict(alert), change=alert.change) for alert in found],
    )
