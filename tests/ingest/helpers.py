"""Builders of small forum exports for ingest tests."""

import json
from pathlib import Path
from typing import Any


def post(i: int, **fields: Any) -> dict[str, Any]:
    base = {
        "source_id": f"p{i}",
        "text": f"Post number {i} about the reorg and the new on-call rota.",
        "created_at": f"2026-03-{1 + i % 28:02d}T10:00:00Z",
        "author_id": f"user-{i % 7}",
        "org_unit": "eng/infra/storage",
        "channel": "general",
    }
    return {**base, **fields}


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text(
        "".join((row if isinstance(row, str) else json.dumps(row)) + "\n" for row in rows)
    )
    return path
