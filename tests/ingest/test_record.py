from datetime import date, datetime

import pytest

from ingest.record import MAX_TEXT_CHARS, parse_timestamp, validate_record

GOOD = {"source_id": "p1", "text": "hello", "created_at": "2026-03-02T10:00:00Z"}


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        # no text at all
        ({"text": None}, "text", "expected a string, got a value of type NoneType"),
        # whitespace only
        ({"text": "  \n\t "}, "text", "empty after trimming"),
        # longer than the limit
        ({"text": "x" * (MAX_TEXT_CHARS + 1)}, "text", "20,001 characters, at most 20,000"),
        # a number where text belongs
        ({"text": 42}, "text", "expected a string, got a value of type int"),
        # a list where text belongs
        ({"text": ["a"]}, "text", "expected a string, got a value of type list"),
        # a date that does not exist
        ({"created_at": "2026-02-30T10:00:00Z"}, "created_at", "expected ISO 8601"),
        # free text instead of a date
        ({"created_at": "yesterday"}, "created_at", "expected ISO 8601"),
        # epoch milliseconds mistaken for seconds
        ({"created_at": 1772445600000}, "created_at", "milliseconds must be divided by 1000"),
        # a date in the future
        ({"created_at": "2999-01-01"}, "created_at", "in the future"),
        # a date before any forum existed
        ({"created_at": "1900-01-01"}, "created_at", "before 1990"),
        # a boolean id
        ({"source_id": True}, "source_id", "expected a string or an integer"),
        # a malformed org unit
        ({"org_unit": "eng//infra!!"}, "org_unit", "expected a path like 'eng/infra/storage'"),
        # an org unit of the wrong type
        ({"org_unit": 7}, "org_unit", "expected a path"),
        # an org unit longer than the column
        ({"org_unit": "/".join(["a" * 40] * 7)}, "org_unit", "255 characters in all"),
        # a thread id longer than the column
        ({"thread_id": "t" * 129}, "thread_id", "at most 128 characters"),
        # a NUL byte, which PostgreSQL cannot store
        ({"text": "hello\x00world"}, "text", "NUL or an unpaired surrogate"),
        # a lone surrogate, which UTF-8 cannot encode
        ({"text": "hello \ud800"}, "text", "NUL or an unpaired surrogate"),
        # an empty id
        ({"source_id": "  "}, "source_id", "got an empty value"),
        # a float id
        ({"source_id": 1.5}, "source_id", "got a value of type float"),
    ],
)
def test_rejects_bad_records_naming_field_and_reason(change, field, reason) -> None:
    record, rejection, _ = validate_record({**GOOD, **change})
    assert record is None
    assert rejection.field == field
    assert reason in rejection.reason


@pytest.mark.parametrize(
    "change",
    [
        {"created_at": "alice@corp.example"},  # an email where a date belongs
        {"org_unit": "Alice Smith's team!"},  # a name where a unit belongs
        {"source_id": {"email": "alice@corp.example"}},  # an object where an id belongs
    ],
)
def test_reasons_never_repeat_the_value_they_reject(change) -> None:
    _, rejection, _ = validate_record({**GOOD, **change})
    assert "alice" not in rejection.reason.lower()


def test_measures_text_length_after_trimming() -> None:
    record, _, _ = validate_record({**GOOD, "text": "x" * MAX_TEXT_CHARS + "\n"})
    assert record is not None


@pytest.mark.parametrize("missing", ["source_id", "text", "created_at"])
def test_rejects_a_record_missing_a_required_field(missing: str) -> None:
    data = {key: value for key, value in GOOD.items() if key != missing}
    _, rejection, _ = validate_record(data)
    assert rejection.field == missing
    assert rejection.reason == f"required field {missing!r} is missing"


def test_rejects_a_value_that_is_not_an_object() -> None:
    _, rejection, _ = validate_record(["not", "an", "object"])
    assert rejection.reason == "expected an object, got list"


def test_counts_unknown_fields_and_ignores_them() -> None:
    record, _, unknown = validate_record({**GOOD, "likes": 3, "avatar": "x.png"})
    assert unknown == 2
    assert not hasattr(record, "likes")


def test_normalises_org_unit_paths() -> None:
    record, _, _ = validate_record({**GOOD, "org_unit": " /Eng/Infra/Storage/ "})
    assert record.org_unit == "eng/infra/storage"


def test_accepts_integer_ids() -> None:
    record, _, _ = validate_record({**GOOD, "source_id": 123, "author_id": 456})
    assert (record.source_id, record.author_id) == ("123", "456")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # ISO with an offset becomes UTC
        ("2026-03-02T12:00:00+02:00", datetime(2026, 3, 2, 10, 0)),
        # Z suffix
        ("2026-03-02T10:00:00Z", datetime(2026, 3, 2, 10, 0)),
        # no offset is taken as UTC
        ("2026-03-02 10:00:00", datetime(2026, 3, 2, 10, 0)),
        # a bare date
        ("2026-03-02", datetime(2026, 3, 2)),
        # epoch seconds, as a number and as text
        (1772445600, datetime(2026, 3, 2, 10, 0)),
        ("1772445600.0", datetime(2026, 3, 2, 10, 0)),
        # ISO 8601 basic format, which looks like a number
        ("20260302", datetime(2026, 3, 2)),
        # a date without a time, as Parquet's date32 columns give
        (date(2026, 3, 2), datetime(2026, 3, 2)),
    ],
)
def test_parses_timestamps_to_naive_utc(value, expected) -> None:
    assert parse_timestamp(value) == expected
