"""``barometer report``: the privacy-guarded periodic report, written to a file."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer

from cli.common import console, engine_for, privacy_for
from core.errors import InputError
from core.settings import Settings, load_settings


def report(
    period: Annotated[str, typer.Option(help="day, week or month.")] = "week",
    weeks: Annotated[int, typer.Option(min=1, max=520, help="Weeks the report covers.")] = 12,
    end: Annotated[
        str | None,
        typer.Option(help="Last day, YYYY-MM-DD (default: the day of the newest post)."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="html, pdf, json or csv.")] = "html",
    out: Annotated[
        Path | None, typer.Option(help="File to write (default: report.<format>).")
    ] = None,
) -> None:
    """Write the report: topic trends, the last period by org unit, alerts; all guarded."""
    if period not in ("day", "week", "month"):
        raise InputError(f"--period must be day, week or month, got {period!r}")
    write_report(load_settings(), period, weeks, date.fromisoformat(end) if end else None, fmt, out)


def write_report(
    settings: Settings, period: str, weeks: int, end: date | None, fmt: str, out: Path | None
) -> Path:
    """Build, render and write the report (``report``, ``demo``); returns the file written."""
    from models.registry import Registry
    from reports.render import renderer_for
    from reports.report import build_report, latest_post_day
    from reports.rollup import Champions

    renderer = renderer_for(fmt)
    store = engine_for(settings)
    last = end or latest_post_day(store)
    if last is None:
        raise InputError("the store holds no posts yet; run barometer ingest and score first")
    champions = Registry(store, settings.resolved_model_dir).ensure_champions()
    built = build_report(
        store,
        Champions(champions["sentiment"].id, champions["topics"].id),
        privacy_for(settings),
        last - timedelta(weeks=weeks) + timedelta(days=1),
        last,
        period,  # type: ignore[arg-type]
        models=f"sentiment {champions['sentiment'].version}, topics {champions['topics'].version}",
    )
    target = out or Path(f"report{renderer.suffix}")
    target.write_bytes(renderer.render(built))
    shown = sum(not c.suppressed for c in built.trends + built.breakdown)
    console.print(
        f"report {built.start} to {built.stop - timedelta(days=1)} ({period}s): {shown:,} cells "
        f"shown, {sum(built.suppressed.values()):,} suppressed, {len(built.alerts)} alerts "
        f"-> {target}"
    )
    return target
