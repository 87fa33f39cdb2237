"""org unit ancestors (the closure of the org tree, for reports)

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from core.org_tree import closure

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "org_unit_ancestors",
        sa.Column("unit", sa.String(length=255), nullable=False),
        sa.Column("ancestor", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("unit", "ancestor", name=op.f("pk_org_unit_ancestors")),
    )
    bind = op.get_bind()
    paths = [row[0] for row in bind.execute(sa.text("select path from org_units"))]
    rows = closure(paths)
    table = sa.table("org_unit_ancestors", sa.column("unit"), sa.column("ancestor"))
    op.bulk_insert(table, rows)


def downgrade() -> None:
    op.drop_table("org_unit_ancestors")
