"""The trained address model: its data, its training, and its place in the anonymizer."""

import json
from pathlib import Path

import pytest

from core.errors import ConfigError, InputError
from ingest.address_model import (
    load_address_model,
    looks_like_an_address,
    may_hold_an_address,
    packaged_model_dir,
)
from ingest.address_training import default_data_path, read_address_posts, train
from ingest.anonymize import Anonymizer, AnonymizerConfig


def write_posts(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_an_address_is_marked_wherever_its_text_occurs(tmp_path: Path) -> None:
    text = "from 5 Elm Rd to 9 Oak Rd, then back to 5 Elm Rd"
    path = write_posts(
        tmp_path / "a.jsonl", [{"text": text, "addresses": ["5 Elm Rd", "9 Oak Rd"]}]
    )

    (post,) = read_address_posts(path)

    assert [text[s:e] for s, e in post.spans] == ["5 Elm Rd", "9 Oak Rd", "5 Elm Rd"]


def test_an_address_missing_from_its_text_is_an_error_with_the_line(tmp_path: Path) -> None:
    path = write_posts(
        tmp_path / "a.jsonl",
        [{"text": "no address", "addresses": []}, {"text": "at 5 Elm", "addresses": ["5 Elm Rd"]}],
    )

    with pytest.raises(InputError, match=r"a\.jsonl:2: address '5 Elm Rd' is not in the text"):
        read_address_posts(path)


def test_the_shipped_training_data_reads_cleanly() -> None:
    posts = read_address_posts(default_data_path())

    assert len(posts) >= 1000
    assert sum(1 for post in posts if not post.spans) >= 300  # posts that teach what is not one


@pytest.mark.parametrize(
    "text", ["meet me at 14 Acacia Road", "Apartment 1904, Marina Heights", "Blk 3 #08-12"]
)
def test_posts_with_a_number_that_may_be_an_address_are_read_by_the_model(text: str) -> None:
    assert may_hold_an_address(text)


@pytest.mark.parametrize(
    "text",
    [
        "meet me at the usual place",
        "standup at 10:30, 2pm if not",
        "v2.1 in Q3 for L5s",
        "90 mins, 3 days",
    ],
)
def test_posts_whose_numbers_are_times_versions_or_counts_are_not(text: str) -> None:
    assert not may_hold_an_address(text)


@pytest.mark.parametrize("span", ["+49 30 5555 7712", "Tag der Deutschen Einheit"])
def test_a_span_without_both_a_digit_and_a_letter_is_not_an_address(span: str) -> None:
    assert not looks_like_an_address(span)


@pytest.mark.parametrize(
    "span",
    [
        "Thursday 14 Nov, 10:00 CET",  # a date and a time
        "Should the Hanoi dev centre adopt the 4-day week pilot",  # a count of days
        "~4k req/s. Miguel Ángel Torres",  # a rate
        "10.77.3.142 every 30 s.",  # an IP address and a count of seconds
    ],
)
def test_a_span_whose_numbers_are_dates_times_counts_or_ips_is_not_an_address(span: str) -> None:
    assert not looks_like_an_address(span)


@pytest.mark.parametrize(
    "span",
    [
        "2 Wellington Place, Leeds LS1 4AP",
        "233 S Wacker Dr, Chicago, IL 60606",
        "12 May Street, Hobart",
        "Flat 3, 10 Downing St",
    ],
)
def test_a_span_with_a_house_number_or_postcode_looks_like_an_address(span: str) -> None:
    assert looks_like_an_address(span)


def test_training_keeps_its_best_epoch_as_a_loadable_model(tmp_path: Path) -> None:
    streets = ["Acacia Road", "Birch Lane", "Cedar Street", "Dove Close", "Elm Avenue"]
    rows = [
        {
            "text": f"parcel to {n} {streets[n % 5]}, Leeds pls",
            "addresses": [f"{n} {streets[n % 5]}, Leeds"],
        }
        for n in range(10, 50)
    ] + [{"text": f"standup moved to {n}:30 in room {n}", "addresses": []} for n in range(1, 21)]
    posts = read_address_posts(write_posts(tmp_path / "a.jsonl", rows))

    best = train(posts, tmp_path / "model", epochs=2)

    assert best["epoch"] in (1.0, 2.0)
    assert 0.0 <= best["f1"] <= 1.0
    assert "ADDRESS" in load_address_model(tmp_path / "model").get_pipe("ner").labels


def test_a_folder_that_is_not_an_address_model_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="address_model"):
        load_address_model(tmp_path)


def test_the_packaged_model_finds_a_street_address() -> None:
    nlp = load_address_model(packaged_model_dir())

    doc = nlp("Courier pls: Flat 9, 63 Thornbury Crescent, Ipswich IP4 2QT, ring twice")

    assert [ent.text for ent in doc.ents] == ["Flat 9, 63 Thornbury Crescent, Ipswich IP4 2QT"]


def test_the_anonymizer_can_run_on_the_address_patterns_alone() -> None:
    anonymizer = Anonymizer(AnonymizerConfig(address_model=""))

    assert anonymizer._address_model_path() is None


@pytest.mark.parametrize(
    ("text", "patterns_alone"),
    [
        (
            "new flat is Lijnbaansgracht 318, 2e verdieping, so bring snacks",
            "new flat is <ADDRESS>, 2e verdieping, so bring snacks",
        ),
        (
            "Courier to KN 14 Ave 22, Kiyovu, Kigali before Friday",
            "Courier to KN <ADDRESS> before Friday",
        ),
        ("Parcel to Villa 12, Street 27b, Al Safa 1, Dubai pls", None),
    ],
)
def test_the_model_removes_whole_addresses_the_patterns_only_part_remove(
    anonymizer, text: str, patterns_alone: str | None
) -> None:
    redacted = anonymizer.redact(text)

    assert redacted.count("<ADDRESS>") == 1
    assert not any(word in redacted for word in ("verdieping", "Kiyovu", "Safa"))
    if patterns_alone is not None:
        assert Anonymizer(AnonymizerConfig(address_model="")).redact(text) == patterns_alone
