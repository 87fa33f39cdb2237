"""End-to-end fine-tuning of the encoder against the shipped frozen-encoder heads.

Fine-tunes all-MiniLM-L6-v2 with a sentiment head and a topic head (cross
entropy, class-weighted; binary cross entropy) on the train split, then
reports sentiment macro-F1 and topic micro-F1 on the validation split and,
evaluation only, the external checks of ``bench/external_eval.py``. It is an
experiment for the model card's choice, not part of ``barometer train``.

Usage: HF_HUB_OFFLINE=1 python bench/finetune_compare.py [--epochs 3]
       [--bench ../shared/bench]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import torch
from sklearn.metrics import f1_score
from transformers import AutoModel, AutoTokenizer

from models.dataset import project_posts, split_of
from models.encoder import packaged_model_path
from models.taxonomy import SENTIMENTS, TOPIC_IDS


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument(
        "--bench", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "bench"
    )
    args = parser.parse_args()
    torch.manual_seed(0)
    random.seed(0)
    source = str(packaged_model_path())
    tokenizer = AutoTokenizer.from_pretrained(source)
    encoder = AutoModel.from_pretrained(source)
    posts = project_posts()
    train = [p for p in posts if split_of(p.id) == "train"]
    validation = [p for p in posts if split_of(p.id) == "validation"]
    sentiment_head = torch.nn.Linear(384, len(SENTIMENTS))
    topic_head = torch.nn.Linear(384, len(TOPIC_IDS))
    heads = list(sentiment_head.parameters()) + list(topic_head.parameters())
    optimizer = torch.optim.AdamW(
        [{"params": encoder.parameters(), "lr": 4e-5}, {"params": heads, "lr": 1e-3}]
    )
    steps = args.epochs * -(-len(train) // 32)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: max(0.0, 1 - s / steps))
    weights = torch.tensor(
        [1 / np.mean([p.sentiment == s for p in train]) for s in SENTIMENTS], dtype=torch.float
    )
    weights /= weights.mean()

    def embed(texts: list[str]) -> torch.Tensor:
        tokens = tokenizer(
            texts, padding=True, truncation=True, max_length=128, return_tensors="pt"
        )
        hidden = encoder(**tokens).last_hidden_state
        mask = tokens["attention_mask"].unsqueeze(-1).float()
        return (hidden * mask).sum(1) / mask.sum(1)

    started = time.perf_counter()
    for _ in range(args.epochs):
        random.shuffle(train)
        encoder.train()
        for start in range(0, len(train), 32):
            batch = train[start : start + 32]
            vectors = embed([p.text for p in batch])
            sentiment = torch.tensor([SENTIMENTS.index(p.sentiment) for p in batch])
            topics = torch.tensor(
                [[t in p.topics for t in TOPIC_IDS] for p in batch], dtype=torch.float
            )
            loss = torch.nn.functional.cross_entropy(
                sentiment_head(vectors), sentiment, weight=weights
            ) + torch.nn.functional.binary_cross_entropy_with_logits(topic_head(vectors), topics)
            loss.backward()
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
    print(f"fine-tuning: {args.epochs} epochs in {time.perf_counter() - started:.0f} s")
    encoder.eval()

    @torch.no_grad()
    def predict(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        sentiment, topics = [], []
        for start in range(0, len(texts), 128):
            vectors = embed(texts[start : start + 128])
            sentiment.append(torch.softmax(sentiment_head(vectors), 1))
            topics.append(torch.sigmoid(topic_head(vectors)))
        return torch.cat(sentiment).numpy(), torch.cat(topics).numpy()

    sentiment, topics = predict([p.text for p in validation])
    truth = [SENTIMENTS.index(p.sentiment) for p in validation]
    print(
        f"validation sentiment macro-F1 {f1_score(truth, sentiment.argmax(1), average='macro'):.3f}"
    )
    labels = np.array([[t in p.topics for t in TOPIC_IDS] for p in validation]).astype(int)
    print(f"validation topic micro-F1 {f1_score(labels, topics >= 0.5, average='micro'):.3f}")
    reviews = [
        json.loads(line)
        for line in (args.bench / "employee_reviews" / "test.jsonl").open()
        if not json.loads(line)["suspect_label"]
    ]
    predicted = predict([r["text"] for r in reviews])[0].argmax(1)
    accuracy = np.mean(
        [r["label"] == SENTIMENTS[i] for r, i in zip(reviews, predicted, strict=True)]
    )
    print(f"employee reviews accuracy {accuracy:.3f}")
    tweets = [
        json.loads(line) for line in (args.bench / "tweeteval_sentiment" / "test.jsonl").open()
    ]
    predicted = predict([t["text"] for t in tweets])[0].argmax(1)
    recall = np.mean(
        [
            np.mean(
                [
                    SENTIMENTS[predicted[i]] == label
                    for i, t in enumerate(tweets)
                    if t["label"] == label
                ]
            )
            for label in SENTIMENTS
        ]
    )
    print(f"TweetEval macro-recall {recall:.3f}")


if __name__ == "__main__":
    main()
