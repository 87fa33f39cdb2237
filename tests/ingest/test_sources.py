import json
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from core.errors import InputError
from ingest.sources import get_source, source_for

POST = {"source_id": "p1", "text": "hello there", "created_at": "2026-03-02T10:00:00Z"}


def read_all(path: Path, fmt: str | None = None) -> list:
    return list(source_for(path, fmt).read(path))


def test_jsonl_numbers_records_by_line_and_skips_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    path.write_text(json.dumps(POST) + "\n\n" + json.dumps({**POST, "source_id": "p2"}) + "\n")
    assert [(r.line, r.data["source_id"]) for r in read_all(path)] == [(1, "p1"), (3, "p2")]


def test_jsonl_reports_a_truncated_last_line(tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    path.write_text(json.dumps(POST) + '\n{"source_id": "p2", "text": "cut')
    records = read_all(path)
    assert records[1].data is None
    assert records[1].line == 2
    assert "ends in the middle of this line" in records[1].error


def test_jsonl_reports_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    path.write_bytes(b'{"source_id": "p1", "text": "caf\xe9"}\n')
    [record] = read_all(path)
    assert "not valid UTF-8" in record.error


def test_jsonl_reports_a_line_that_is_not_an_object(tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    path.write_text("[1, 2]\n")
    assert "expected a JSON object, got list" in read_all(path)[0].error


def test_csv_reads_rows_and_treats_empty_cells_as_absent(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_text('source_id,text,created_at,org_unit\np1,"hi, all",2026-03-02,\n')
    [record] = read_all(path)
    assert record.data == {"source_id": "p1", "text": "hi, all", "created_at": "2026-03-02"}


def test_csv_reports_a_row_with_a_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_text("source_id,text,created_at\np1,hello\np2,fine,2026-03-02\n")
    first, second = read_all(path)
    assert first.error == "row has 2 columns but the header has 3"
    assert (first.line, second.line) == (2, 3)


def test_csv_without_a_text_column_yields_records_that_fail_validation(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_text("source_id,created_at\np1,2026-03-02\n")
    [record] = read_all(path)
    assert "text" not in record.data


def test_csv_reports_a_row_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_bytes(b"source_id,text,created_at\np1,caf\xe9,2026-03-02\np2,ok,2026-03-02\n")
    first, second = read_all(path)
    assert first.error == "row is not valid UTF-8"
    assert second.data["text"] == "ok"


def test_csv_numbers_a_multiline_row_by_its_first_line(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_text('source_id,text,created_at\np1,"two\nlines",2026-03-02\np2,x,2026-03-02\n')
    assert [r.line for r in read_all(path)] == [2, 4]


def test_parquet_reads_rows_in_order(tmp_path: Path) -> None:
    path = tmp_path / "posts.parquet"
    pq.write_table(pa.Table.from_pylist([POST, {**POST, "source_id": "p2"}]), path)
    assert [(r.line, r.data["source_id"]) for r in read_all(path)] == [(1, "p1"), (2, "p2")]


def test_parquet_that_is_not_parquet_cannot_be_read(tmp_path: Path) -> None:
    path = tmp_path / "posts.parquet"
    path.write_bytes(b"definitely not parquet")
    with pytest.raises(InputError, match="is not a readable Parquet file"):
        read_all(path)


def test_discourse_maps_posts_and_strips_html(tmp_path: Path) -> None:
    path = tmp_path / "posts.json"
    path.write_text(
        json.dumps(
            {
                "latest_posts": [
                    {
                        "id": 7,
                        "username": "dkim",
                        "cooked": "<p>Hello <b>team</b></p>",
                        "topic_id": 3,
                        "category_slug": "general",
                        "created_at": "2026-03-02T10:00:00Z",
                        "name": "D Kim",
                    }
                ]
            }
        )
    )
    [record] = read_all(path)
    assert record.data["source_id"] == 7
    assert record.data["text"] == "Hello team"
    assert (record.data["author_id"], record.data["thread_id"], record.data["channel"]) == (
        "dkim",
        3,
        "general",
    )


def test_discourse_accepts_a_plain_list_of_posts(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps([{"id": 1, "raw": "hi", "created_at": "2026-03-02"}]))
    assert read_all(path, "discourse")[0].data["text"] == "hi"


def test_discourse_reports_a_truncated_file_after_the_posts_it_read(tmp_path: Path) -> None:
    path = tmp_path / "posts.json"
    path.write_text('[{"id": 1, "raw": "hi", "created_at": "2026-03-02"}, {"id": 2, "raw": "cu')
    records = read_all(path)
    assert records[0].data["text"] == "hi"
    assert "not valid JSON after post 1" in records[1].error


def test_discourse_file_without_posts_cannot_be_read(tmp_path: Path) -> None:
    path = tmp_path / "posts.json"
    path.write_text('{"users": []}')
    with pytest.raises(InputError, match="has no posts array"):
        read_all(path)


def slack_zip(path: Path, members: dict[str, object]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("users.json", "[]")
        for name, messages in members.items():
            archive.writestr(name, json.dumps(messages))


def test_slack_reads_messages_with_channel_and_thread(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    slack_zip(
        path,
        {
            "general/2026-03-02.json": [
                {
                    "type": "message",
                    "user": "U1",
                    "text": "hi",
                    "ts": "1772445600.000100",
                    "thread_ts": "1772445000.000001",
                },
                {
                    "type": "message",
                    "subtype": "channel_join",
                    "user": "U2",
                    "text": "joined",
                    "ts": "1772445601.0",
                },
            ]
        },
    )
    [record] = read_all(path)
    assert record.member == "general/2026-03-02.json"
    assert record.data["source_id"] == "general/1772445600.000100"
    assert (record.data["channel"], record.data["author_id"]) == ("general", "U1")


def test_slack_reports_a_broken_member_and_reads_the_others(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    good = [{"type": "message", "user": "U1", "text": "fine", "ts": "1772445600.0"}]
    slack_zip(path, {"a/2026-03-02.json": good, "b/2026-03-02.json": good})
    data = bytearray(path.read_bytes())
    at = data.index(b'"fine"', data.index(b"b/2026-03-02.json"))
    data[at + 1 : at + 5] = b"FINE"  # corrupt member b: its CRC no longer matches
    path.write_bytes(bytes(data))
    first, second = read_all(path)
    assert first.data["text"] == "fine"
    assert second.member == "b/2026-03-02.json"
    assert "unreadable" in second.error


def test_slack_reports_a_member_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("general/2026-03-02.json", "{not json")
    [record] = read_all(path)
    assert "not valid JSON" in record.error


def test_a_file_that_is_not_a_zip_cannot_be_read_as_slack(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    path.write_text("plain text")
    with pytest.raises(InputError, match="is not a readable zip archive"):
        read_all(path)


def test_a_missing_file_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        source_for(tmp_path / "nope.jsonl")


def test_an_unknown_extension_asks_for_a_format(tmp_path: Path) -> None:
    path = tmp_path / "posts.xml"
    path.write_text("<posts/>")
    with pytest.raises(InputError, match="pass --format"):
        source_for(path)


def test_an_unknown_format_lists_the_valid_ones() -> None:
    with pytest.raises(InputError, match="choose one of csv, discourse, jsonl, parquet, slack"):
        get_source("xml")


def test_format_option_overrides_the_extension(tmp_path: Path) -> None:
    path = tmp_path / "posts.txt"
    path.write_text(json.dumps(POST) + "\n")
    assert read_all(path, "jsonl")[0].data["source_id"] == "p1"
