"""Two sets of champion folders on today's test split, and on its older and newer posts.

Each folder holds ``sentiment/`` and ``topics/`` as ``models/champion`` does
(for the shipped ones before a retraining: ``git worktree add /tmp/old HEAD~1``
and pass ``/tmp/old/models/champion``). Posts with an id up to ``--last-old``
are the test posts that existed before the newest labeled batch.

Usage: HF_HUB_OFFLINE=1 python bench/compare_champions.py OLD_DIR NEW_DIR
       [--last-old bp4790]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.dataset import project_split
from models.encoder import Encoder, MemoEncoder
from models.evaluation import PRIMARY_METRIC, evaluate
from models.registry import load_model


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--last-old", default="bp4790")
    args = parser.parse_args()
    test = project_split("test")
    parts = {
        "old": [p for p in test if p.id <= args.last_old],
        "new": [p for p in test if p.id > args.last_old],
        "all": test,
    }
    sizes = " / ".join(f"{name} {len(posts)}" for name, posts in parts.items())
    print(f"| champions | sentiment macro-F1: {sizes} | topics micro-F1: {sizes} |")
    print("|---|---|---|")
    with tempfile.TemporaryDirectory() as cache:
        base = MemoEncoder(Encoder(cache_dir=Path(cache)))
        for folder in args.folders:
            cells = []
            for kind in ("sentiment", "topics"):
                model = load_model(folder / kind, base)
                cells.append(
                    " / ".join(
                        f"{evaluate(kind, model, posts)[PRIMARY_METRIC[kind]]:.3f}"
                        for posts in parts.values()
                    )
                )
            print(f"| {folder} | {cells[0]} | {cells[1]} |")


if __name__ == "__main__":
    main()
