"""Slack exports: a zip of ``channel/YYYY-MM-DD.json`` files, one list of messages each.

Group and direct messages are exported in folders named after the people in
them (``mpdm-alice--bob-1``) or a DM id; those folders are reported as the
channel ``direct-messages`` and identified by a hash, so no name reaches the store.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from core.errors import InputError
from ingest.sources.base import RawRecord, Source

DAY_FILE = re.compile(r"^(?:.*/)?(?P<channel>[^/]+)/(?P<day>\d{4}-\d{2}-\d{2})\.json$")
DIRECT_MESSAGES = re.compile(r"^(?:mpdm-.+|D[A-Z0-9]{8,})$")
# <@U024BE7LH|alice>: the display name after the bar is dropped, the id stays for redaction.
MENTION_LABEL = re.compile(r"<@([A-Z0-9]+)\|[^>]*>")
MAX_MEMBER_BYTES = 256 * 2**20  # one channel-day; bigger members are quarantined, not loaded
# Messages that are not posts by a person: joins, topic changes, bot notices.
SKIPPED_SUBTYPES = {
    "channel_join", "channel_leave", "channel_topic", "channel_purpose", "channel_name",
    "channel_archive", "channel_unarchive", "bot_message", "pinned_item", "unpinned_item",
}  # fmt: skip
SLACK_METADATA = {
    "type", "subtype", "client_msg_id", "team", "user_team", "source_team", "user_profile",
    "blocks", "reactions", "replies", "reply_count", "reply_users", "reply_users_count",
    "latest_reply", "edited", "files", "attachments", "bot_id", "parent_user_id",
}  # fmt: skip


class SlackSource(Source):
    """Reads a Slack workspace export; each channel folder becomes the post's channel."""

    name = "slack"
    extensions = (".zip",)

    def read(self, path: Path) -> Iterator[RawRecord]:
        """Yield one record per human message, member by member in name order."""
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise InputError(
                f"{path.name!r} is not a readable zip archive ({type(exc).__name__})"
            ) from None
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


def channel_of(folder: str) -> tuple[str, str]:
    """(channel name to store, folder key for ids) for an export folder."""
    if DIRECT_MESSAGES.match(folder):
        return "direct-messages", "dm-" + hashlib.sha256(folder.encode()).hexdigest()[:12]
    return folder, folder


def _member_records(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[RawRecord]:
    found = DAY_FILE.match(info.filename)
    assert found is not None
    channel, key = channel_of(found["channel"])
    member = f"{key}/{found['day']}.json"
    if info.file_size > MAX_MEMBER_BYTES:
        yield RawRecord(0, None, "", f"archive member is over {MAX_MEMBER_BYTES:,} bytes", member)
        return
    try:
        messages = json.loads(archive.read(info).decode("utf-8"))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        yield RawRecord(0, None, "", f"archive member is unreadable ({type(exc).__name__})", member)
        return
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        yield RawRecord(
            0, None, "", f"archive member is not valid JSON ({type(exc).__name__})", member
        )
        return
    if not isinstance(messages, list):
        yield RawRecord(0, None, "", "archive member is not a list of messages", member)
        return
    for number, message in enumerate(messages, start=1):
        if not isinstance(message, dict):
            yield RawRecord(number, None, "", "expected a message object", member)
            continue
        if message.get("subtype") in SKIPPED_SUBTYPES:
            continue
        yield RawRecord(number, map_message(message, channel, key), member=member)


def map_message(message: dict[str, Any], channel: str, key: str | None = None) -> dict[str, Any]:
    """Map a Slack message onto Barometer's record fields; Slack's own metadata is dropped."""
    mapped = {
        k: v
        for k, v in message.items()
        if k not in SLACK_METADATA and k not in {"ts", "user", "thread_ts"}
    }
    ts = message.get("ts")
    mapped["source_id"] = f"{key or channel}/{ts}" if ts is not None else None
    mapped["created_at"] = ts
    mapped["channel"] = channel
    if isinstance(message.get("text"), str):
        mapped["text"] = MENTION_LABEL.sub(r"<@\1>", message["text"])
    if message.get("user") is not None:
        mapped["author_id"] = message["user"]
    if message.get("thread_ts") is not None:
        mapped["thread_id"] = message["thread_ts"]
    edited = message.get("edited")
    if isinstance(edited, dict) and edited.get("ts") is not None:
        mapped["updated_at"] = edited["ts"]
    return mapped
