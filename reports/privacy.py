"""The thresholds the guard applies, from settings."""

from __future__ import annotations

import json
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Privacy:
    """The thresholds the guard applies (from settings).

    Attributes:
        k: The fewest distinct authors a shown cell may describe.
        protected: Topic id -> its own, higher k; never broken down (P3).
        comment_k: The fewest authors a cell needs before a report quotes its posts (P4).
    """

    k: int = 5
    protected: dict[str, int] = field(default_factory=lambda: {"collective_action": 10})
    comment_k: int = 10

    def k_for(self, topic: str) -> int:
        """The k of ``topic``."""
        return self.protected.get(topic, self.k)

    def fingerprint(self) -> str:
        """What the guard's decisions depend on, as stable JSON (stored with the guarded cells)."""
        return json.dumps({"k": self.k, "protected": self.protected}, sort_keys=True)
