"""Alembic environment: runs migrations on the engine that ``core.migrate`` hands over."""

from alembic import context

from core.tables import metadata

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
