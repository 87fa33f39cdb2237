"""``create_app(settings)``: the FastAPI application, its routes under ``/v1``, audit and limits.

Settings are read by the caller (``barometer serve``, a test) and turned into
plain parts here: the store, the guard's thresholds, the model directory, the
anonymizer's configuration. Every request passes the audit log first and the
body limit second; no route can be reached around them.
"""

from __future__ import annotations

import functools
from typing import Any

from fastapi import FastAPI

from api import errors
from api.audit import API_PREFIX, AuditMiddleware
from api.deps import Service
from api.limits import BodyLimitMiddleware
from api.routers import alerts, audit, health, models, posts, reports, themes, topics, trends
from api.schemas import Problem
from core.database import get_engine
from core.settings import Settings, load_settings
from ingest.anonymize import Anonymizer, AnonymizerConfig
from reports.privacy import Privacy

ROUTERS = (trends, topics, themes, alerts, reports, models, posts, audit, health)
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "description": description}
    for status, description in {
        400: "The query would break a privacy rule, or its range is too long.",
        401: "No API key, or an unknown or revoked one.",
        403: "The key's role may not use this route.",
        413: "The request body is too large.",
        422: "A parameter or the body is malformed.",
        503: "The service cannot answer yet (no guarded figures, or other thresholds).",
    }.items()
}


def create_app(settings: Settings) -> FastAPI:
    """The Barometer API for ``settings``.

    Args:
        settings: Validated settings (``core.settings.load_settings``).

    Returns:
        The application; serve it with uvicorn (``barometer serve``).
    """
    engine = get_engine(settings.resolved_database_url)
    app = FastAPI(
        title="Barometer",
        version="1",
        summary="Privacy-guarded sentiment and topic trends of an organisation's forums.",
        description=(
            "Every figure describes at least k distinct authors (suppressed cells are marked, "
            "never dropped); protected topics are never broken down; no route returns a post "
            "or an author. Every request is written to the audit log, which employee "
            "representatives can read."
        ),
    )
    app.state.service = Service(
        engine=engine,
        privacy=Privacy(
            settings.min_group_size,
            dict(settings.protected_topics),
            settings.comment_min_group_size,
        ),
        model_dir=settings.resolved_model_dir,
        anonymizer_factory=functools.partial(Anonymizer, AnonymizerConfig.from_settings(settings)),
        pseudonym_key=settings.key_bytes(),
    )
    for router in ROUTERS:
        # The probes need no key and take no parameters: only 503 applies to them.
        responses = {503: ERRORS[503]} if router is health else ERRORS
        app.include_router(router.router, prefix=API_PREFIX, responses=responses)
    errors.install(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.api_max_body_bytes)
    app.add_middleware(AuditMiddleware, engine=engine)  # added last: the outermost
    return app


def app_from_environment() -> FastAPI:
    """``create_app`` with settings from the environment and ``barometer.toml``.

    The factory uvicorn calls in each worker process (``barometer serve``).
    """
    return create_app(load_settings())
