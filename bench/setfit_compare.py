"""SetFit (contrastive fine-tuning of the encoder, then a head) against the shipped heads.

Trains SetFit on the train split of the project's posts and reports sentiment
macro-F1 on the validation and test splits, with the time it took, so the
model card can say which approach Barometer keeps and why.

Usage: HF_HUB_OFFLINE=1 python bench/setfit_compare.py [--iterations 5] [--max-steps N]

``--max-steps`` stops the contrastive phase early (a full epoch of pairs takes
hours on a 2-core CPU); the figure is then that of a shortened SetFit.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.dataset import project_split
from models.encoder import packaged_model_path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--max-steps", type=int, default=-1)
    args = parser.parse_args()
    from datasets import Dataset
    from setfit import SetFitModel, Trainer, TrainingArguments
    from sklearn.metrics import f1_score

    train, validation, test = (project_split(s) for s in ("train", "validation", "test"))
    model = SetFitModel.from_pretrained(str(packaged_model_path()))
    trainer = Trainer(
        model=model,
        args=TrainingArguments(
            batch_size=16,
            num_iterations=args.iterations,
            num_epochs=1,
            max_steps=args.max_steps,
            output_dir=tempfile.mkdtemp(prefix="setfit-"),  # its checkpoints, not the repository's
        ),
        train_dataset=Dataset.from_dict(
            {"text": [p.text for p in train], "label": [p.sentiment for p in train]}
        ),
    )
    started = time.perf_counter()
    trainer.train()
    seconds = time.perf_counter() - started
    for name, posts in (("validation", validation), ("test", test)):
        predicted = model.predict([p.text for p in posts])
        score = f1_score([p.sentiment for p in posts], list(predicted), average="macro")
        print(f"SetFit sentiment macro-F1 on {name}: {score:.3f}")
    print(
        f"training took {seconds:.0f} s (iterations={args.iterations}, max_steps={args.max_steps})"
    )


if __name__ == "__main__":
    main()
