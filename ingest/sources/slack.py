"""Slack exports: a zip of ``channel/YYYY-MM-DD.json`` files, one list of messages each."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from core.errors import InputError
from ingest.sources.base import RawRecord, Source

DAY_FILE = re.compile(r"^(?:.*/)?(?P<channel>[^/]+)/(?P<day>\d{4}-\d{2}-\d{2})\.json$")
# Messages that are not posts by a person: joins, topic changes, bot notices.
SKIPPED_SUBTYPES = {
    "channel_join",
    "channel_leave",
    "channel_topic",
    "channel_purpose",
    "channel_name",
    "channel_archive",
    "channel_unarchive",
    "bot_message",
    "pinned_item",
    "unpinned_item",
}


class SlackSource(Source):
    """Reads a Slack workspace export; each channel folder becomes the post's channel."""

    name = "slack"
    extensions = (".zip",)

    def read(self, path: Path) -> Iterator[RawRecord]:
        """Yield one record per human message, member by member in name order."""
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise InputError(f"{path.name!r} is not a readable zip archive: {exc}") from None
        with archive:
            members = sorted(
                (info for info in archive.infolist() if DAY_FILE.match(info.filename)),
                key=lambda info: info.filename,
            )
            if not members and archive.namelist():
                raise InputError(
                    f"{path.name!r} holds no channel/YYYY-MM-DD.json files; is it a Slack export?"
                )
            for info in members:
                yield from _member_records(archive, info)


def _member_records(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[RawRecord]:
    channel = DAY_FILE.match(info.filename)["channel"]  # type: ignore[index]
    try:
        messages = json.loads(archive.read(info).decode("utf-8"))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        yield RawRecord(0, None, "", f"archive member is unreadable: {exc}", info.filename)
        return
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        yield RawRecord(0, None, "", f"archive member is not valid JSON: {exc}", info.filename)
        return
    if not isinstance(messages, list):
        yield RawRecord(0, None, "", "archive member is not a list of messages", info.filename)
        return
    for number, message in enumerate(messages, start=1):
        if not isinstance(message, dict):
            yield RawRecord(
                number, None, repr(message)[:500], "expected a message object", info.filename
            )
            continue
        if message.get("subtype") in SKIPPED_SUBTYPES:
            continue
        yield RawRecord(number, map_message(message, channel), member=info.filename)


def map_message(message: dict[str, Any], channel: str) -> dict[str, Any]:
    """Map a Slack message onto Barometer's record fields."""
    mapped = {
        key: value for key, value in message.items() if key not in {"ts", "user", "thread_ts"}
    }
    ts = message.get("ts")
    mapped["source_id"] = f"{channel}/{ts}" if ts is not None else None
    mapped["created_at"] = ts
    mapped["channel"] = channel
    if message.get("user") is not None:
        mapped["author_id"] = message["user"]
    if message.get("thread_ts") is not None:
        mapped["thread_id"] = message["thread_ts"]
    for slack_key in (
        "type",
        "subtype",
        "client_msg_id",
        "team",
        "user_team",
        "source_team",
        "user_profile",
        "blocks",
        "reactions",
        "replies",
        "reply_count",
        "reply_users",
        "reply_users_count",
        "latest_reply",
        "edited",
        "files",
    ):
        mapped.pop(slack_key, None)
    return mapped
