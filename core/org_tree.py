"""The org tree's closure rows, shared by the migration that creates them and the ingest roll-up."""

from __future__ import annotations

from collections.abc import Iterable


def closure(paths: Iterable[str]) -> list[dict[str, str]]:
    """(unit, ancestor) rows: each unit with itself, its ancestors and the organisation ("").

    Posts with no unit join through the row ("", ""), so they count for the
    organisation only.
    """
    rows = [{"unit": "", "ancestor": ""}]
    for path in paths:
        parts = path.split("/")
        rows += [{"unit": path, "ancestor": "/".join(parts[:i])} for i in range(len(parts) + 1)]
    return rows
