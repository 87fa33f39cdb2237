"""Refresh the champion heads that ship inside the package (``models/champion/``).

Run after the labeled posts change: ``python -m models.shipped``. It trains on
the shipped posts with the packaged encoder, exactly as ``barometer train``
does (LoRA adapter included, about 10 minutes on two cores), and copies both
version folders (heads, n-gram vocabularies, adapter, model cards) into the
package, where ``Registry.ensure_champions`` finds them.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from core.database import get_engine
from core.migrate import upgrade
from models.encoder import Encoder
from models.registry import Registry
from models.training import TrainingArguments, train

SHIPPED = Path(__file__).resolve().parent / "champion"


def main() -> None:
    """Train on the shipped posts and replace ``models/champion/`` with the result."""
    with tempfile.TemporaryDirectory() as scratch:
        engine = get_engine(f"sqlite:///{scratch}/registry.db")
        upgrade(engine)
        registry = Registry(engine, Path(scratch) / "models")
        result = train(TrainingArguments(), registry, Encoder(cache_dir=Path(scratch)))
        for kind, candidate in result.candidates.items():
            target = SHIPPED / kind
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(registry.folder(kind, candidate.version), target)
            print(f"{kind} {candidate.version} -> {target}")
        engine.dispose()


if __name__ == "__main__":
    main()
