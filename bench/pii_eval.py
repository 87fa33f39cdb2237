"""Recall per PII type and the share of decoys removed, on a labeled JSONL set.

Usage: python bench/pii_eval.py [bench/data/pii_test.jsonl ...] [--misses] [--ner-everywhere]
       [--employee-id-pattern REGEX ...] [--address-model DIR | --address-model ""]

An entity counts as removed when every letter and digit of it, a leading
title such as "Dr." aside, lies inside a detected span of any type (what
matters for privacy is that it is gone, not what it was called). A decoy
counts as removed when any of its characters does.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.settings import DEFAULT_EMPLOYEE_ID_PATTERNS
from ingest.anonymize import Anonymizer, AnonymizerConfig

TITLE = re.compile(r"^(?:Mr|Mrs|Ms|Mx|Dr|Prof|Herr|Frau)\.?\s+")


def occurrences(text: str, value: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(re.escape(value), text)]


def covered(start: int, end: int, text: str, spans: list[tuple[int, int]]) -> bool:
    title = TITLE.match(text[start:end])
    if title:
        start += title.end()
    return all(any(s <= i < e for s, e in spans) for i in range(start, end) if text[i].isalnum())


def touched(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def evaluate(path: Path, anonymizer: Anonymizer, show_misses: bool) -> dict:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    results = anonymizer.analyze_many([row["text"] for row in rows])
    found, total, decoys_removed, decoys = Counter(), Counter(), 0, 0
    for row, result in zip(rows, results, strict=True):
        text = row["text"]
        spans = [(r.start, r.end) for r in result]
        for entity in row["entities"]:
            for start, end in occurrences(text, entity["value"]):
                total[entity["type"]] += 1
                if covered(start, end, text, spans):
                    found[entity["type"]] += 1
                elif show_misses:
                    print(f"MISS {entity['type']:12} {entity['value']!r:40} in {row['id']}")
        for decoy in row.get("decoys", []):
            for start, end in occurrences(text, decoy):
                decoys += 1
                if touched(start, end, spans):
                    decoys_removed += 1
                    if show_misses:
                        hits = [text[s:e] for s, e in spans if s < end and start < e]
                        print(f"DECOY {decoy!r:30} hit by {hits} in {row['id']}")
    return {
        "file": str(path),
        "posts": len(rows),
        "recall": {t: (found[t] / total[t], found[t], total[t]) for t in sorted(total)},
        "decoys_removed": (decoys_removed / max(decoys, 1), decoys_removed, decoys),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="*", type=Path, default=[Path("bench/data/pii_eval.jsonl")])
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--ner-everywhere", action="store_true")
    parser.add_argument(
        "--employee-id-pattern",
        action="append",
        default=[],
        help="a company's id format, added to the defaults (as employee_id_patterns would)",
    )
    parser.add_argument(
        "--address-model",
        default="packaged",
        help="the trained address model: packaged (default), a folder, or '' for patterns alone",
    )
    args = parser.parse_args()
    paths = args.paths
    anonymizer = Anonymizer(
        AnonymizerConfig(
            employee_id_patterns=(*DEFAULT_EMPLOYEE_ID_PATTERNS, *args.employee_id_pattern),
            ner_scope="all" if args.ner_everywhere else "candidates",
            address_model=args.address_model,
        )
    )
    for path in paths:
        report = evaluate(path, anonymizer, args.misses)
        print(f"\n{report['file']} ({report['posts']} posts)")
        print("| type | recall | found / total |\n|---|---:|---:|")
        for entity, (recall, hit, count) in report["recall"].items():
            print(f"| {entity} | {recall:.3f} | {hit} / {count} |")
        share, removed, count = report["decoys_removed"]
        print(f"| decoys removed | {share:.3f} | {removed} / {count} |")


if __name__ == "__main__":
    main()
