"""Turning Barometer's errors into one-line messages and exit codes."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from core.errors import BarometerError


def run_cli(app: Callable[..., Any]) -> None:
    """Run the Typer app; a ``BarometerError`` prints ``Type: message`` and exits 1."""
    try:
        app()
    except BarometerError as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(1)
