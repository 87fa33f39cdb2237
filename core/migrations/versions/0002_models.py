"""model versions and predictions

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "model_versions",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("path", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("promoted_at", sa.DateTime(), nullable=True),
        sa.Column("encoder", sa.String(length=255), nullable=False),
        sa.Column("code_version", sa.String(length=64), nullable=False),
        sa.Column("metrics", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_versions")),
        sa.UniqueConstraint("kind", "version", name="uq_model_versions_kind_version"),
    )
    for table, columns in (
        (
            "sentiment_predictions",
            [
                sa.Column("label", sa.String(length=8), nullable=False),
                sa.Column("score", sa.Float(), nullable=False),
                sa.Column("scored_at", sa.DateTime(), nullable=False),
            ],
        ),
        (
            "topic_predictions",
            [
                sa.Column("topic_scores", sa.Text(), nullable=False),
                sa.Column("scored_at", sa.DateTime(), nullable=False),
            ],
        ),
    ):
        op.create_table(
            table,
            sa.Column("post_id", Id, nullable=False),
            sa.Column("model_version_id", Id, nullable=False),
            *columns,
            sa.ForeignKeyConstraint(
                ["post_id"], ["posts.id"], name=op.f(f"fk_{table}_post_id_posts"),
                ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint(
                ["model_version_id"], ["model_versions.id"],
                name=op.f(f"fk_{table}_model_version_id_model_versions"),
            ),
            sa.PrimaryKeyConstraint("post_id", "model_version_id", name=op.f(f"pk_{table}")),
        )
        op.create_index(f"ix_{table}_model_version_id", table, ["model_version_id"])
    op.create_table(
        "post_topics",
        sa.Column("post_id", Id, nullable=False),
        sa.Column("model_version_id", Id, nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_post_topics_post_id_posts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["model_version_id"], ["model_versions.id"],
            name=op.f("fk_post_topics_model_version_id_model_versions"),
        ),
        sa.PrimaryKeyConstraint("post_id", "model_version_id", "topic", name=op.f("pk_post_topics")),
    )
    op.create_index(
        "ix_post_topics_model_version_id_topic", "post_topics", ["model_version_id", "topic"]
    )


def downgrade() -> None:
    op.drop_table("post_topics")
    op.drop_table("topic_predictions")
    op.drop_table("sentiment_predictions")
    op.drop_table("model_versions")
