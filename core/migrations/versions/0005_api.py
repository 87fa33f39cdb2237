"""api: hashed API keys, the append-only audit log, the cells' refresh time and lookup index

Revision ID: 0005
Revises: 0004

The audit log refuses UPDATE and DELETE in the database itself, so no code
path (the API, a script, a bug) can rewrite what employee representatives
read there. (Truncating or dropping the table, or its triggers, is left to
the database owner; a production deployment grants the API's role neither.)

"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
APPEND_ONLY = "audit_log is append-only: its rows cannot be changed or deleted"

POSTGRES_REFUSE = f"""
create or replace function audit_log_refuse() returns trigger language plpgsql as $$
begin
  raise exception '{APPEND_ONLY}';
end $$
"""


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("revoked_at", sa.DateTime),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("key_id", Id),
        sa.Column("role", sa.String(16)),
        sa.Column("method", sa.String(8), nullable=False),
        sa.Column("route", sa.String(255), nullable=False),
        sa.Column("parameters", sa.Text, nullable=False),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("cells_returned", sa.Integer, nullable=False),
        sa.Column("cells_suppressed", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    with op.batch_alter_table("rollup_state") as batch:
        batch.add_column(sa.Column("refreshed_at", sa.DateTime))
    # An API request selects a few groups of a few topics over a range of periods.
    op.create_index(
        "ix_report_cells_lookup",
        "report_cells",
        ["period", "topic", "org_unit", "channel", "start"],
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_REFUSE)
        op.execute(
            "create trigger audit_log_append_only before update or delete "
            "on audit_log for each statement execute function audit_log_refuse()"
        )
    else:
        for event in ("update", "delete"):
            op.execute(
                f"create trigger audit_log_no_{event} before {event} on audit_log "
                f"begin select raise(abort, '{APPEND_ONLY}'); end"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("drop trigger if exists audit_log_append_only on audit_log")
        op.execute("drop function if exists audit_log_refuse()")
    op.drop_index("ix_report_cells_lookup", "report_cells")
    with op.batch_alter_table("rollup_state") as batch:
        batch.drop_column("refreshed_at")
    op.drop_index("ix_audit_log_at", "audit_log")
    op.drop_table("audit_log")
    op.drop_table("api_keys")
