"""The project's labeled posts (``models/data/posts.jsonl``) and their fixed split.

Each post goes to train, validation or test by a keyed hash of its id, so the
split never changes when posts are added: a post once in the test split stays
there, and a model is never evaluated on a post an earlier version trained on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from core.errors import InputError
from models.taxonomy import SENTIMENTS, TOPICS

SPLIT_SEED = "barometer-split-2026"
# Shares of the posts in each split, by hash bucket out of 100.
SPLITS = (("train", 70), ("validation", 15), ("test", 15))


@dataclass(frozen=True)
class LabeledPost:
    """One labeled post. ``sentiment`` or ``topics`` is None when that label is absent."""

    id: str
    text: str
    sentiment: str | None = None
    topics: tuple[str, ...] | None = field(default=None)


def split_of(post_id: str, seed: str = SPLIT_SEED) -> str:
    """The split (``train``, ``validation`` or ``test``) a post id belongs to."""
    digest = hashlib.sha256(f"{seed}:{post_id}".encode()).digest()
    bucket = int.from_bytes(digest[:8], "big") % 100
    for name, share in SPLITS:
        if bucket < share:
            return name
        bucket -= share
    raise AssertionError("the split shares add up to 100")


def read_labeled(path: Path) -> list[LabeledPost]:
    """Read a labeled JSONL file: ``text`` and ``sentiment`` and/or ``topics`` per line.

    Args:
        path: The file. ``id`` is optional (the line number stands in).

    Raises:
        InputError: A line is not JSON, has no text, or carries an unknown label;
            the message names the line.
    """
    posts = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read labeled data {path}: {exc}") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        posts.append(_parse(line, number, path))
    if not posts:
        raise InputError(f"{path} holds no labeled posts")
    return posts


def write_labeled(posts: list[LabeledPost], path: Path) -> Path:
    """Write ``posts`` as labeled JSONL that ``read_labeled`` reads back; returns ``path``.

    For handing a subset of the posts to ``barometer train --data`` or ``evaluate``.
    """
    path.write_text(
        "".join(
            json.dumps({"id": p.id, "text": p.text, "sentiment": p.sentiment, "topics": p.topics})
            + "\n"
            for p in posts
        ),
        encoding="utf-8",
    )
    return path


def _parse(line: str, number: int, path: Path) -> LabeledPost:
    where = f"{path.name} line {number}"
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where} is not JSON ({exc.msg})") from None
    if not isinstance(row, dict) or not isinstance(row.get("text"), str) or not row["text"]:
        raise InputError(f"{where} has no 'text' string")
    sentiment = row.get("sentiment")
    if sentiment is not None and sentiment not in SENTIMENTS:
        raise InputError(f"{where}: sentiment must be one of {', '.join(SENTIMENTS)}")
    topics = row.get("topics")
    if topics is not None:
        unknown = [t for t in topics if t not in TOPICS] if isinstance(topics, list) else topics
        if unknown:
            raise InputError(f"{where}: topics must be a list of {', '.join(TOPICS)}")
        topics = tuple(topics)
    if sentiment is None and topics is None:
        raise InputError(f"{where} has neither 'sentiment' nor 'topics'")
    return LabeledPost(str(row.get("id", number)), row["text"], sentiment, topics)


def project_posts() -> list[LabeledPost]:
    """Every labeled post shipped with Barometer."""
    source = resources.files("models.data").joinpath("posts.jsonl")
    with resources.as_file(source) as path:
        return read_labeled(path)


def project_split(name: str) -> list[LabeledPost]:
    """The shipped posts in split ``name`` (``train``, ``validation`` or ``test``)."""
    if name not in dict(SPLITS):
        raise InputError(f"split must be one of {', '.join(dict(SPLITS))}, got {name!r}")
    return [post for post in project_posts() if split_of(post.id) == name]
