"""Discourse exports: the posts JSON of the API (``latest_posts``, ``post_stream``) or a list.

The file is parsed as a stream (ijson), so its size does not bound memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from core.errors import InputError
from ingest.sources.base import RawRecord, Source, open_binary

QUOTE_ATTRIBUTION = re.compile(r'\[quote="[^"\]]*"\]')
POST_ARRAYS = ("item", "latest_posts.item", "post_stream.posts.item", "posts.item")


class DiscourseSource(Source):
    """Reads a Discourse posts export and maps its fields onto Barometer's record."""

    name = "discourse"
    extensions = (".discourse.json", ".json")

    def read(self, path: Path) -> Iterator[RawRecord]:
        """Yield one record per post; ``line`` is the post's ordinal in the file."""
        import ijson

        prefix = _posts_prefix(path)
        number = 0
        with open_binary(path) as handle:
            try:
                for post in ijson.items(handle, prefix, use_float=True):
                    number += 1
                    if not isinstance(post, dict):
                        yield RawRecord(number, None, repr(post)[:500], "expected a post object")
                        continue
                    yield RawRecord(number, map_post(post))
            except (ijson.JSONError, UnicodeDecodeError) as exc:
                yield RawRecord(
                    number + 1,
                    None,
                    "",
                    f"the file is not valid JSON after post {number} ({type(exc).__name__})",
                )


def _posts_prefix(path: Path) -> str:
    """Find where the array of posts lives, reading only the start of the file."""
    import ijson

    with open_binary(path) as handle:
        try:
            for prefix, event, _ in ijson.parse(handle):
                if event == "start_array" and f"{prefix}.item".lstrip(".") in POST_ARRAYS:
                    return f"{prefix}.item".lstrip(".")
        except (ijson.JSONError, UnicodeDecodeError) as exc:
            raise InputError(
                f"{path.name!r} is not a Discourse JSON export ({type(exc).__name__})"
            ) from None
    raise InputError(
        f"{path.name!r} has no posts array; expected a list of posts or an object with "
        "'latest_posts' or 'post_stream.posts'"
    )


def map_post(post: dict[str, Any]) -> dict[str, Any]:
    """Map a Discourse post onto Barometer's record fields (others are kept, then ignored)."""
    mapped = {key: value for key, value in post.items() if key not in {"raw", "cooked"}}
    mapped["source_id"] = post.get("id")
    if isinstance(post.get("raw"), str):
        # [quote="alice.smith, post:3, topic:12"] names the quoted author: keep the quote only.
        mapped["text"] = QUOTE_ATTRIBUTION.sub("[quote]", post["raw"])
    elif "raw" in post:
        mapped["text"] = post["raw"]
    elif isinstance(post.get("cooked"), str):
        mapped["text"] = html_to_text(post["cooked"])
    author = post.get("user_id", post.get("username"))
    if author is not None:
        mapped["author_id"] = author
    if post.get("topic_id") is not None:
        mapped["thread_id"] = post["topic_id"]
    channel = post.get("category_slug", post.get("category_id"))
    if channel is not None:
        mapped["channel"] = str(channel)
    for discourse_key in ("id", "user_id", "username", "topic_id", "category_slug", "category_id"):
        mapped.pop(discourse_key, None)
    return mapped


class _TextExtractor(HTMLParser):
    """Collects text, skipping quote titles: they name the quoted author."""

    SKIPPED = frozenset({"title", "quote-controls"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open: list[bool] = []  # per open element: is its text skipped?

    def handle_data(self, data: str) -> None:
        if not any(self.open):
            self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = set((dict(attrs).get("class") or "").split())
        if tag in {"p", "br", "li", "blockquote", "div"}:
            self.parts.append("\n")
        if tag not in {"br", "img", "hr", "input", "meta", "link"}:
            self.open.append(bool(classes & self.SKIPPED))

    def handle_endtag(self, tag: str) -> None:
        if tag not in {"br", "img", "hr", "input", "meta", "link"} and self.open:
            self.open.pop()


def html_to_text(html: str) -> str:
    """Plain text of Discourse's ``cooked`` HTML."""
    extractor = _TextExtractor()
    extractor.feed(html)
    return " ".join("".join(extractor.parts).split())
