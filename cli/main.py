"""The ``barometer`` command: one sub-command per job, settings read here and passed down.

Every command exits non-zero with a one-line reason on failure.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer
from rich.table import Table

from cli import api_commands, model_commands, report_command
from cli.common import console, engine_for, errors
from cli.errors import run_cli
from core.settings import Settings, load_settings

if TYPE_CHECKING:
    from ingest.pipeline import IngestResult

os.environ.setdefault("HF_HUB_OFFLINE", "1")

app = typer.Typer(
    name="barometer",
    help="Privacy-guarded sentiment and topic trends from internal forum posts.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
quarantine_app = typer.Typer(help="Records set aside at ingest, and why.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(quarantine_app, name="quarantine")
app.add_typer(model_commands.models_app, name="models")
app.add_typer(api_commands.keys_app, name="keys")
for command in (
    model_commands.train,
    model_commands.evaluate,
    model_commands.promote,
    model_commands.classify,
    model_commands.score,
    report_command.report,
    api_commands.serve,
    api_commands.refresh,
):
    app.command()(command)


@app.callback()
def _configure(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details.")] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("presidio-analyzer", "presidio-anonymizer"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration to the configured database."""
    from core.database import get_engine
    from core.migrate import current_revision, upgrade

    settings = load_settings()
    engine = get_engine(settings.resolved_database_url)
    upgrade(engine)
    console.print(f"database at revision {current_revision(engine)}")


@app.command()
def ingest(
    file: Annotated[Path, typer.Argument(help="Export to ingest: .jsonl .csv .parquet .json .zip")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="jsonl, csv, parquet, discourse or slack.")
    ] = None,
    source: Annotated[
        str | None, typer.Option(help="Name of the forum the file came from (default: format).")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="Anonymizer processes (default: settings).")
    ] = None,
) -> None:
    """Read, validate, anonymize and store a forum export, exactly once."""
    settings = load_settings()
    result = ingest_path(settings, file, fmt=fmt, source=source, workers=workers)
    console.print(
        f"ingest batch {result.batch_id} ({file.name}): read {result.read:,}, "
        f"stored {result.stored:,}, updated {result.updated:,}, "
        f"duplicates {result.duplicates:,}, quarantined {result.quarantined:,}",
        highlight=False,
        soft_wrap=True,
    )
    if result.quarantined:
        console.print(
            f"see why with: barometer quarantine list --batch {result.batch_id}", style="yellow"
        )


def ingest_path(
    settings: Settings,
    file: Path,
    *,
    fmt: str | None = None,
    source: str | None = None,
    workers: int | None = None,
) -> IngestResult:
    """Ingest ``file`` with a progress bar; used by ``ingest`` and ``demo``."""
    from rich.progress import MofNCompleteColumn, Progress, SpinnerColumn, TimeElapsedColumn

    from ingest.anonymize import Anonymizer, AnonymizerConfig, ParallelAnonymizer
    from ingest.pipeline import ingest_file
    from ingest.pseudonym import Pseudonymizer
    from ingest.sources import source_for

    source_for(file, fmt)  # a missing or unknown file fails before the pipelines load
    engine = engine_for(settings)
    config = AnonymizerConfig.from_settings(settings)
    count = workers or settings.ingest_workers
    progress = Progress(
        SpinnerColumn(),
        "[progress.description]{task.description}",
        MofNCompleteColumn(),
        "records",
        TimeElapsedColumn(),
        console=errors,
        transient=True,
    )
    with progress:
        task = progress.add_task(f"ingesting {file.name}", total=None)
        pool = ParallelAnonymizer(config, count) if count > 1 else contextlib.nullcontext()
        with pool:
            return ingest_file(
                file,
                engine=engine,
                redactor=pool if count > 1 else Anonymizer(config),
                pseudonymize=Pseudonymizer(settings.key_bytes()),
                min_group_size=settings.min_group_size,
                source=source,
                fmt=fmt,
                chunk_size=settings.ingest_batch_size,
                in_flight=count,
                on_progress=lambda n: progress.advance(task, n),
            )


@quarantine_app.command("list")
def quarantine_list(
    batch: Annotated[int | None, typer.Option(help="Only this ingest batch.")] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many.")] = 50,
    show_record: Annotated[
        bool, typer.Option("--record", help="Show the redacted record.")
    ] = False,
) -> None:
    """Show quarantined records: batch, line, field and reason."""
    from sqlalchemy import select

    from core.tables import quarantine

    settings = load_settings()
    engine = engine_for(settings)
    query = select(quarantine).order_by(quarantine.c.id).limit(limit)
    if batch is not None:
        query = query.where(quarantine.c.batch_id == batch)
    with engine.connect() as connection:
        rows = connection.execute(query).mappings().all()
    table = Table(title=f"quarantine ({len(rows)} shown)")
    for column in ("batch", "source", "line", "field", "reason"):
        table.add_column(column)
    if show_record:
        table.add_column("record (redacted)")
    for row in rows:
        where = f"{row['member']}#{row['line']}" if row["member"] else str(row["line"])
        cells = [str(row["batch_id"]), row["source"], where, row["field"] or "", row["reason"]]
        if show_record:
            cells.append(row["record"][:200])
        table.add_row(*cells)
    console.print(table)


@app.command()
def anonymize(
    input: Annotated[Path, typer.Option("--input", help="JSONL with 'id' and 'text'.")],
    output: Annotated[
        Path, typer.Option("--output", help="Where to write 'id' and redacted 'text'.")
    ],
) -> None:
    """Redact the 'text' of each line, to check the anonymizer on a sample.

    Only 'id' and the redacted 'text' are written: other fields may identify people.
    """
    from core.errors import InputError
    from ingest.anonymize import Anonymizer, AnonymizerConfig

    if not input.is_file():
        raise InputError(f"--input {str(input)!r} does not exist")
    anonymizer = Anonymizer(AnonymizerConfig.from_settings(load_settings()))
    written = skipped = 0
    with (
        input.open(encoding="utf-8", errors="replace") as lines,
        output.open("w", encoding="utf-8") as out,
    ):
        batch: list[dict[str, Any]] = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            row = _sample_row(line)
            if row is None:
                errors.print(f"line {number}: skipped (expected an object with a string 'text')")
                skipped += 1
                continue
            batch.append(row)
            if len(batch) == ANONYMIZE_BATCH:
                written += _write_redacted(anonymizer, batch, out)
                batch = []
        written += _write_redacted(anonymizer, batch, out)
    console.print(
        f"redacted {written:,} lines into {output}" + (f"; {skipped} skipped" if skipped else "")
    )


ANONYMIZE_BATCH = 256


def _sample_row(line: str) -> dict[str, Any] | None:
    try:
        row = json.loads(line)
    except ValueError:
        return None
    if not isinstance(row, dict) or not isinstance(row.get("text"), str):
        return None
    return {"id": row.get("id"), "text": row["text"]}


def _write_redacted(anonymizer: Any, batch: list[dict[str, Any]], out: TextIO) -> int:
    for row, text in zip(batch, anonymizer.redact_many([r["text"] for r in batch]), strict=True):
        out.write(json.dumps({"id": row["id"], "text": text}, ensure_ascii=False) + "\n")
    return len(batch)


@app.command()
def demo(
    data_dir: Annotated[Path, typer.Option(help="Where the demo keeps its data.")] = Path(
        "barometer-data"
    ),
    seed: Annotated[int, typer.Option(help="Random seed of the demo organisation.")] = 7,
    people: Annotated[int, typer.Option(help="Authors in the demo organisation.")] = 1_800,
    posts_per_week: Annotated[int, typer.Option(help="Everyday posts per week.")] = 820,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the API at the end (Ctrl-C stops).")
    ] = True,
    port: Annotated[int, typer.Option(min=1, max=65535, help="The API's port.")] = 8000,
) -> None:
    """Run the whole pipeline on a generated organisation (SQLite), then serve the API.

    Generate, ingest, install the champions (the shipped ones when none is
    registered), score, write the report, make one API key per role, serve.
    """
    from cli.demo.generate import DemoSpec, generate
    from core.database import get_engine
    from core.migrate import upgrade
    from core.settings import demo_settings

    settings = demo_settings(data_dir, encoder_backend="onnx-int8")
    upgrade(get_engine(settings.resolved_database_url))
    spec = DemoSpec(seed=seed, people=people, posts_per_week=posts_per_week)
    metadata = generate(data_dir / "demo", spec)
    console.print(
        f"generated {metadata['posts']:,} posts by {metadata['people']:,} people "
        f"in {data_dir / 'demo' / 'forum.jsonl'}"
    )
    result = ingest_path(settings, data_dir / "demo" / "forum.jsonl", source="demo-forum")
    console.print(
        f"ingested: read {result.read:,}, stored {result.stored:,}, duplicates "
        f"{result.duplicates:,}, quarantined {result.quarantined:,}"
    )
    console.print(f"database: {settings.resolved_database_url}")
    for event in metadata["events"]:
        console.print(f"  planted {event['name']} in week {event['week']} ({event['week_start']})")
    model_commands.score_store(settings)
    report = report_command.write_report(
        settings, "week", 26, None, "html", data_dir / "report.html"
    )
    console.print(f"report: {report.resolve()}", soft_wrap=True, highlight=False)
    url = f"http://127.0.0.1:{port}"
    console.print(f"API: {url}/v1 (docs at {url}/docs); one key per role, shown once:")
    for role, secret in api_commands.demo_keys(settings).items():
        console.print(f"  {role:<13} {secret}", highlight=False, soft_wrap=True)
    console.print(
        f"try: curl -H 'Authorization: Bearer <people_ops key>' '{url}/v1/trends?topic=workload'",
        highlight=False,
        soft_wrap=True,
    )
    if serve:
        console.print("serving; Ctrl-C stops")
        api_commands.serve_settings(settings, "127.0.0.1", port, workers=2)


def main() -> None:
    """Console-script entry point."""
    run_cli(app)


if __name__ == "__main__":
    main()
