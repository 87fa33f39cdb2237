"""``barometer serve``, ``barometer keys`` and ``barometer refresh``: running the API."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.table import Table

from cli.common import console, engine_for
from cli.model_commands import refresh_cells
from core.settings import Settings, load_settings

keys_app = typer.Typer(help="API keys: create, list, revoke.", no_args_is_help=True)


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 2,
) -> None:
    """Serve the API (uvicorn); OpenAPI docs at /docs. Settings come from the environment."""
    serve_settings(load_settings(), host, port, workers)


def serve_settings(settings: Settings, host: str, port: int, workers: int) -> None:
    """Serve ``settings``'s store until stopped (``serve``, ``demo``).

    Each worker builds its app from the environment, so the settings that
    differ from it (the demo's) are exported first.
    """
    from api import server

    engine_for(settings)  # a database at another schema fails here, before any worker starts
    os.environ.update(_environment(settings))
    server.run(host, port, workers)


def _environment(settings: Settings) -> dict[str, str]:
    values = {
        "BAROMETER_DATA_DIR": str(settings.data_dir),
        "BAROMETER_DATABASE_URL": settings.resolved_database_url,
        "BAROMETER_ENCODER_BACKEND": settings.encoder_backend,
        "BAROMETER_MIN_GROUP_SIZE": str(settings.min_group_size),
    }
    if settings.pseudonym_key_file is not None:
        values["BAROMETER_PSEUDONYM_KEY_FILE"] = str(settings.pseudonym_key_file)
    return values


@keys_app.command("create")
def keys_create(
    role: Annotated[str, typer.Option(help="admin, people_ops, employee_rep or ingestor.")],
    name: Annotated[str, typer.Option(help="Who or what the key is for.")],
) -> None:
    """Make a key and print it once; only its hash is stored."""
    from api.keys import create_key

    key, secret = create_key(engine_for(load_settings()), role, name)
    console.print(f"key {key.id} ({key.role}, {key.name}); shown once, store it now:")
    console.print(secret, highlight=False, soft_wrap=True)


@keys_app.command("list")
def keys_list() -> None:
    """Every key: id, name, role, its first characters, created, revoked."""
    from api.keys import list_keys

    table = Table(title="API keys")
    for column in ("id", "name", "role", "starts with", "created", "revoked"):
        table.add_column(column)
    for key in list_keys(engine_for(load_settings())):
        revoked = f"{key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else ""
        table.add_row(
            str(key.id), key.name, key.role, key.prefix, f"{key.created_at:%Y-%m-%d %H:%M}", revoked
        )
    console.print(table)


@keys_app.command("revoke")
def keys_revoke(key_id: Annotated[int, typer.Argument(help="The key's id (keys list).")]) -> None:
    """Revoke a key; requests with it get 401 from now on."""
    from api.keys import revoke_key

    key = revoke_key(engine_for(load_settings()), key_id)
    console.print(
        f"key {key.id} ({key.role}, {key.name}) revoked at {key.revoked_at:%Y-%m-%d %H:%M}"
    )


DEMO_KEY_NAME = "demo"


def demo_keys(settings: Settings) -> dict[str, str]:
    """A fresh key per role for the demo, the previous demo keys revoked; role -> key."""
    from api.keys import create_key, list_keys, revoke_key
    from api.roles import Role

    engine = engine_for(settings)
    for key in list_keys(engine):
        if key.name == DEMO_KEY_NAME and key.revoked_at is None:
            revoke_key(engine, key.id)
    return {role.value: create_key(engine, role.value, DEMO_KEY_NAME)[1] for role in Role}


def refresh() -> None:
    """Recount and re-guard the report cells the API serves (after a change of thresholds)."""
    refresh_cells(load_settings())
