"""Train the address model (``ingest.address_model``) on labeled posts.

Usage: python -m ingest.address_training [--data FILE.jsonl] [--output DIR] [--epochs N]

Each line of the data is ``{"text": ..., "addresses": ["exact substring", ...]}``;
posts with no address (``[]``) teach the model what is not one. The default
data is ``ingest/data/address_posts.jsonl`` and the default output the
packaged model folder, so running it with no arguments refreshes what ships.
A fixed 15% of the posts (by a hash of the text) is held out; the epoch with
the best span F1 on them is kept, and its figures are printed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
import tempfile
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from core.errors import InputError
from ingest.address_model import LABEL, packaged_model_dir

HELD_OUT_PERCENT = 15
SEED = 2026

# A small model: hashed embeddings of each token's norm, prefix, suffix and
# shape, a 4-layer CNN over them, and a transition-based NER on top. About 2 MB.
CONFIG = """
[nlp]
lang = "en"
pipeline = ["ner"]

[components]

[components.ner]
factory = "ner"

[components.ner.model]
@architectures = "spacy.TransitionBasedParser.v2"
state_type = "ner"
extra_state_tokens = false
hidden_width = 64
maxout_pieces = 2
use_upper = true

[components.ner.model.tok2vec]
@architectures = "spacy.HashEmbedCNN.v2"
pretrained_vectors = null
width = 96
depth = 4
embed_size = 2000
window_size = 1
maxout_pieces = 3
subword_features = true
"""


@dataclass(frozen=True)
class AddressPost:
    """A labeled post: its text and the character spans of its addresses."""

    text: str
    spans: tuple[tuple[int, int], ...]


def default_data_path() -> Path:
    """The project's labeled address posts."""
    return Path(str(files("ingest") / "data" / "address_posts.jsonl"))


def read_address_posts(path: Path) -> list[AddressPost]:
    """Labeled posts from ``path``, each address marked wherever its text occurs.

    Raises:
        InputError: A line is not JSON, lacks ``text`` or ``addresses``, or names
            an address its text does not contain (with the line number).
    """
    posts = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            text, addresses = row["text"], row["addresses"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(f"{path}:{number}: not a labeled address post ({exc})") from None
        spans = set()
        for address in addresses:
            found = [(m.start(), m.end()) for m in re.finditer(re.escape(address), text)]
            if not found:
                raise InputError(f"{path}:{number}: address {address!r} is not in the text")
            spans.update(found)
        posts.append(AddressPost(text, tuple(sorted(spans))))
    return posts


def held_out(post: AddressPost) -> bool:
    """Whether ``post`` belongs to the held-out share (fixed by a hash of its text)."""
    digest = hashlib.sha256(post.text.encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < HELD_OUT_PERCENT


def _example(nlp: Any, post: AddressPost) -> Any:
    from spacy.training import Example

    doc = nlp.make_doc(post.text)
    spans = [doc.char_span(s, e, label=LABEL, alignment_mode="expand") for s, e in post.spans]
    reference = doc.copy()
    reference.set_ents([span for span in spans if span is not None])
    return Example(doc, reference)


def span_scores(nlp: Any, posts: list[AddressPost]) -> dict[str, float]:
    """Exact-span precision, recall and F1 of ``nlp`` on ``posts``."""
    predicted = [
        {(ent.start_char, ent.end_char) for ent in doc.ents if ent.label_ == LABEL}
        for doc in nlp.pipe([post.text for post in posts])
    ]
    truth = [set(post.spans) for post in posts]
    hits = sum(len(p & t) for p, t in zip(predicted, truth, strict=True))
    n_pred, n_true = sum(map(len, predicted)), sum(map(len, truth))
    precision = hits / n_pred if n_pred else 0.0
    recall = hits / n_true if n_true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def train(posts: list[AddressPost], output: Path, epochs: int = 30) -> dict[str, float]:
    """Train on the posts not held out, keep the best epoch on the rest, save it to ``output``.

    Returns:
        The kept epoch's held-out span precision, recall and F1, and its number.
    """
    import spacy
    from spacy.util import minibatch
    from thinc.api import Adam

    random.seed(SEED)
    spacy.util.fix_random_seed(SEED)
    nlp = spacy.util.load_model_from_config(spacy.util.load_config_from_str(CONFIG), auto_fill=True)
    train_posts = [post for post in posts if not held_out(post)]
    test_posts = [post for post in posts if held_out(post)]
    examples = [_example(nlp, post) for post in train_posts]
    optimizer = Adam(0.001, L2=1e-6, grad_clip=1.0, use_averages=True)
    nlp.initialize(lambda: examples, sgd=optimizer)
    best: dict[str, float] = {"f1": -1.0}
    with tempfile.TemporaryDirectory() as scratch:
        kept = Path(scratch) / "best"
        for epoch in range(1, epochs + 1):
            random.shuffle(examples)
            for batch in minibatch(examples, size=16):
                nlp.update(batch, drop=0.2, sgd=optimizer)
            # The running averages of the weights, as spaCy's own training evaluates and saves.
            with nlp.use_params(optimizer.averages):
                scores = span_scores(nlp, test_posts)
                print(
                    f"epoch {epoch:2}: held-out precision {scores['precision']:.3f} "
                    f"recall {scores['recall']:.3f} F1 {scores['f1']:.3f}"
                )
                if scores["f1"] > best["f1"]:
                    best = {**scores, "epoch": float(epoch)}
                    nlp.to_disk(kept)
        if output.exists():
            shutil.rmtree(output)
        shutil.copytree(kept, output)
    return best


def main() -> None:
    """Train from the command line and print the kept epoch's held-out figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data_path())
    parser.add_argument("--output", type=Path, default=packaged_model_dir())
    parser.add_argument("--epochs", type=int, default=30)
    args = parser.parse_args()
    posts = read_address_posts(args.data)
    best = train(posts, args.output, args.epochs)
    print(
        f"kept epoch {int(best['epoch'])}: held-out precision {best['precision']:.3f} "
        f"recall {best['recall']:.3f} F1 {best['f1']:.3f}; saved to {args.output}"
    )


if __name__ == "__main__":
    main()
