"""What every command shares: the consoles and the configured, migrated database."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console

from core.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from reports.privacy import Privacy

console = Console()
errors = Console(stderr=True)


def engine_for(settings: Settings) -> Engine:
    """The configured database, refusing one whose schema is not the code's.

    Migrations run only on ``barometer db upgrade`` (and in the demo), never as a
    side effect of another command against a production database.
    """
    from core.database import get_engine
    from core.errors import ConfigError
    from core.migrate import current_revision, head_revision

    engine = get_engine(settings.resolved_database_url)
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise ConfigError(
            f"the database is at revision {current or 'none'} but this version needs {head}; "
            "run `barometer db upgrade`"
        )
    return engine


def privacy_for(settings: Settings) -> Privacy:
    """The guard's thresholds from settings."""
    from reports.privacy import Privacy

    return Privacy(
        settings.min_group_size, dict(settings.protected_topics), settings.comment_min_group_size
    )
