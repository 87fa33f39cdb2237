"""The events planted in the demo forum, and the weekly topic mix they bend.

Later stages are tested against these: trends must show each event in the
week it was planted, and discovery must find the theme the taxonomy lacks.
"""

from __future__ import annotations

from dataclasses import dataclass

TOPICS = (
    "reassignment",
    "surveillance",
    "job_security",
    "ai_strategy",
    "data_work",
    "leadership_trust",
    "workload",
    "compensation",
    "career_growth",
    "collective_action",
    "remote_work",
    "wellbeing",
)
NEW_THEME = "badge_system"  # not in the taxonomy: discovery must find it

# Everyday share of posts per topic ("none" is small talk).
BASE_MIX = {
    "none": 0.16,
    "workload": 0.10,
    "compensation": 0.08,
    "career_growth": 0.08,
    "remote_work": 0.08,
    "ai_strategy": 0.08,
    "data_work": 0.08,
    "leadership_trust": 0.07,
    "wellbeing": 0.06,
    "reassignment": 0.05,
    "surveillance": 0.04,
    "job_security": 0.05,
    "collective_action": 0.02,
}
# Everyday sentiment per topic: (negative, neutral, positive).
BASE_SENTIMENT = (0.42, 0.33, 0.25)


@dataclass(frozen=True)
class Event:
    """A planted event: from ``week`` on, ``topic`` gets extra posts in a given mood.

    Attributes:
        name: Identifier recorded in the metadata.
        topic: Topic (or the new theme) the event is about.
        week: 0-based week of the 26 in which it starts.
        extra_share: Share of that week's posts added about the topic.
        sentiment: (negative, neutral, positive) of the added posts.
        decay: Weekly factor by which the extra posts fade afterwards.
        divisions: Divisions whose people write the added posts (None: everyone).
    """

    name: str
    topic: str
    week: int
    extra_share: float
    sentiment: tuple[float, float, float]
    decay: float
    divisions: tuple[str, ...] | None = None
    description: str = ""


EVENTS = (
    Event(
        "reassignment_drive",
        "reassignment",
        5,
        0.22,
        (0.78, 0.15, 0.07),
        0.45,
        ("eng", "research", "data"),
        "engineers drafted into the labeling organisation",
    ),
    Event(
        "tracking_tool_rollout",
        "surveillance",
        9,
        0.25,
        (0.82, 0.13, 0.05),
        0.5,
        None,
        "a productivity-tracking agent installed on every laptop",
    ),
    Event(
        "layoff_round",
        "job_security",
        14,
        0.30,
        (0.85, 0.12, 0.03),
        0.45,
        None,
        "a round of layoffs announced at an all-hands",
    ),
    Event(
        "petition",
        "collective_action",
        17,
        0.20,
        (0.30, 0.25, 0.45),
        0.5,
        None,
        "a petition and flyers about the tracking tool and the layoffs",
    ),
    Event(
        "badge_system_change",
        NEW_THEME,
        20,
        0.16,
        (0.65, 0.25, 0.10),
        0.8,
        None,
        "new door badges and turnstiles that log entry and exit",
    ),
)


def extra_shares(week: int) -> dict[Event, float]:
    """Extra share of posts each event adds in ``week`` (fading after it starts)."""
    return {
        event: event.extra_share * event.decay ** (week - event.week)
        for event in EVENTS
        if week >= event.week and event.extra_share * event.decay ** (week - event.week) > 0.01
    }
