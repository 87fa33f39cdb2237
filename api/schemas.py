"""Response and request models. An aggregate model carries only guarded cells.

``CellOut`` refuses to hold figures when it is marked suppressed, so a
suppressed cell can only ever leave the API as its place and its reason.
Nothing here has a field for a post's text, a post id or an author.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

FIGURES = (
    "posts",
    "authors",
    "negative",
    "neutral",
    "positive",
    "mean_score",
    "net_sentiment",
    "net_low",
    "net_high",
    "share",
)


def _utc(moment: datetime) -> datetime:
    """The store keeps naive UTC; an answer says so, as RFC 3339's date-time must."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


UtcDateTime = Annotated[datetime, AfterValidator(_utc)]


class Problem(BaseModel):
    """What was wrong with a request, in one sentence."""

    detail: str


class CellOut(BaseModel):
    """One cell: shown with its figures, or suppressed with its reason and no figures."""

    model_config = ConfigDict(from_attributes=True)

    period: date = Field(description="The first day of the period.")
    topic: str = Field(description="A topic id, or '*' for every post.")
    org_unit: str | None = Field(description="The unit (and its children); null: everyone.")
    direct: bool = Field(description="Only the unit's own posts, not its children's.")
    channel: str | None = Field(description="One channel; null: every channel.")
    suppressed: bool
    reason: str | None = Field(None, description="Why the cell is suppressed.")
    posts: int | None = None
    authors: int | None = None
    negative: int | None = None
    neutral: int | None = None
    positive: int | None = None
    mean_score: float | None = None
    net_sentiment: float | None = Field(None, description="(positive - negative) / posts.")
    net_low: float | None = Field(None, description="Wilson 95% interval, low end.")
    net_high: float | None = Field(None, description="Wilson 95% interval, high end.")
    share: float | None = Field(None, description="Of all posts of the same group and period.")

    @model_validator(mode="after")
    def _no_figures_when_suppressed(self) -> CellOut:
        if self.suppressed and any(getattr(self, name) is not None for name in FIGURES):
            raise ValueError("a suppressed cell carries no figures")
        return self


class PrivacyOut(BaseModel):
    """The thresholds every cell was guarded with."""

    k: int = Field(description="The fewest distinct authors a shown cell describes.")
    protected_topics: dict[str, int] = Field(description="Topic id -> its own, higher k.")


class CellsOut(BaseModel):
    """Guarded cells for a range of periods."""

    period: Literal["day", "week", "month"]
    start: date = Field(description="The first day of the first period.")
    end: date = Field(description="The last day of the last period.")
    as_of: UtcDateTime | None = Field(description="When the stored cells last changed (UTC).")
    privacy: PrivacyOut
    suppressed: dict[str, int] = Field(description="Suppressed cells per reason.")
    cells: list[CellOut]


class TopicOut(BaseModel):
    """A topic of the taxonomy."""

    id: str
    description: str
    protected: bool = Field(description="Never broken down; its own, higher k (P3).")
    k: int


class AlertOut(BaseModel):
    """A week-over-week move beyond chance, for the whole organisation."""

    topic: str
    week: date
    metric: Literal["net_sentiment", "share"]
    previous: float
    current: float
    change: float
    previous_interval: tuple[float, float]
    current_interval: tuple[float, float]
    previous_authors: int
    current_authors: int


class AlertsOut(BaseModel):
    """The alerts of a range of weeks."""

    start: date
    end: date
    as_of: UtcDateTime | None
    alerts: list[AlertOut]


class ThemeOut(BaseModel):
    """A theme discovery found, reported only when it spans at least k authors."""

    id: str
    keywords: list[str]
    authors: int
    nearest_topic: str | None


class ThemesOut(BaseModel):
    """Discovered themes; empty until discovery has run."""

    discovered_at: UtcDateTime | None
    themes: list[ThemeOut]


class ModelCardOut(BaseModel):
    """A champion model's card: where it came from and how it scored on the test split."""

    kind: Literal["sentiment", "topics"]
    version: str
    created_at: UtcDateTime
    encoder: str
    code_version: str
    metrics: dict[str, Any]


class HealthOut(BaseModel):
    """The process answers."""

    status: Literal["ok"]


class ReadyOut(BaseModel):
    """Whether the service can answer, and if not, why."""

    ready: bool
    schema_revision: str | None
    cells: Literal["current", "stale", "missing"] = Field(
        description="current: guarded for the configured thresholds and the champions; "
        "stale: guarded for others (run `barometer refresh`); missing: never built."
    )
    detail: str


class PostsIn(BaseModel):
    """Up to 1,000 forum records, validated one by one like a file's records."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(min_length=1, max_length=64, description="The forum the records come from.")
    records: list[Any] = Field(
        min_length=1,
        max_length=1_000,
        description="Objects with source_id, text, created_at and optionally author_id, "
        "org_unit, channel, thread_id, updated_at.",
    )


class PostOutcomeOut(BaseModel):
    """What became of one record."""

    index: int = Field(description="The record's position in the request, from 0.")
    source_id: str | None
    status: Literal["stored", "updated", "duplicate", "quarantined"]
    field: str | None = Field(None, description="For a quarantined record: the field at fault.")
    reason: str | None = Field(None, description="For a quarantined record: why.")


class PostsOut(BaseModel):
    """The batch's counts and each record's outcome."""

    batch_id: int
    read: int
    stored: int
    updated: int
    duplicates: int
    quarantined: int
    records: list[PostOutcomeOut]


class AuditEntryOut(BaseModel):
    """One audited request."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    at: UtcDateTime
    key_id: int | None
    role: str | None
    method: str
    route: str
    parameters: dict[str, Any]
    status: int
    cells_returned: int
    cells_suppressed: int


class AuditOut(BaseModel):
    """A page of the audit log, oldest first; pass ``next_after_id`` for the next page."""

    entries: list[AuditEntryOut]
    next_after_id: int | None
