"""Turning failures into one-line messages and exit codes (the only place that does)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from core.errors import BarometerError

logger = logging.getLogger(__name__)


def run_cli(app: Callable[..., Any]) -> None:
    """Run the Typer app; any failure prints ``Type: message`` on one line and exits non-zero.

    ``BarometerError``s carry their own message. A database that cannot be
    reached or refuses a statement becomes ``DatabaseError: …`` with the
    driver's first line. Anything else prints only its type and first line; the
    traceback is logged at debug level (``barometer -v``), since it may quote data.
    Ctrl-C exits 130.
    """
    from sqlalchemy.exc import SQLAlchemyError

    try:
        app()
    except BarometerError as exc:
        _fail(type(exc).__name__, str(exc))
    except SQLAlchemyError as exc:
        _fail("DatabaseError", str(getattr(exc, "orig", None) or exc))
    except KeyboardInterrupt:
        _fail("Interrupted", "stopped by the user; a re-run resumes where this one stopped", 130)
    except Exception as exc:
        logger.debug("unexpected failure", exc_info=True)
        _fail(type(exc).__name__, str(exc) or "unexpected failure")


def _fail(kind: str, message: str, code: int = 1) -> None:
    first_line = " ".join(message.strip().splitlines()[0].split()) if message.strip() else ""
    print(f"{kind}: {first_line[:500]}", file=sys.stderr)
    sys.exit(code)
