"""What route handlers depend on: the service's parts, the caller's key, the guarded cells.

``require(*roles)`` checks the bearer key: 401 when it is missing, unknown or
revoked, 403 when its role may not use the route. It leaves the key's id and
role in the request state for the audit log.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Connection, Engine

from api.keys import ApiKey, verify
from api.roles import Role
from core.database import Store
from reports import cells
from reports.privacy import Privacy
from reports.report import latest_post_day
from reports.rollup import Champions

bearer = HTTPBearer(
    auto_error=False, description="An API key from `barometer keys create`, as a bearer token."
)
NO_KEY = "Send an API key as 'Authorization: Bearer <key>'; `barometer keys create` makes one."
BAD_KEY = "The API key is unknown or revoked."


@dataclass
class Service:
    """The parts every request shares, built once per process by ``create_app``.

    Attributes:
        engine: The store.
        privacy: The guard's thresholds.
        model_dir: Where model versions live.
        anonymizer_factory: Builds the anonymizer on the first ``POST /v1/posts``
            (it loads spaCy, so readers never pay for it).
        pseudonym_key: The HMAC key for authors of posted records.
    """

    engine: Engine
    privacy: Privacy
    model_dir: Path
    anonymizer_factory: Callable[[], Any]
    pseudonym_key: bytes = field(repr=False, default=b"")
    _anonymizer: Any = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def anonymizer(self) -> Any:
        """The anonymizer, loaded on first use."""
        with self._lock:
            if self._anonymizer is None:
                self._anonymizer = self.anonymizer_factory()
            return self._anonymizer


async def get_service(request: Request) -> Service:
    """The service built by ``create_app``."""
    return request.app.state.service  # type: ignore[no-any-return]


ServiceDep = Annotated[Service, Depends(get_service)]


async def request_connection(service: ServiceDep) -> AsyncIterator[Connection]:
    """One connection for all of a request's reads: the key, the cells' state, the cells.

    A checkout per read (with its ping and its rollback) cost PostgreSQL more
    than the reads themselves. The audit row is written on its own connection.
    """
    with service.engine.connect() as connection:
        yield connection


ConnectionDep = Annotated[Connection, Depends(request_connection)]


def require(*roles: Role) -> Callable[..., Awaitable[ApiKey]]:
    """A dependency admitting keys of ``roles`` only.

    The dependencies here are ``async`` though they query the store: one indexed
    lookup (a fraction of a millisecond) costs less than the hop to FastAPI's
    thread pool that a plain ``def`` dependency takes (measured: the hops were
    half of a trends request's time). Handlers stay ``def``, in the pool.
    """
    allowed = ", ".join(roles)

    async def check(
        request: Request,
        connection: ConnectionDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> ApiKey:
        if credentials is None:
            raise HTTPException(401, NO_KEY, headers={"WWW-Authenticate": "Bearer"})
        key = verify(connection, credentials.credentials)
        if key is None:
            raise HTTPException(401, BAD_KEY, headers={"WWW-Authenticate": "Bearer"})
        request.state.key_id = key.id
        request.state.role = key.role.value
        if key.role not in roles:
            raise HTTPException(403, f"The {key.role} role cannot use this route; {allowed} can.")
        return key

    return check


@dataclass(frozen=True)
class Cells:
    """The stored, guarded cells a request may read: whose predictions, as of when."""

    champions: Champions
    as_of: datetime | None


def guarded_cells(service: Service, connection: Connection) -> Cells:
    """The stored cells, when they were guarded with the configured thresholds (else 503).

    A request never recounts: ``barometer score`` and ``barometer refresh``
    bring the cells up to date, and answers say ``as_of`` when that was.
    Handlers call it first thing rather than declare it as a dependency, so a
    malformed parameter is reported (422) before a store with no cells (503).
    """
    state = cells.stored_state(connection)
    if state is None:
        raise HTTPException(503, "No guarded figures yet; run `barometer score` first.")
    if state.privacy != service.privacy.fingerprint():
        raise HTTPException(
            503,
            "The stored figures were guarded with other privacy thresholds than this server's; "
            "run `barometer refresh` with the same settings.",
        )
    return Cells(state.champions, state.refreshed_at)


def default_end(store: Store, end: date | None) -> date:
    """``end``, or the day of the newest post (today when there is none)."""
    return end or latest_post_day(store) or date.today()


def count_cells(request: Request, shown: int, suppressed: int) -> None:
    """Record, for the audit log, how many cells the response shows and suppresses."""
    request.state.cells_returned = shown
    request.state.cells_suppressed = suppressed
