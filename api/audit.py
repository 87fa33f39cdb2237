"""The audit log: every request, written before its response is sent.

``AuditMiddleware`` wraps the whole application. When the response starts,
it writes one ``audit_log`` row (key id, role, method, route template, query
and path parameters, status, cells returned and suppressed) and only then
lets the response through. If the row cannot be written the caller gets a 503
instead of the answer: nothing is answered unaudited. Request bodies are
never logged (posts carry text); for ``POST /v1/posts`` the record count is.

The route handlers and the auth dependency leave what they know in the
request's state: ``key_id``, ``role``, ``cells_returned``, ``cells_suppressed``
and ``audit_parameters``.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from sqlalchemy import Engine, insert, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import send_problem
from api.schemas import AuditEntryOut
from core.tables import audit_log

logger = logging.getLogger(__name__)

API_PREFIX = "/v1"
MAX_PARAMETERS_CHARS = 2_000
FAILED = "The server failed to answer; the error is logged."
UNAUDITED = "The request could not be written to the audit log, so it was not answered."


class AuditMiddleware:
    """Write an ``audit_log`` row for every HTTP request before its response goes out.

    Args:
        app: The application to wrap.
        engine: The store holding ``audit_log``.
    """

    def __init__(self, app: ASGIApp, engine: Engine) -> None:
        self.app = app
        self.engine = engine

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request; audit it when its response starts."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        started = False
        refused = False

        async def audited_send(message: Message) -> None:
            nonlocal started, refused
            if message["type"] == "http.response.start":
                started = True
                try:
                    self._write(scope, state, message["status"])
                except Exception:
                    logger.exception("audit write failed; answering 503 instead")
                    refused = True
                    await send_problem(send, 503, UNAUDITED)
                    return
            if refused:
                return
            await send(message)

        try:
            await self.app(scope, receive, audited_send)
        except Exception:
            logger.exception("unhandled error in %s %s", scope["method"], _route(scope))
            if started:
                raise
            await send_problem(audited_send, 500, FAILED)

    def _write(self, scope: Scope, state: dict[str, Any], status: int) -> None:
        parameters = _parameters(scope, state)
        with self.engine.begin() as connection:
            connection.execute(
                insert(audit_log).values(
                    at=datetime.now(UTC).replace(tzinfo=None),
                    key_id=state.get("key_id"),
                    role=state.get("role"),
                    method=scope["method"][:8],
                    route=_route(scope)[:255],
                    parameters=parameters,
                    status=status,
                    cells_returned=state.get("cells_returned", 0),
                    cells_suppressed=state.get("cells_suppressed", 0),
                )
            )


def _route(scope: Scope) -> str:
    """The matched route's template (``/v1/trends``), else the path asked for.

    FastAPI gives an included router's routes their own path without the
    router's prefix; every router here is included under ``API_PREFIX``.
    """
    path = scope.get("path", "")
    template = getattr(scope.get("route"), "path", None)
    if template is None:
        return path
    return API_PREFIX + template if path.startswith(API_PREFIX + "/") else template


def _parameters(scope: Scope, state: dict[str, Any]) -> str:
    query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    values: dict[str, Any] = {}
    for name, value in query:
        values.setdefault(name, []).append(value)
    parameters = {name: v[0] if len(v) == 1 else v for name, v in values.items()}
    parameters.update(scope.get("path_params", {}))
    parameters.update(state.get("audit_parameters", {}))
    text = json.dumps(parameters, sort_keys=True, ensure_ascii=False, default=str)
    if len(text) > MAX_PARAMETERS_CHARS:
        text = json.dumps({"truncated": text[:MAX_PARAMETERS_CHARS]}, ensure_ascii=False)
    return text


def read_audit(
    engine: Engine, *, after_id: int = 0, since: datetime | None = None, limit: int = 100
) -> list[AuditEntryOut]:
    """Audit rows with an id above ``after_id`` (and at or after ``since``), oldest first."""
    query = select(audit_log).where(audit_log.c.id > after_id).order_by(audit_log.c.id).limit(limit)
    if since is not None:
        query = query.where(audit_log.c.at >= since)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return [
        AuditEntryOut.model_validate({**row._asdict(), "parameters": json.loads(row.parameters)})
        for row in rows
    ]
