"""report rollup: per-day author sets and figures, guarded cells, kept current by triggers

Revision ID: 0004
Revises: 0003

Every write to posts, sentiment_predictions or post_topics appends the days it
touches to rollup_changes, in the database itself, so no code path can change
what reports count without the rollup hearing of it. SQLite has row triggers
only (and one writer at a time), so a day is marked once until consumed;
PostgreSQL marks the distinct days of each statement from its transition
tables and never blocks two writers on the same day.

"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
PREDICTIONS = ("sentiment_predictions", "post_topics")

SQLITE_MARK = """
insert into rollup_changes(day) select {day}
where {day} is not null
  and not exists (select 1 from rollup_changes where day = {day});
"""

POSTGRES_MARK_POSTS = """
create or replace function rollup_mark_posts() returns trigger language plpgsql as $$
begin
  if tg_op in ('INSERT', 'UPDATE') then
    insert into rollup_changes(day) select distinct created_at::date from new_rows;
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    insert into rollup_changes(day) select distinct created_at::date from old_rows;
  end if;
  return null;
end $$
"""

POSTGRES_MARK_PREDICTIONS = """
create or replace function rollup_mark_predictions() returns trigger language plpgsql as $$
begin
  if tg_op in ('INSERT', 'UPDATE') then
    insert into rollup_changes(day)
    select distinct p.created_at::date from new_rows n join posts p on p.id = n.post_id;
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    insert into rollup_changes(day)
    select distinct p.created_at::date from old_rows o join posts p on p.id = o.post_id;
  end if;
  return null;
end $$
"""

TRANSITIONS = {
    "insert": "referencing new table as new_rows",
    "update": "referencing old table as old_rows new table as new_rows",
    "delete": "referencing old table as old_rows",
}


def upgrade() -> None:
    op.create_table(
        "report_rollup",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=False),
        sa.Column("org_unit", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=128), nullable=False),
        sa.Column("posts", sa.Integer(), nullable=False),
        sa.Column("negative", sa.Integer(), nullable=False),
        sa.Column("neutral", sa.Integer(), nullable=False),
        sa.Column("positive", sa.Integer(), nullable=False),
        sa.Column("score_sum", sa.Float(), nullable=False),
        sa.Column("authors", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "topic", "org_unit", "channel", name=op.f("pk_report_rollup")
        ),
    )
    op.create_table(
        "report_cells",
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=False),
        sa.Column("org_unit", sa.String(length=255), nullable=False),
        sa.Column("direct", sa.Boolean(), nullable=False),
        sa.Column("channel", sa.String(length=128), nullable=False),
        sa.Column("posts", sa.Integer(), nullable=False),
        sa.Column("authors", sa.Integer(), nullable=False),
        sa.Column("negative", sa.Integer(), nullable=False),
        sa.Column("neutral", sa.Integer(), nullable=False),
        sa.Column("positive", sa.Integer(), nullable=False),
        sa.Column("score_sum", sa.Float(), nullable=False),
        sa.Column("suppressed", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint(
            "period",
            "start",
            "topic",
            "org_unit",
            "direct",
            "channel",
            name=op.f("pk_report_cells"),
        ),
    )
    op.create_table(
        "rollup_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sentiment_version_id", Id, nullable=False),
        sa.Column("topics_version_id", Id, nullable=False),
        sa.Column("privacy", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollup_state")),
    )
    op.create_table(
        "rollup_changes",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollup_changes")),
    )
    op.create_index("ix_rollup_changes_day", "rollup_changes", ["day"])
    op.create_table(
        "author_numbers",
        sa.Column("author", sa.String(length=16), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("author", name=op.f("pk_author_numbers")),
        sa.UniqueConstraint("number", name="uq_author_numbers_number"),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgres_triggers()
    else:
        _sqlite_triggers()


def _sqlite_triggers() -> None:
    post_day = "date({row}.created_at)"
    prediction_day = "(select date(created_at) from posts where id = {row}.post_id)"
    for table, day in [("posts", post_day), *((t, prediction_day) for t in PREDICTIONS)]:
        new = SQLITE_MARK.format(day=day.format(row="new"))
        old = SQLITE_MARK.format(day=day.format(row="old"))
        op.execute(f"create trigger rollup_{table}_insert after insert on {table} begin {new} end")
        op.execute(
            f"create trigger rollup_{table}_update after update on {table} begin {old} {new} end"
        )
        op.execute(f"create trigger rollup_{table}_delete after delete on {table} begin {old} end")


def _postgres_triggers() -> None:
    op.execute(POSTGRES_MARK_POSTS)
    op.execute(POSTGRES_MARK_PREDICTIONS)
    for table in ("posts", *PREDICTIONS):
        function = "rollup_mark_posts" if table == "posts" else "rollup_mark_predictions"
        for event, transition in TRANSITIONS.items():
            op.execute(
                f"create trigger rollup_{table}_{event} after {event} on {table} {transition} "
                f"for each statement execute function {function}()"
            )


def downgrade() -> None:
    bind = op.get_bind()
    for table in ("posts", *PREDICTIONS):
        for event in TRANSITIONS:
            on = f" on {table}" if bind.dialect.name == "postgresql" else ""
            op.execute(f"drop trigger if exists rollup_{table}_{event}{on}")
    if bind.dialect.name == "postgresql":
        op.execute("drop function if exists rollup_mark_posts()")
        op.execute("drop function if exists rollup_mark_predictions()")
    op.drop_table("author_numbers")
    op.drop_index("ix_rollup_changes_day", table_name="rollup_changes")
    op.drop_table("rollup_changes")
    op.drop_table("rollup_state")
    op.drop_table("report_cells")
    op.drop_table("report_rollup")
