"""``barometer train / evaluate / promote / classify / score`` and ``models list``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from cli.common import console, engine_for, errors, privacy_for
from core.settings import Settings, load_settings

if TYPE_CHECKING:
    from models.encoder import Encoder
    from reports.rollup import Champions

models_app = typer.Typer(help="Registered model versions.", no_args_is_help=True)


def encoder_for(settings: Settings) -> Encoder:
    """The encoder the settings ask for."""
    from models.encoder import Encoder

    return Encoder(
        settings.embedding_model,
        backend=settings.encoder_backend,
        cache_dir=settings.resolved_model_dir,
        batch_size=settings.encoder_batch_size,
    )


def _registry(settings: Settings) -> Any:
    from models.registry import Registry

    return Registry(engine_for(settings), settings.resolved_model_dir)


def train(
    data: Annotated[
        Path | None, typer.Option(help="Labeled JSONL (default: the posts shipped in models/data).")
    ] = None,
    promote_if_better: Annotated[
        bool, typer.Option(help="Promote each candidate that is not worse on the test split.")
    ] = False,
    adapter_epochs: Annotated[
        int,
        typer.Option(
            min=0,
            help="Epochs of LoRA adaptation of the encoder before the heads are fitted "
            "(0: keep the encoder frozen; about 3 minutes an epoch on 4,000 posts, 2 cores).",
        ),
    ] = 3,
) -> None:
    """Train sentiment and topic candidates, write their model cards, register them."""
    from models.adaptation import AdapterArguments
    from models.training import TrainingArguments
    from models.training import train as run_training

    settings = load_settings()
    registry = _registry(settings)
    registry.ensure_champions()
    arguments = TrainingArguments(
        data=data,
        adapter=AdapterArguments(epochs=adapter_epochs),
        promote_if_better=promote_if_better,
    )
    with _bar() as progress:
        task = progress.add_task("adapting the encoder", total=None, visible=adapter_epochs > 0)

        def advance(done: int, steps: int) -> None:
            progress.update(task, completed=done, total=steps)
            if done == steps:
                progress.update(task, description="fitting the heads")

        result = run_training(arguments, registry, encoder_for(settings), advance)
    for kind, candidate in result.candidates.items():
        card = registry.folder(kind, candidate.version) / "card.md"
        console.print(
            f"{kind} candidate {candidate.version}: {_headline(candidate.metrics)}; card {card}",
            soft_wrap=True,
        )
    for decision in result.decisions:
        verdict = "promoted" if decision.promoted else "kept the champion"
        champion = (
            f"champion {decision.champion} {decision.champion_score:.3f}"
            if decision.champion_score is not None
            else "no champion"
        )
        console.print(
            f"{decision.kind}: candidate {decision.metric} {decision.candidate_score:.3f} vs "
            f"{champion}: {verdict}",
            soft_wrap=True,
        )


def evaluate(
    data: Annotated[Path, typer.Option(help="Labeled JSONL with 'text' and 'sentiment'/'topics'.")],
    version: Annotated[
        str | None, typer.Option(help="Model version to evaluate (default: the champions).")
    ] = None,
) -> None:
    """Print macro-F1, per-class and per-topic figures and calibration on a labeled file."""
    from models.dataset import read_labeled
    from models.encoder import MemoEncoder
    from models.evaluation import evaluate as run_evaluation

    settings = load_settings()
    registry = _registry(settings)
    posts = read_labeled(data)
    encoder = MemoEncoder(encoder_for(settings))
    champions = registry.ensure_champions()
    for kind in ("sentiment", "topics"):
        chosen = registry.get(kind, version) if version else champions[kind]
        metrics = run_evaluation(kind, registry.load(chosen, encoder), posts)
        if metrics is None:
            continue
        console.print(f"[bold]{kind}[/bold] {chosen.version} on {data.name}: {_headline(metrics)}")
        console.print(_per_label_table(metrics))


def promote(
    version: Annotated[str, typer.Argument(help="The version to make champion.")],
    kind: Annotated[
        str | None, typer.Option(help="sentiment or topics (default: every kind with VERSION).")
    ] = None,
) -> None:
    """Make VERSION the champion, retiring the current one."""
    from core.errors import ModelError

    registry = _registry(load_settings())
    kinds = [kind] if kind else [v.kind for v in registry.versions() if v.version == version]
    if not kinds:
        raise ModelError(f"no model version {version!r}; see `barometer models list`")
    for name in kinds:
        registry.promote(name, version)
        console.print(f"{name} champion is now {version}")
    # No refresh here: the new champion has scored nothing yet, so its cells would
    # be empty. The API keeps serving the previous champion's cells until
    # `barometer score` has scored the posts and refreshed them.
    console.print("run `barometer score` to score the posts with it and refresh the report cells")


@models_app.command("list")
def models_list() -> None:
    """Every registered version with its status and test-split headline figure."""
    registry = _registry(load_settings())
    registry.ensure_champions()
    table = Table(title="model versions")
    for column in ("kind", "version", "status", "created", "test split", "encoder"):
        table.add_column(column)
    for v in registry.versions():
        table.add_row(
            v.kind,
            v.version,
            v.status,
            f"{v.created_at:%Y-%m-%d %H:%M}",
            _headline(v.metrics),
            v.encoder,
        )
    console.print(table)


def classify(
    input: Annotated[Path, typer.Option("--input", help="JSONL with 'id' and 'text'.")],
    output: Annotated[Path, typer.Option("--output", help="Where to write the predictions.")],
) -> None:
    """Classify each line with the champions: sentiment, score, topics, topic_scores."""
    from models.champions import load_scorer
    from models.classify import classify_file

    settings = load_settings()

    scorer = load_scorer(engine_for(settings), settings.resolved_model_dir, encoder_for(settings))
    result = classify_file(input, output, scorer)
    for number, reason in result.skipped:
        errors.print(f"line {number}: skipped ({reason})")
    console.print(
        f"classified {result.written:,} lines into {output}"
        + (f"; {len(result.skipped)} skipped" if result.skipped else "")
    )


def score(
    engine: Annotated[
        str,
        typer.Option(
            help="local (batched, default) or ray (Ray Data actors; BAROMETER_RAY_ADDRESS "
            "picks a cluster, BAROMETER_RAY_WORKERS the actors)."
        ),
    ] = "local",
    batch_size: Annotated[
        int | None, typer.Option(help="Posts per batch (default: settings).")
    ] = None,
) -> None:
    """Score every stored post that has no prediction from the champions (resumable)."""
    score_store(load_settings(), engine, batch_size)


def score_store(settings: Settings, engine: str = "local", batch_size: int | None = None) -> None:
    """Score what the champions have not scored yet, with a progress bar (``score``, ``demo``)."""
    from models.champions import load_scorer
    from models.scoring import RayOptions, count_unscored, score_posts
    from reports.rollup import Champions

    store = engine_for(settings)
    scorer = load_scorer(store, settings.resolved_model_dir, encoder_for(settings))
    pending = count_unscored(store, scorer)
    with _bar() as progress:
        task = progress.add_task("scoring", total=pending)
        result = score_posts(
            store,
            scorer,
            batch_size=batch_size or settings.score_batch_size,
            run_engine=engine,
            progress=lambda n: progress.advance(task, n),
            pending=pending,
            ray_options=RayOptions(address=settings.ray_address, workers=settings.ray_workers),
        )
    console.print(f"scored {result.scored:,} posts ({pending:,} were waiting)")
    refresh_cells(settings, Champions(scorer.sentiment_version_id, scorer.topics_version_id))


def refresh_cells(settings: Settings, champions: Champions | None = None) -> None:
    """Bring the guarded report cells up to date for the champions and the thresholds.

    ``score`` ends with it (after scoring, so new champions' cells are full),
    and ``barometer refresh`` runs it after thresholds change: the API never
    recounts inside a request. New champions or new thresholds mean a full rebuild.
    """
    from reports import cells
    from reports.rollup import Champions

    store = engine_for(settings)
    if champions is None:
        current = _registry(settings).ensure_champions()
        champions = Champions(current["sentiment"].id, current["topics"].id)
    with console.status("counting and guarding the report cells"):
        days = cells.refresh(store, champions, privacy_for(settings))
    console.print(f"report cells: {days:,} days recounted")


def _headline(metrics: dict[str, Any]) -> str:
    ece = f"ECE {metrics['ece']:.3f}"
    if "macro_recall" in metrics:
        return f"macro-F1 {metrics['macro_f1']:.3f}, accuracy {metrics['accuracy']:.3f}, {ece}"
    return f"micro-F1 {metrics['micro_f1']:.3f}, macro-F1 {metrics['macro_f1']:.3f}, {ece}"


def _per_label_table(metrics: dict[str, Any]) -> Table:
    rows = metrics.get("per_class") or metrics["per_topic"]
    table = Table()
    for column in ("label", "precision", "recall", "F1", "posts"):
        table.add_column(column, justify="right" if column != "label" else "left")
    for name, row in rows.items():
        table.add_row(
            name,
            f"{row['precision']:.3f}",
            f"{row['recall']:.3f}",
            f"{row['f1']:.3f}",
            str(row["support"]),
        )
    return table


def _bar() -> Progress:
    """The progress bar of long model work: what, a bar, done of all, time left."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
    )
