"""The store's tables (SQLAlchemy Core), shared by every stage and by the migrations.

Times are stored as naive UTC datetimes on both SQLite and PostgreSQL. Author
columns hold keyed pseudonyms (16 hex characters), never a raw id.
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
Id = BigInteger().with_variant(Integer(), "sqlite")

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ingest_batches = Table(
    "ingest_batches",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("source", String(64), nullable=False),
    Column("file_name", String(255), nullable=False),
    Column("format", String(32), nullable=False),
    Column("status", String(16), nullable=False),  # running | done | failed
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("read", Integer, nullable=False, default=0),
    Column("stored", Integer, nullable=False, default=0),
    Column("updated", Integer, nullable=False, default=0),
    Column("duplicates", Integer, nullable=False, default=0),
    Column("quarantined", Integer, nullable=False, default=0),
    Column("unknown_fields", Integer, nullable=False, default=0),
    Column("error", Text),
)

posts = Table(
    "posts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("source", String(64), nullable=False),
    Column("source_id", String(255), nullable=False),
    Column("batch_id", Id, ForeignKey("ingest_batches.id"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("author", String(16)),
    Column("declared_org_unit", String(255)),
    # The unit reports use: declared_org_unit rolled up until it has k authors (P5).
    Column("org_unit", String(255)),
    Column("channel", String(128)),
    Column("thread_id", String(128)),
    Column("text", Text, nullable=False),
    Column("content_hash", String(32), nullable=False),
    # Same author, same day, same text: stored once. NULL when the author is unknown.
    Column("dedup_key", String(32)),
    # The source's edit time (Slack edited.ts, Discourse updated_at): newer edits replace.
    Column("source_version", DateTime),
    Column("ingested_at", DateTime, nullable=False),
    UniqueConstraint("source", "source_id", name="uq_posts_source_source_id"),
    UniqueConstraint("dedup_key", name="uq_posts_dedup_key"),
    Index("ix_posts_created_at", "created_at"),
    Index("ix_posts_org_unit", "org_unit"),
    Index("ix_posts_declared_org_unit_author", "declared_org_unit", "author"),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("batch_id", Id, ForeignKey("ingest_batches.id"), nullable=False),
    Column("source", String(64), nullable=False),
    Column("line", Integer),
    Column("member", String(255)),  # the archive member, for zipped exports
    Column("field", String(64)),
    Column("reason", Text, nullable=False),
    Column("record", Text, nullable=False),  # after redaction, never the raw record
    Column("record_hash", String(32), nullable=False),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("source", "record_hash", name="uq_quarantine_source_record_hash"),
)

org_units = Table(
    "org_units",
    metadata,
    Column("path", String(255), primary_key=True),
    Column("parent", String(255)),
    Column("depth", Integer, nullable=False),
    Column("authors", Integer, nullable=False),  # distinct authors in the unit and its children
    Column("reported_as", String(255)),  # the unit its posts are reported under (P5)
)

# Closure of the org tree: one row per unit and each of its ancestors, itself and
# the whole organisation ("") included, so reports count a unit's whole subtree
# with one join. Rewritten with org_units after every ingest.
org_unit_ancestors = Table(
    "org_unit_ancestors",
    metadata,
    Column("unit", String(255), primary_key=True),
    Column("ancestor", String(255), primary_key=True),
)

model_versions = Table(
    "model_versions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),  # sentiment | topics
    Column("version", String(64), nullable=False),
    Column("path", String(255), nullable=False),  # the version's folder, relative to model_dir
    Column("status", String(16), nullable=False),  # candidate | champion | retired
    Column("created_at", DateTime, nullable=False),
    Column("promoted_at", DateTime),
    Column("encoder", String(255), nullable=False),
    Column("code_version", String(64), nullable=False),
    Column("metrics", Text, nullable=False),  # JSON: the test-split metrics of the model card
    UniqueConstraint("kind", "version", name="uq_model_versions_kind_version"),
)

sentiment_predictions = Table(
    "sentiment_predictions",
    metadata,
    Column("post_id", Id, ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("model_version_id", Id, ForeignKey("model_versions.id"), primary_key=True),
    Column("label", String(8), nullable=False),  # negative | neutral | positive
    Column("score", Float, nullable=False),  # P(positive) - P(negative), in [-1, 1]
    Column("scored_at", DateTime, nullable=False),
    Index("ix_sentiment_predictions_model_version_id", "model_version_id"),
)

topic_predictions = Table(
    "topic_predictions",
    metadata,
    Column("post_id", Id, ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("model_version_id", Id, ForeignKey("model_versions.id"), primary_key=True),
    Column("topic_scores", Text, nullable=False),  # JSON: topic id -> probability
    Column("scored_at", DateTime, nullable=False),
    Index("ix_topic_predictions_model_version_id", "model_version_id"),
)

# One row per topic a post was assigned (its probability reached the topic's threshold),
# so reports can count posts per topic in SQL.
post_topics = Table(
    "post_topics",
    metadata,
    Column("post_id", Id, ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("model_version_id", Id, ForeignKey("model_versions.id"), primary_key=True),
    Column("topic", String(32), primary_key=True),
    Column("probability", Float, nullable=False),
    Index("ix_post_topics_model_version_id_topic", "model_version_id", "topic"),
)

# The report rollup (reports.rollup): per day, topic ("*" for every post),
# reported org unit ("" for none) and channel ("" for none), the additive figures
# of the champions' predictions and the set of the authors who posted, as a
# serialized Roaring bitmap of author numbers. Distinct authors do not add up;
# their sets do, so any week, month, subtree or channel is one union away.
report_rollup = Table(
    "report_rollup",
    metadata,
    Column("day", Date, primary_key=True),
    Column("topic", String(32), primary_key=True),
    Column("org_unit", String(255), primary_key=True),
    Column("channel", String(128), primary_key=True),
    Column("posts", Integer, nullable=False),
    Column("negative", Integer, nullable=False),
    Column("neutral", Integer, nullable=False),
    Column("positive", Integer, nullable=False),
    Column("score_sum", Float, nullable=False),
    Column("authors", LargeBinary, nullable=False),
)

# Every guarded block (reports.cells): per period (day, ISO week, month), topic
# and group (a unit's subtree or direct posts, one channel or all), the figures
# and, for a suppressed cell, why. Reports and the API select from it.
report_cells = Table(
    "report_cells",
    metadata,
    Column("period", String(8), primary_key=True),
    Column("start", Date, primary_key=True),
    Column("topic", String(32), primary_key=True),
    Column("org_unit", String(255), primary_key=True),
    Column("direct", Boolean, primary_key=True),
    Column("channel", String(128), primary_key=True),
    Column("posts", Integer, nullable=False),
    Column("authors", Integer, nullable=False),
    Column("negative", Integer, nullable=False),
    Column("neutral", Integer, nullable=False),
    Column("positive", Integer, nullable=False),
    Column("score_sum", Float, nullable=False),
    Column("suppressed", String(64)),  # the reason, or NULL when shown
    # A query reads a few groups of a few topics over a range of periods; the
    # primary key's order would scan every cell of the range (migration 0005).
    Index("ix_report_cells_lookup", "period", "topic", "org_unit", "channel", "start"),
)

# What the rollup and the guarded cells were computed for (one row): other
# champions or other privacy thresholds mean a rebuild.
rollup_state = Table(
    "rollup_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sentiment_version_id", Id, nullable=False),
    Column("topics_version_id", Id, nullable=False),
    Column("privacy", Text, nullable=False),  # JSON: k, protected topics' k
    Column("refreshed_at", DateTime),  # when the cells last changed: what answers are as of
)

# Days whose rollup is out of date. Database triggers (migration 0004) append a
# row whenever a post or a prediction of that day is written, changed or
# deleted, whichever code path does it; the rollup refresh consumes them.
rollup_changes = Table(
    "rollup_changes",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("day", Date, nullable=False),
    Index("ix_rollup_changes_day", "day"),
)

# Small stable numbers for author pseudonyms: the members of the rollup's author sets.
author_numbers = Table(
    "author_numbers",
    metadata,
    Column("author", String(16), primary_key=True),
    Column("number", Integer, nullable=False),
    UniqueConstraint("number", name="uq_author_numbers_number"),
)

# API keys (api.keys): only the SHA-256 of each key is kept, with its role.
api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(128), nullable=False),
    Column("role", String(16), nullable=False),  # admin | people_ops | employee_rep | ingestor
    Column("prefix", String(16), nullable=False),  # the key's first characters, to recognise it
    Column("key_hash", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("revoked_at", DateTime),
    UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
)

# One row per API request, written before the response is sent (api.audit).
# Triggers (migration 0005) refuse UPDATE and DELETE: the log is append-only.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("key_id", Id),  # NULL: no key, or an unknown one
    Column("role", String(16)),
    Column("method", String(8), nullable=False),
    Column("route", String(255), nullable=False),  # the route template, e.g. /v1/trends
    Column("parameters", Text, nullable=False),  # JSON: query and path parameters, never a body
    Column("status", Integer, nullable=False),
    Column("cells_returned", Integer, nullable=False),
    Column("cells_suppressed", Integer, nullable=False),
    Index("ix_audit_log_at", "at"),
)
