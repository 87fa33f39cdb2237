"""The demo organisation's shape: a three-level unit tree, its people, its channels."""

from __future__ import annotations

import random
from dataclasses import dataclass

# division -> department -> teams. Leaf teams are where people sit.
TREE: dict[str, dict[str, list[str]]] = {
    "eng": {
        "infra": ["storage", "network", "sre"],
        "platform": ["api", "devtools", "mlops"],
        "apps": ["web", "mobile"],
    },
    "research": {
        "models": ["pretraining", "eval"],
        "applied": ["agents", "vision"],
    },
    "data": {
        "labeling": ["annotation", "rlhf", "quality"],
        "analytics": ["bi", "experimentation"],
    },
    "product": {
        "design": ["ux", "brand"],
        "pm": ["core", "growth"],
    },
    "gtm": {
        "sales": ["enterprise", "smb"],
        "support": ["tier1", "tier2"],
    },
    "people": {
        "hr": ["recruiting", "hrbp"],
        "workplace": ["facilities", "security-desk"],
    },
}
# Teams kept deliberately tiny, so the org-unit roll-up (P5) has work to do.
TINY_TEAMS = {
    "research/applied/vision": 3,
    "people/workplace/security-desk": 2,
    "product/design/brand": 4,
}

CHANNELS = {
    "general": 0.30,
    "ask-people-ops": 0.12,
    "eng-chat": 0.14,
    "random": 0.10,
    "labeling-ops": 0.08,
    "rto-and-office": 0.08,
    "comp-and-benefits": 0.08,
    "leadership-ama": 0.06,
    "wellbeing": 0.04,
}


@dataclass(frozen=True)
class Person:
    """A demo employee: a raw id (pseudonymised at ingest) and a home team."""

    author_id: str
    org_unit: str
    activity: float  # relative posting rate


def leaf_units() -> list[str]:
    """Every team path, ``division/department/team``."""
    return [
        f"{d}/{dep}/{team}"
        for d, deps in TREE.items()
        for dep, teams in deps.items()
        for team in teams
    ]


def make_people(rng: random.Random, total: int) -> list[Person]:
    """``total`` people spread over the teams, with a few tiny teams and uneven activity.

    Args:
        rng: The demo's seeded random source.
        total: Number of people.

    Returns:
        The people, each with an id like ``u004512`` and a home team.
    """
    leaves = leaf_units()
    sized = [unit for unit in leaves if unit not in TINY_TEAMS]
    weights = [rng.uniform(0.5, 2.0) for _ in sized]
    homes = [unit for unit, size in TINY_TEAMS.items() for _ in range(size)]
    homes += rng.choices(sized, weights=weights, k=total - len(homes))
    ids = rng.sample(range(100_000, 999_999), total)
    return [Person(f"u{ids[i]}", home, rng.paretovariate(1.6)) for i, home in enumerate(homes)]
