"""Model cards: what a version was trained on, with which code, and how it scores on test data."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any


def code_version() -> str:
    """The package version, with the git commit when running from a checkout."""
    try:
        version = metadata.version("barometer")
    except metadata.PackageNotFoundError:
        version = "unknown"
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return version
    return f"{version}+{commit}" if commit else version


def write_card(folder: Path, card: dict[str, Any]) -> None:
    """Write ``card.json`` and a readable ``card.md`` for one version into ``folder``."""
    card = {**card, "written_at": datetime.now(UTC).isoformat(timespec="seconds")}
    (folder / "card.json").write_text(json.dumps(card, indent=2))
    (folder / "card.md").write_text(render_card(card))


def render_card(card: dict[str, Any]) -> str:
    """The model card as Markdown."""
    metrics = card["metrics"]
    lines = [
        f"# {card['kind']} model {card['version']}",
        "",
        f"- Model: {card['model']}",
        f"- Encoder: {card['encoder']}",
        *(_adapter_line(card["adapter"]) if card.get("adapter") else []),
        f"- Code version: {card['code_version']}",
        f"- Training data: {card['data']}",
        f"- Why this approach: {card['rationale']}",
        "",
        f"## Metrics on the test split ({metrics['n']} posts, never trained or tuned on)",
        "",
    ]
    if card["kind"] == "sentiment":
        lines += [
            f"- macro-F1 **{metrics['macro_f1']:.3f}**, accuracy {metrics['accuracy']:.3f}, "
            f"macro-recall {metrics['macro_recall']:.3f}",
            f"- expected calibration error (10 bins) {metrics['ece']:.3f}",
            "",
            "| class | precision | recall | F1 | posts |",
            "|---|---:|---:|---:|---:|",
        ]
        rows = metrics["per_class"]
    else:
        lines += [
            f"- micro-F1 **{metrics['micro_f1']:.3f}**, macro-F1 {metrics['macro_f1']:.3f}",
            f"- expected calibration error (10 bins, per topic decision) {metrics['ece']:.3f}",
            "",
            "| topic | precision | recall | F1 | posts |",
            "|---|---:|---:|---:|---:|",
        ]
        rows = metrics["per_topic"]
    for name, row in rows.items():
        lines.append(
            f"| {name} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} | "
            f"{row['support']} |"
        )
    if card.get("thresholds"):
        lines += [
            "",
            "Thresholds (tuned on the validation split): "
            + ", ".join(f"{topic} {value:.2f}" for topic, value in card["thresholds"].items()),
        ]
    return "\n".join(lines) + "\n"


def _adapter_line(adapter: dict[str, Any]) -> list[str]:
    return [
        f"- Encoder adapted with a LoRA adapter (rank {adapter['rank']}, {adapter['epochs']} "
        f"epochs, learning rate {adapter['learning_rate']}) on {adapter['trained_on']}; "
        f"fingerprint {adapter['fingerprint']}"
    ]
