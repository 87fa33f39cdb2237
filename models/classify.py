"""Classifying a JSONL file of posts with the champions, line by line."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import InputError
from models.scoring import Scorer
from models.sentiment import sentiment_score
from models.taxonomy import SENTIMENTS, TOPIC_IDS

BATCH = 256


@dataclass
class ClassifyResult:
    """Lines written, and (line number, reason) for each line skipped."""

    written: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)


def classify_file(input: Path, output: Path, scorer: Scorer) -> ClassifyResult:
    """Write ``id``, ``sentiment``, ``score``, ``topics``, ``topic_scores`` for each input line.

    Args:
        input: JSONL whose lines hold an ``id`` and a non-empty string ``text``.
        output: Where the predictions go, one line per classified input line, in order.
        scorer: The champions.

    Raises:
        InputError: The input file cannot be read at all.
    """
    if not input.is_file():
        raise InputError(f"--input {str(input)!r} does not exist")
    result = ClassifyResult()
    batch: list[tuple[object, str]] = []
    with (
        input.open(encoding="utf-8", errors="replace") as lines,
        output.open("w", encoding="utf-8") as out,
    ):
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            row, reason = _parse(line)
            if row is None:
                result.skipped.append((number, reason))
                continue
            batch.append(row)
            if len(batch) == BATCH:
                result.written += _write(scorer, batch, out)
                batch = []
        result.written += _write(scorer, batch, out)
    return result


def _parse(line: str) -> tuple[tuple[object, str] | None, str]:
    try:
        row = json.loads(line)
    except ValueError:
        return None, "not JSON"
    if not isinstance(row, dict):
        return None, "expected a JSON object"
    if "id" not in row:
        return None, "no 'id'"
    if not isinstance(row.get("text"), str) or not row["text"].strip():
        return None, "no non-empty string 'text'"
    return (row["id"], row["text"]), ""


def _write(scorer: Scorer, batch: list[tuple[object, str]], out) -> int:  # type: ignore[no-untyped-def]
    if not batch:
        return 0
    sentiment, topics, assigned = scorer.predict([text for _, text in batch])
    net = sentiment_score(sentiment)
    for i, (post_id, _) in enumerate(batch):
        line = {
            "id": post_id,
            "sentiment": SENTIMENTS[int(sentiment[i].argmax())],
            "score": round(float(net[i]), 4),
            "topics": assigned[i],
            "topic_scores": {
                t: round(float(p), 4) for t, p in zip(TOPIC_IDS, topics[i], strict=True)
            },
        }
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return len(batch)
