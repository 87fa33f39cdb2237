"""What each route answers for the small organisation."""

from __future__ import annotations

import pytest

from models.taxonomy import TOPIC_IDS
from tests.api.conftest import WEEK


def test_trends_default_to_every_topic_over_the_twelve_weeks_up_to_the_newest_post(api) -> None:
    answer = api.get("/v1/trends", "people_ops").json()
    assert (answer["start"], answer["end"]) == ("2025-12-15", "2026-03-08")
    assert {c["topic"] for c in answer["cells"]} == {"*", *TOPIC_IDS}
    assert answer["privacy"] == {"k": 5, "protected_topics": {"collective_action": 10}}
    assert answer["as_of"] is not None


def test_a_shown_cell_carries_its_figures_and_interval(api) -> None:
    (cell,) = api.get("/v1/trends", "people_ops", topic="*", **WEEK).json()["cells"]
    assert (cell["posts"], cell["authors"], cell["negative"]) == (
        32,
        32,
        32,
    )  # 8 + 7 + 2 + 9 + 3 + 3
    assert cell["net_sentiment"] == -1.0 and cell["net_low"] < cell["net_high"]


def test_topics_name_the_protected_ones_and_their_k(api) -> None:
    topics = {t["id"]: t for t in api.get("/v1/topics", "people_ops").json()}
    assert set(topics) == set(TOPIC_IDS)
    assert (topics["collective_action"]["protected"], topics["collective_action"]["k"]) == (
        True,
        10,
    )
    assert (topics["workload"]["protected"], topics["workload"]["k"]) == (False, 5)


def test_themes_are_empty_until_discovery_runs(api) -> None:
    assert api.get("/v1/themes", "people_ops").json() == {"discovered_at": None, "themes": []}


def test_models_lists_the_champions_cards(api) -> None:
    cards = api.get("/v1/models", "people_ops").json()
    assert [c["kind"] for c in cards] == ["sentiment", "topics"]
    assert all("metrics" in c and "version" in c for c in cards)


@pytest.mark.parametrize(
    ("format", "media_type", "starts"),
    [
        ("html", "text/html", b"<!doctype html>"),
        ("pdf", "application/pdf", b"%PDF"),
        ("json", "application/json", b"{"),
        ("csv", "text/csv", b"section,period"),
    ],
)
def test_reports_come_in_each_format(api, format, media_type, starts) -> None:
    response = api.get("/v1/reports", "people_ops", format=format, weeks=2, end="2026-03-08")
    assert response.headers["content-type"].startswith(media_type)
    assert response.content[:20].lower().startswith(starts.lower())
    assert f"barometer-weekly-2026-03-08.{format}" in response.headers["content-disposition"]


def test_ready_once_the_cells_match_the_server_s_thresholds(api) -> None:
    assert api.get("/v1/ready").json() == {
        "ready": True,
        "schema_revision": "0005",
        "cells": "current",
        "detail": "Ready.",
    }


def test_the_openapi_docs_are_served(api) -> None:
    assert api.client.get("/docs").status_code == 200
    assert "/v1/trends" in api.client.get("/openapi.json").json()["paths"]


def test_a_store_with_no_guarded_figures_answers_503_saying_what_to_run(empty_api) -> None:
    response = empty_api.get("/v1/trends", "people_ops")
    assert (response.status_code, response.json()["detail"]) == (
        503,
        "No guarded figures yet; run `barometer score` first.",
    )


def test_a_malformed_parameter_is_reported_before_the_missing_figures(empty_api) -> None:
    assert empty_api.get("/v1/trends", "people_ops", period="hour").status_code == 422
