"""Generate the demo forum: a JSONL export plus metadata naming the planted events.

Posts are assembled from sentence banks written for the project
(``cli/demo/phrases``), one topic and mood per post, sometimes two topics, with
openers, closers, typos and personal data for the anonymizer to remove. The
same seed gives the same file.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from cli.demo.events import BASE_MIX, BASE_SENTIMENT, EVENTS, NEW_THEME, extra_shares
from cli.demo.organisation import CHANNELS, Person, leaf_units, make_people

START = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday; the demo spans 26 weeks from here
WEEKS = 26
SENTIMENTS = ("negative", "neutral", "positive")
TOPIC_CHANNEL = {
    "remote_work": "rto-and-office",
    "compensation": "comp-and-benefits",
    "wellbeing": "wellbeing",
    "data_work": "labeling-ops",
    "leadership_trust": "leadership-ama",
    NEW_THEME: "rto-and-office",
}
MALFORMED = (
    {"source_id": None, "text": "missing id", "created_at": "2026-03-03T10:00:00Z"},
    {"text": "   ", "created_at": "2026-03-04T10:00:00Z"},
    {"text": "posted on a date that does not exist", "created_at": "2026-02-30T10:00:00Z"},
    {"text": 42, "created_at": "2026-03-05T10:00:00Z"},
)


@dataclass(frozen=True)
class DemoSpec:
    """How big the demo organisation is.

    Attributes:
        seed: Random seed; the same seed gives the same forum.
        people: Number of authors.
        posts_per_week: Everyday volume before events add to it.
        weeks: Length of the history.
    """

    seed: int = 7
    people: int = 1_800
    posts_per_week: int = 820
    weeks: int = WEEKS


def load_phrases() -> dict[str, Any]:
    """The sentence banks, merged from every file in ``cli/demo/phrases``."""
    merged: dict[str, Any] = {}
    for entry in resources.files("cli.demo").joinpath("phrases").iterdir():
        if entry.name.endswith(".json"):
            merged.update(json.loads(entry.read_text(encoding="utf-8")))
    return merged


class _Writer:
    """Assembles posts from the sentence banks, filling personal-data placeholders."""

    def __init__(self, rng: random.Random, phrases: dict[str, Any]) -> None:
        from faker import Faker

        self.rng = rng
        self.phrases = phrases
        self.fake = Faker(["en_US", "en_GB", "en_IN", "es_MX", "fr_FR", "de_DE", "yo_NG"])
        self.fake.seed_instance(rng.randrange(2**32))

    def post(self, topic: str, sentiment: str, second_topic: str | None) -> str:
        bank = self.phrases[topic][sentiment]
        count = self.rng.choices((1, 2, 3), weights=(0.2, 0.5, 0.3))[0]
        sentences = self.rng.sample(bank, count)
        if second_topic:
            sentences.append(self.rng.choice(self.phrases[second_topic][sentiment]))
        parts = []
        if self.rng.random() < 0.4:
            parts.append(self.rng.choice(self.phrases["openers"]))
        parts.extend(sentences)
        if self.rng.random() < 0.30:
            parts.append(self.rng.choice(self.phrases["closers"]))
        text = " ".join(parts)
        if self.rng.random() < 0.15:
            text = text.lower()
        if self.rng.random() < 0.10:
            text = self._typo(text)
        return self._fill(text)

    def _typo(self, text: str) -> str:
        words = text.split(" ")
        index = self.rng.randrange(len(words))
        word = words[index]
        if len(word) > 3:
            cut = self.rng.randrange(1, len(word) - 1)
            words[index] = word[:cut] + word[cut + 1] + word[cut] + word[cut + 2 :]
        return " ".join(words)

    def _fill(self, text: str) -> str:
        fake = self.fake
        values = {
            "{name}": fake.first_name,
            "{fullname}": fake.name,
            "{email}": lambda: (
                f"{fake.first_name().lower()}.{fake.last_name().lower()}@corp.example"
            ),
            "{phone}": lambda: f"+1 415-555-{self.rng.randrange(100, 199):04d}",
            "{handle}": lambda: "@" + fake.user_name(),
        }
        for placeholder, make in values.items():
            while placeholder in text:
                text = text.replace(placeholder, make(), 1)
        return text


def generate(out_dir: Path, spec: DemoSpec = DemoSpec()) -> dict[str, Any]:
    """Write ``forum.jsonl`` and ``metadata.json`` into ``out_dir``.

    Args:
        out_dir: Folder to write into (created if missing).
        spec: Size and seed.

    Returns:
        The metadata: counts, the unit tree, and every planted event with its week.
    """
    rng = random.Random(spec.seed)
    writer = _Writer(rng, load_phrases())
    people = make_people(rng, spec.people)
    activity = [person.activity for person in people]
    by_division: dict[str, list[Person]] = {}
    for person in people:
        by_division.setdefault(person.org_unit.split("/")[0], []).append(person)
    out_dir.mkdir(parents=True, exist_ok=True)
    posts = 0
    with (out_dir / "forum.jsonl").open("w", encoding="utf-8") as out:
        for week in range(spec.weeks):
            for topic, sentiment_mix, authors in _week_plan(rng, week, spec, people, by_division):
                person = rng.choices(authors, weights=activity if authors is people else None)[0]
                sentiment = rng.choices(SENTIMENTS, weights=sentiment_mix)[0]
                second = rng.choice(list(BASE_MIX)[1:]) if rng.random() < 0.10 else None
                if second == topic:
                    second = None
                created = START + timedelta(weeks=week, seconds=rng.randrange(7 * 86_400))
                record = {
                    "source_id": f"demo-{posts:07d}",
                    "text": writer.post(topic, sentiment, second),
                    "created_at": created.isoformat().replace("+00:00", "Z"),
                    "author_id": person.author_id,
                    "org_unit": person.org_unit,
                    "channel": TOPIC_CHANNEL.get(topic)
                    if rng.random() < 0.5
                    else rng.choices(list(CHANNELS), weights=list(CHANNELS.values()))[0],
                    "thread_id": f"t{rng.randrange(spec.weeks * 400):05d}",
                }
                out.write(json.dumps(record) + "\n")
                posts += 1
                if rng.random() < 0.004:  # a double post: same author, day and text
                    out.write(json.dumps({**record, "source_id": f"demo-{posts:07d}"}) + "\n")
                    posts += 1
        for number, bad in enumerate(MALFORMED):
            out.write(json.dumps({"source_id": f"demo-bad-{number}", **bad}) + "\n")
        out.write('{"source_id": "demo-truncated", "text": "the export was cut off he\n')
    metadata = {
        "seed": spec.seed,
        "start": START.date().isoformat(),
        "weeks": spec.weeks,
        "posts": posts,
        "malformed_records": len(MALFORMED) + 1,
        "people": len(people),
        "org_units": leaf_units(),
        "events": [
            {
                **asdict(event),
                "week_start": (START + timedelta(weeks=event.week)).date().isoformat(),
            }
            for event in EVENTS
        ],
        "new_theme": NEW_THEME,
    }
    (out_dir / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    return metadata


def _week_plan(
    rng: random.Random,
    week: int,
    spec: DemoSpec,
    people: list[Person],
    by_division: dict[str, list[Person]],
) -> list[tuple[str, tuple[float, ...], list[Person]]]:
    """(topic, sentiment mix, who may write it) for every post of one week."""
    volume = int(spec.posts_per_week * rng.uniform(0.93, 1.07))
    topics = rng.choices(list(BASE_MIX), weights=list(BASE_MIX.values()), k=volume)
    plan = [(topic, BASE_SENTIMENT, people) for topic in topics]
    for event, share in extra_shares(week).items():
        authors = (
            people
            if event.divisions is None
            else [person for division in event.divisions for person in by_division[division]]
        )
        plan += [(event.topic, event.sentiment, authors)] * int(spec.posts_per_week * share)
    rng.shuffle(plan)
    return plan
