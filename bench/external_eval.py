"""External checks, evaluation only: TweetEval sentiment and employee reviews, against VADER.

Reads ../shared/bench (never copied into the project, never trained on) and
prints, for the champion sentiment model and for VADER (compound >= 0.05
positive, <= -0.05 negative, else neutral):
- TweetEval test: macro-recall over the three classes (the benchmark's metric);
- employee reviews test, rows not flagged suspect_label: accuracy, where a
  neutral prediction counts as wrong (every row is positive or negative).

Usage: HF_HUB_OFFLINE=1 python bench/external_eval.py [--bench ../shared/bench]
       [--backend torch|onnx|onnx-int8] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from models.encoder import Encoder
from models.registry import load_model
from models.taxonomy import SENTIMENTS

CHAMPION = Path(__file__).resolve().parents[1] / "models" / "champion" / "sentiment"


def read(path: Path, limit: int | None) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return rows[:limit] if limit else rows


def macro_recall(truth: list[str], predicted: list[str]) -> float:
    recalls = []
    for label in SENTIMENTS:
        idx = [i for i, t in enumerate(truth) if t == label]
        recalls.append(np.mean([predicted[i] == label for i in idx]) if idx else 0.0)
    return float(np.mean(recalls))


def accuracy(truth: list[str], predicted: list[str]) -> float:
    return float(np.mean([t == p for t, p in zip(truth, predicted, strict=True)]))


def vader(texts: list[str]) -> list[str]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    labels = []
    for text in texts:
        compound = analyzer.polarity_scores(text)["compound"]
        labels.append(
            "positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral"
        )
    return labels


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--bench", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "bench"
    )
    parser.add_argument("--backend", default="torch")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    tweets = read(args.bench / "tweeteval_sentiment" / "test.jsonl", args.limit)
    reviews = [
        row
        for row in read(args.bench / "employee_reviews" / "test.jsonl", args.limit)
        if not row.get("suspect_label")
    ]
    with tempfile.TemporaryDirectory() as cache:
        model = load_model(CHAMPION, Encoder(backend=args.backend, cache_dir=Path(cache)))
        started = time.perf_counter()
        tweet_predictions = model.predict([r["text"] for r in tweets])
        review_predictions = model.predict([r["text"] for r in reviews])
        seconds = time.perf_counter() - started
    print(
        f"champion {json.loads((CHAMPION / 'card.json').read_text())['version']} ({args.backend}), "
        f"{len(tweets) + len(reviews):,} texts in {seconds:.0f} s"
    )
    print("| model | TweetEval test macro-recall | employee reviews accuracy |")
    print("|---|---:|---:|")
    truth_t, truth_r = [r["label"] for r in tweets], [r["label"] for r in reviews]
    print(
        f"| Barometer champion | {macro_recall(truth_t, tweet_predictions):.3f} | "
        f"{accuracy(truth_r, review_predictions):.3f} |"
    )
    print(
        f"| VADER | {macro_recall(truth_t, vader([r['text'] for r in tweets])):.3f} | "
        f"{accuracy(truth_r, vader([r['text'] for r in reviews])):.3f} |"
    )
    print(
        f"(TweetEval: {len(tweets):,} tweets; employee reviews: {len(reviews):,} rows not suspect)"
    )


if __name__ == "__main__":
    main()
