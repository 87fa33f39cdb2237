"""Quoted excerpts for the HTML report, only where rule P4 allows them.

An excerpt is quoted only for an alert's topic and week, only when that cell
has at least ``comment_k`` authors, never for a protected topic, and only
from stored text, which was redacted at ingest. At most one post per author
is quoted, cut to a short excerpt, so no excerpt stands for one person's
thread.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, select

from core.tables import post_topics, posts, sentiment_predictions
from reports.alerts import Alert
from reports.privacy import Privacy
from reports.query import Cell
from reports.rollup import Champions

MAX_CHARS = 200


def excerpts(
    engine: Engine,
    champions: Champions,
    privacy: Privacy,
    alerts: list[Alert],
    trends: list[Cell],
    per_alert: int = 2,
) -> dict[tuple[str, str], list[str]]:
    """(topic, week ISO date) -> up to ``per_alert`` redacted excerpts, for alerts P4 allows."""
    authors = {
        (c.topic, c.period): c.authors or 0
        for c in trends
        if c.org_unit is None and c.channel is None and not c.suppressed
    }
    quoted: dict[tuple[str, str], list[str]] = {}
    for alert in alerts:
        key = (alert.topic, alert.week.isoformat())
        if key in quoted or alert.topic in privacy.protected or alert.topic == "*":
            continue
        if authors.get((alert.topic, alert.week), 0) < privacy.comment_k:
            continue
        mood = "negative" if alert.metric == "net_sentiment" and alert.change < 0 else None
        mood = "positive" if alert.metric == "net_sentiment" and alert.change > 0 else mood
        quoted[key] = _pick(engine, champions, alert, mood, per_alert)
    return quoted


def _pick(
    engine: Engine, champions: Champions, alert: Alert, mood: str | None, limit: int
) -> list[str]:
    query = (
        select(posts.c.author, posts.c.text)
        .join(post_topics, post_topics.c.post_id == posts.c.id)
        .join(sentiment_predictions, sentiment_predictions.c.post_id == posts.c.id)
        .where(
            post_topics.c.model_version_id == champions.topics_version_id,
            post_topics.c.topic == alert.topic,
            sentiment_predictions.c.model_version_id == champions.sentiment_version_id,
            posts.c.created_at >= alert.week,
            posts.c.created_at < alert.week + timedelta(days=7),
        )
        .order_by(post_topics.c.probability.desc(), posts.c.id)
        .limit(50)
    )
    if mood is not None:
        query = query.where(sentiment_predictions.c.label == mood)
    chosen: list[str] = []
    seen: set[str] = set()
    with engine.connect() as connection:
        for author, text in connection.execute(query):
            excerpt = _cut(text)
            if author in seen or any(_alike(excerpt, other) for other in chosen):
                continue
            seen.add(author)
            chosen.append(excerpt)
            if len(chosen) == limit:
                break
    return chosen


def _alike(first: str, second: str) -> bool:
    """Two excerpts that say mostly the same thing (forum posts quote each other)."""
    from difflib import SequenceMatcher

    return SequenceMatcher(None, first, second).ratio() > 0.5


def _cut(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= MAX_CHARS:
        return text
    return text[:MAX_CHARS].rsplit(" ", 1)[0] + " …"
