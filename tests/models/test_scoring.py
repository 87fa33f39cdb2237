"""Scoring stored posts: every post once per champion, resumable, idempotent."""

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.tables import post_topics, posts, sentiment_predictions, topic_predictions
from ingest.pipeline import ingest_file
from models.champions import load_scorer
from models.registry import Registry
from models.scoring import RayOptions, count_unscored, score_posts
from tests.ingest.helpers import post, write_jsonl

TEXTS = [
    "They installed a screen recorder on our laptops without asking.",
    "Thank you for the bonus, genuinely appreciated!",
    "Is the all-hands moved to Thursday?",
    "Another round of layoffs and leadership says nothing.",
]


@pytest.fixture
def ingest(engine, anonymizer, pseudonymize, tmp_path: Path):
    def run(name: str, rows: list) -> None:
        ingest_file(
            write_jsonl(tmp_path / name, rows),
            engine=engine,
            redactor=anonymizer,
            pseudonymize=pseudonymize,
            min_group_size=5,
        )

    return run


@pytest.fixture
def stored(engine, ingest):
    ingest("posts.jsonl", [post(i, text=f"{TEXTS[i % 4]} ({i})") for i in range(24)])
    return engine


@pytest.fixture
def scorer(stored, tmp_path: Path, encoder):
    return load_scorer(stored, tmp_path / "models", encoder.inner)


def _count(engine, table) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def test_every_post_gets_one_prediction_per_champion(stored, scorer) -> None:
    result = score_posts(stored, scorer, batch_size=5)
    assert (result.pending, result.scored) == (24, 24)
    assert _count(stored, sentiment_predictions) == _count(stored, topic_predictions) == 24
    with stored.connect() as connection:
        labels = dict(
            connection.execute(
                select(posts.c.text, sentiment_predictions.c.label).join(
                    sentiment_predictions, sentiment_predictions.c.post_id == posts.c.id
                )
            ).all()
        )
        topics = connection.execute(select(post_topics.c.topic).distinct()).scalars().all()
    assert labels[f"{TEXTS[1]} (1)"] == "positive"
    assert "surveillance" in topics


def test_a_second_run_finds_nothing_to_do(stored, scorer) -> None:
    score_posts(stored, scorer)
    assert score_posts(stored, scorer).scored == 0
    assert _count(stored, sentiment_predictions) == 24


def test_a_run_killed_part_way_resumes_without_duplicates(stored, scorer) -> None:
    class Killed(Exception):
        pass

    def die_after_first_batch(_: int) -> None:
        raise Killed

    with pytest.raises(Killed):
        score_posts(stored, scorer, batch_size=10, progress=die_after_first_batch)
    assert count_unscored(stored, scorer) == 14
    assert score_posts(stored, scorer, batch_size=10).scored == 14
    assert _count(stored, sentiment_predictions) == 24


def test_a_new_champion_is_scored_beside_the_old_predictions(
    stored, scorer, tmp_path: Path, fitted_sentiment
) -> None:
    score_posts(stored, scorer)
    with stored.connect() as connection:
        before = connection.execute(select(sentiment_predictions)).all()
    registry = Registry(stored, tmp_path / "models")
    fitted_sentiment.save(registry.folder("sentiment", "v2"))
    registry.register("sentiment", "v2", {}, "test", "test")
    registry.promote("sentiment", "v2")
    new_scorer = load_scorer(stored, tmp_path / "models", scorer.encoder.inner)
    assert score_posts(stored, new_scorer).scored == 24
    with stored.connect() as connection:
        old_rows = connection.execute(
            select(sentiment_predictions).where(
                sentiment_predictions.c.model_version_id == scorer.sentiment_version_id
            )
        ).all()
    assert old_rows == before
    assert _count(stored, sentiment_predictions) == 48


def test_topic_scores_hold_every_topic(stored, scorer) -> None:
    score_posts(stored, scorer)
    with stored.connect() as connection:
        scores = json.loads(connection.execute(select(topic_predictions.c.topic_scores)).first()[0])
    assert len(scores) == 12 and all(0.0 <= p <= 1.0 for p in scores.values())


def test_an_edited_post_is_scored_again(stored, scorer, ingest) -> None:
    score_posts(stored, scorer)
    edited = post(
        1,
        text="They cut the bonus and I am furious, this is a disgrace.",
        updated_at="2026-04-01T00:00:00Z",
    )
    ingest("edit.jsonl", [edited])
    assert count_unscored(stored, scorer) == 1
    score_posts(stored, scorer)
    with stored.connect() as connection:
        label = connection.execute(
            select(sentiment_predictions.c.label)
            .join(posts, posts.c.id == sentiment_predictions.c.post_id)
            .where(posts.c.source_id == "p1")
        ).scalar_one()
    assert label == "negative"


def _stored_predictions(engine) -> tuple[list, list, list]:
    with engine.connect() as connection:
        return (
            connection.execute(
                select(
                    sentiment_predictions.c.post_id,
                    sentiment_predictions.c.label,
                    sentiment_predictions.c.score,
                ).order_by(sentiment_predictions.c.post_id)
            ).all(),
            [
                (post_id, json.loads(scores))
                for post_id, scores in connection.execute(
                    select(topic_predictions.c.post_id, topic_predictions.c.topic_scores).order_by(
                        topic_predictions.c.post_id
                    )
                )
            ],
            connection.execute(
                select(
                    post_topics.c.post_id, post_topics.c.topic, post_topics.c.probability
                ).order_by(post_topics.c.post_id, post_topics.c.topic)
            ).all(),
        )


def _delete_predictions(engine) -> None:
    with engine.begin() as connection:
        for table in (post_topics, topic_predictions, sentiment_predictions):
            connection.execute(table.delete())


@pytest.fixture(scope="module")
def local_ray():
    """Ray on this machine (the ``ray`` extra, which ``make test`` installs), shut down after."""
    import ray

    yield ray
    ray.shutdown()


def test_the_ray_engine_stores_the_rows_the_local_engine_stores(stored, scorer, local_ray) -> None:
    score_posts(stored, scorer, batch_size=5)
    local = _stored_predictions(stored)
    _delete_predictions(stored)
    options = RayOptions(workers=2, readers=3)
    result = score_posts(stored, scorer, batch_size=5, run_engine="ray", ray_options=options)
    assert (result.pending, result.scored) == (24, 24)
    _assert_same_predictions(_stored_predictions(stored), local)


def _assert_same_predictions(ray: tuple[list, list, list], local: tuple[list, list, list]) -> None:
    """Same posts, labels and topics; probabilities equal up to float rounding.

    A Ray worker's ONNX Runtime may run with another thread count, which sums
    in another order and can move the sixth decimal.
    """
    (ray_sentiment, ray_scores, ray_topics), (sentiment, scores, topics) = ray, local
    assert [row[:2] for row in ray_sentiment] == [row[:2] for row in sentiment]
    assert [s for *_, s in ray_sentiment] == pytest.approx([s for *_, s in sentiment], abs=1e-5)
    assert [i for i, _ in ray_scores] == [i for i, _ in scores]
    for (_, ray_topic_scores), (_, topic_scores) in zip(ray_scores, scores, strict=True):
        assert ray_topic_scores == pytest.approx(topic_scores, abs=1e-5)
    assert [row[:2] for row in ray_topics] == [row[:2] for row in topics]


def test_a_second_ray_run_finds_nothing_to_do(stored, scorer, local_ray) -> None:
    options = RayOptions(workers=2, readers=2)
    score_posts(stored, scorer, batch_size=10, run_engine="ray", ray_options=options)
    assert score_posts(stored, scorer, run_engine="ray", ray_options=options).scored == 0
    assert _count(stored, sentiment_predictions) == 24
