"""Errors become HTTP statuses here, and every 4xx says what was wrong in one sentence.

``{"detail": "<one sentence>"}`` is the body of every error, whatever raised it:
a privacy refusal, unreadable input, a parameter FastAPI rejected, an unknown
route.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import Send

from core.errors import BarometerError, ConfigError, InputError, ModelError, PrivacyError

STATUS_OF: dict[type[BarometerError], int] = {
    PrivacyError: 400,
    InputError: 400,
    ModelError: 503,
    ConfigError: 503,
}
GENERIC = {
    404: "There is no such route; the routes are listed at /docs.",
    405: "This route does not take that method; see /docs.",
}


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(BarometerError, _barometer_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]


async def send_problem(send: Send, status: int, detail: str) -> None:
    """Send a whole error response from ASGI middleware, outside FastAPI's handlers."""
    body = json.dumps({"detail": sentence(detail)}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def problem(status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """The JSON error response."""
    return JSONResponse({"detail": sentence(detail)}, status_code=status, headers=headers)


def sentence(text: str) -> str:
    """``text`` as one sentence: first line only, capitalised, ending in a full stop."""
    line = " ".join(text.strip().splitlines()[0].split()) if text.strip() else "Bad request"
    line = line[0].upper() + line[1:]
    return line if line.endswith((".", "?", "!")) else line + "."


async def _barometer_error(request: Request, exc: BarometerError) -> JSONResponse:
    return problem(STATUS_OF.get(type(exc), 400), str(exc))


async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    if exc.status_code in GENERIC and detail in ("Not Found", "Method Not Allowed"):
        detail = GENERIC[exc.status_code]
    return problem(exc.status_code, detail, getattr(exc, "headers", None))


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    return problem(422, describe(exc.errors()[0]) if exc.errors() else "The request is invalid")


def describe(error: dict[str, Any]) -> str:
    """One pydantic error as a sentence naming where it is: ``query parameter 'period': …``."""
    location = [str(part) for part in error.get("loc", ())]
    if error.get("type") == "json_invalid":  # FastAPI's loc is ("body", offset), not a field
        reason = _lower_first(str(error.get("ctx", {}).get("error", "it cannot be parsed")))
        return f"The request body is not valid JSON: {reason} at character {location[-1]}"
    where = {"query": "query parameter", "path": "path parameter", "body": "body field"}
    if location and location[0] in where:
        place = where[location[0]]
        name = ".".join(part for part in location[1:] if not part.isdigit())  # topic, not topic.0
        subject = f"{place} '{name}'" if name else "request body"
    else:
        subject = "request"
    message = str(error.get("msg", "is invalid")).removeprefix("Value error, ")
    return f"The {subject}: {_lower_first(message)}" if message else f"Bad {subject}"


def _lower_first(text: str) -> str:
    """``text`` continuing a sentence: its first letter lowered, unless it starts an acronym."""
    return text if text[:2].isupper() else text[:1].lower() + text[1:]
