"""``/v1/reports``: the periodic report as HTML, PDF, JSON or CSV, from the stored cells."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from api.deps import ConnectionDep, ServiceDep, count_cells, default_end, guarded_cells, require
from api.ranges import EndParam
from api.roles import READERS
from models.registry import Registry
from reports.query import ADJECTIVE
from reports.render import renderer_for
from reports.report import build_report

router = APIRouter(tags=["reports"], dependencies=[Depends(require(*READERS))])
MEDIA_TYPES = ("text/html", "application/pdf", "application/json", "text/csv")


@router.get(
    "/reports",
    response_class=Response,
    responses={
        200: {"content": {media: {} for media in MEDIA_TYPES}, "description": "The report."}
    },
)
def report(
    request: Request,
    service: ServiceDep,
    connection: ConnectionDep,
    format: Annotated[Literal["html", "pdf", "json", "csv"], Query()] = "html",
    period: Annotated[Literal["day", "week", "month"], Query()] = "week",
    weeks: Annotated[int, Query(ge=1, le=104, description="Weeks the report covers.")] = 12,
    end: EndParam = None,
) -> Response:
    """The report people-ops reads: trends, the last period by unit, alerts; all guarded."""
    stored = guarded_cells(service, connection)
    last = default_end(service.engine, end)
    registry = Registry(service.engine, service.model_dir)
    sentiment = registry.by_id(stored.champions.sentiment_version_id)
    topics = registry.by_id(stored.champions.topics_version_id)
    built = build_report(
        service.engine,
        stored.champions,
        service.privacy,
        last - timedelta(weeks=weeks) + timedelta(days=1),
        last,
        period,
        models=f"sentiment {sentiment.version}, topics {topics.version}",
        refresh_first=False,
        generated_at=stored.as_of,
    )
    cells = built.trends + built.breakdown
    suppressed = sum(cell.suppressed for cell in cells)
    count_cells(request, len(cells) - suppressed, suppressed)
    renderer = renderer_for(format)
    name = f"barometer-{ADJECTIVE[period]}-{last.isoformat()}{renderer.suffix}"
    return Response(
        renderer.render(built),
        media_type=renderer.media_type,
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )
