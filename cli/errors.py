"""Turning failures into one-line messages and exit codes (the only place that does)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from core.errors import BarometerError


def run_cli(app: Callable[..., Any]) -> None:
    """Run the Typer app; a failure prints ``Type: message`` on one line and exits non-zero.

    ``BarometerError``s carry their own message; a database that cannot be reached
    or refuses a statement becomes ``DatabaseError: …`` with the driver's first
    line (which never holds post content or keys). Ctrl-C exits 130.
    """
    from sqlalchemy.exc import SQLAlchemyError

    try:
        app()
    except BarometerError as exc:
        _fail(type(exc).__name__, str(exc))
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        _fail("DatabaseError", reason)
    except KeyboardInterrupt:
        _fail("Interrupted", "stopped by the user; a re-run resumes where this one stopped", 130)


def _fail(kind: str, message: str, code: int = 1) -> None:
    print(f"{kind}: {message}", file=sys.stderr)
    sys.exit(code)
