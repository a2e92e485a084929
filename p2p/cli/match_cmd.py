"""``p2p match ...``: train, publish, predict, evaluate, and the generic link and dedupe."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.table import Table
from rich.text import Text
from splink.internals.exceptions import SplinkException

from matching.canonical.errors import CanonicalDataError
from matching.charts import line_chart, save_chart
from matching.linkage import jobs
from matching.linkage.evaluation import Evaluation
from matching.linkage.outputs import write_json, write_pairs
from matching.linkage.registry import ModelFile, ModelRegistry, RegistryError
from matching.linkage.spark_options import SparkUnavailable
from p2p.bootstrap import ensure_neo4j, graph_store
from p2p.cli.common import UserError, console, finite, friendly_errors, settings
from p2p.cli.match_backend import Backend, spark_options
from services.incremental import match_incremental

T = TypeVar("T")

app = typer.Typer(help="Probabilistic matching (Splink, DuckDB backend).", no_args_is_help=True)

Files = Annotated[list[Path], typer.Argument(help="Member files in the canonical schema (CSV or Parquet).")]
ModelOption = Annotated[
    str | None, typer.Option("--model", help="Model version or JSON file; default: the published model.")
]
MappingOption = Annotated[Path | None, typer.Option("--mapping", help="Column mapping file (JSON or TOML).")]
RegistryOption = Annotated[
    Path | None, typer.Option("--registry", help="Model registry folder (default: $P2P_DATA_DIR/models).")
]
InputModelOption = Annotated[
    str | None, typer.Option("--model", help="Model version or file; default: train on the input.")
]
ThresholdOption = Annotated[
    float | None, typer.Option(help="Keep pairs at or above this match weight.", callback=finite)
]
PairsOut = Annotated[Path, typer.Option("--out", help="Pairs CSV to write.")]
TruthOption = Annotated[Path, typer.Option("--truth", help="Truth file: record_id, person_id (+ hard-case tags).")]


def _registry(path: Path | None) -> ModelRegistry:
    return ModelRegistry(path or settings().data_dir / "models")


def _load_model(registry: ModelRegistry, model: str | None) -> ModelFile:
    return registry.load(model) if model else registry.published()


def _run(work: Callable[[jobs.Step], T]) -> T:
    """Run a job with a spinner naming the current step; turn data problems into user errors."""
    try:
        with console.status("Starting…") as status:
            return work(lambda msg: status.update(f"{msg[:1].upper()}{msg[1:]}…"))
    except (CanonicalDataError, RegistryError, ValueError, SparkUnavailable) as exc:
        raise UserError(str(exc)) from None
    except SplinkException as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(f"Splink could not run on this input: {first_line}") from None


def _show_evaluation(evaluation: Evaluation) -> None:
    table = Table("links", "threshold", "precision", "recall", "F1", "false positives", title="Evaluation")
    for label, counts in (
        ("auto-confirmed", evaluation.auto),
        ("confirmed + review", evaluation.review),
        ("clusters (pairwise)", evaluation.clusters),
    ):
        table.add_row(
            label,
            f"{counts.threshold:.2f}",
            f"{counts.precision:.4f}",
            f"{counts.recall:.4f}",
            f"{counts.f1:.4f}",
            str(counts.false_positives),
        )
    console.print(table)
    hard = ", ".join(f"{k} {v}" for k, v in evaluation.hard_negatives.items())
    console.print(f"Wrong auto-confirmed links by kind: {hard}")
    held = evaluation.held_by_guard
    if held:
        wrong = ", ".join(f"{k.removeprefix('wrong_')} {v}" for k, v in held.items() if k.startswith("wrong_"))
        console.print(
            f"Held for review by the auto-confirm guard (at or above auto-confirm): {held['all']} pairs,"
            f" {held['true_matches']} true matches; wrong links prevented: {wrong}"
        )
    if evaluation.recall_by_tag:
        console.print(
            "Recall of auto-confirmed links by hard case: "
            + ", ".join(f"{k} {v:.3f}" for k, v in evaluation.recall_by_tag.items())
        )


@app.command("train")
@friendly_errors
def train_cmd(
    files: Files,
    truth: Annotated[Path | None, typer.Option("--truth", help="Truth file to choose thresholds and evaluate.")] = None,
    persons: Annotated[
        Path | None, typer.Option("--persons", help="persons file (twins, families) for the hard cases.")
    ] = None,
    precision_target: Annotated[
        float, typer.Option(min=0.5, max=1.0, help="Precision of auto-confirmed links.")
    ] = 0.999,
    registry: RegistryOption = None,
    mapping: MappingOption = None,
    publish: Annotated[bool, typer.Option("--publish", help="Publish the new version.")] = False,
    charts: Annotated[
        Path | None, typer.Option("--charts", help="Folder for the PR curve and model charts (HTML).")
    ] = None,
) -> None:
    """Train a model on the records of all FILES and save it in the registry."""
    reg = _registry(registry)
    if persons is None and truth is not None and (truth.parent / "persons.parquet").is_file():
        persons = truth.parent / "persons.parquet"
    result = _run(lambda step: jobs.train_model(files, reg, truth, persons, precision_target, mapping, step, charts))
    console.print(Text.assemble("Model ", (result.model.version, "bold"), f" saved to {result.path}"))
    t = result.model.thresholds
    console.print(
        f"Thresholds ({result.model.thresholds_source}): auto-confirm at match weight {t.auto_confirm:.2f}, "
        f"review from {t.review:.2f}"
    )
    counts = result.model.notes.get("comparisons_by_blocking_rule", {})
    if counts:
        console.print("Pairs per blocking rule: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    if result.evaluation:
        _show_evaluation(result.evaluation)
        if charts:
            _pr_chart(result.evaluation, charts)
    if charts:
        console.print(f"Model charts (match weights, m and u): {charts}")
    if publish:
        reg.publish(result.model.version)
        console.print(f"Published {result.model.version}.")


def _pr_chart(evaluation: Evaluation, folder: Path) -> None:
    rows = evaluation.pr_rows()
    path = save_chart(
        line_chart(rows, "recall", "precision", x_title="recall", y_title="precision"),
        folder / "pr_curve.html",
        "Precision and recall by match weight threshold",
    )
    console.print(f"PR curve: {path}")


@app.command("publish")
@friendly_errors
def publish_cmd(
    version: Annotated[str, typer.Argument(help="Model version to publish.")], registry: RegistryOption = None
) -> None:
    """Make VERSION the model the service uses."""
    try:
        published = _registry(registry).publish(version)
    except RegistryError as exc:
        raise UserError(str(exc)) from None
    console.print(f"Published {published}.")


@app.command("models")
@friendly_errors
def models_cmd(registry: RegistryOption = None) -> None:
    """List the model versions in the registry."""
    reg = _registry(registry)
    unpublished = ""
    try:
        current = reg.published().version
    except RegistryError as exc:
        current, unpublished = None, str(exc)
    table = Table("version", "created", "thresholds", "precision", "recall", "published")
    for version in reg.versions():
        try:
            m = reg.load(version)
        except RegistryError as exc:  # one damaged file does not hide the others
            table.add_row(version, "", Text.assemble(("cannot be used", "red"), f": {exc}"), "", "", "")
            continue
        auto = m.evaluation.get("auto_confirmed_links", {})
        table.add_row(
            version,
            m.created,
            f"{m.thresholds.auto_confirm:.2f} / {m.thresholds.review:.2f} ({m.thresholds_source})",
            str(auto.get("precision", "")),
            str(auto.get("recall", "")),
            "yes" if version == current else "",
        )
    console.print(table)
    if unpublished:
        console.print(unpublished, style="dim")


@app.command("predict")
@friendly_errors
def predict_cmd(
    files: Files,
    out: Annotated[Path, typer.Option("--out", help="Pairs CSV to write.")],
    model: ModelOption = None,
    threshold: Annotated[
        float | None,
        typer.Option(help="Keep pairs at or above this match weight (default: review threshold).", callback=finite),
    ] = None,
    registry: RegistryOption = None,
    mapping: MappingOption = None,
) -> None:
    """Score the records of FILES (together) with a trained model."""
    loaded = _run(lambda _s: _load_model(_registry(registry), model))
    _report_pairs(_run(lambda step: jobs.predict_files(files, loaded, threshold, mapping, step)), out)


def _report_pairs(result: jobs.PairsResult, out: Path) -> None:
    for p in result.prepared:
        s = p.validation.summary()
        if s["rejected"] or s["values_nulled"]:
            console.print(
                f"{p.source.name}: {s['rejected']} rows rejected, {s['values_nulled']} values nulled"
                " (see `p2p data validate`)"
            )
    pairs, detail = write_pairs(result.predictions, out)
    how = "trained on the input" if result.trained_here else f"model {result.model.version}"
    console.print(f"{result.predictions.pairs.num_rows} pairs ({how}) written to {pairs}; contributions in {detail}")


@app.command("link")
@friendly_errors
def link_cmd(
    left: Annotated[Path, typer.Argument(help="Left file (canonical schema).")],
    right: Annotated[Path, typer.Argument(help="Right file (canonical schema).")],
    out: PairsOut,
    model: InputModelOption = None,
    threshold: ThresholdOption = None,
    registry: RegistryOption = None,
    mapping: MappingOption = None,
) -> None:
    """Pairs of records across LEFT and RIGHT (link only)."""
    _pairs_of([left, right], out, model, threshold, registry, mapping)


@app.command("dedupe")
@friendly_errors
def dedupe_cmd(
    file: Annotated[Path, typer.Argument(help="File in the canonical schema.")],
    out: PairsOut,
    model: InputModelOption = None,
    threshold: ThresholdOption = None,
    registry: RegistryOption = None,
    mapping: MappingOption = None,
) -> None:
    """Pairs of records within FILE that are the same person."""
    _pairs_of([file], out, model, threshold, registry, mapping)


def _pairs_of(
    files: list[Path],
    out: Path,
    model: str | None,
    threshold: float | None,
    registry: Path | None,
    mapping: Path | None,
) -> None:
    """link (two files) or dedupe (one), with the given model or one trained on the input."""
    loaded = _run(lambda _s: _registry(registry).load(model)) if model else None
    _report_pairs(_run(lambda step: jobs.link_or_dedupe(files, loaded, threshold, mapping, step)), out)


@app.command("evaluate")
@friendly_errors
def evaluate_cmd(
    files: Files,
    truth: TruthOption,
    out: Annotated[Path, typer.Option("--out", help="Folder for evaluation.json and pr_curve.html.")],
    model: ModelOption = None,
    persons: Annotated[Path | None, typer.Option("--persons", help="persons file (twins, families).")] = None,
    registry: RegistryOption = None,
    mapping: MappingOption = None,
) -> None:
    """Precision, recall and F1 of a model at its thresholds, a PR curve and the hard cases."""
    loaded = _run(lambda _s: _load_model(_registry(registry), model))
    if persons is None and (truth.parent / "persons.parquet").is_file():
        persons = truth.parent / "persons.parquet"
    evaluation = _run(lambda step: jobs.evaluate_model(files, loaded, truth, persons, mapping, step, charts=out))
    _show_evaluation(evaluation)
    path = write_json({"model": loaded.version, **evaluation.figures()}, out / "evaluation.json")
    console.print(f"Figures: {path}; Splink charts (match weights, m and u, waterfall of the strongest pairs) in {out}")
    _pr_chart(evaluation, out)


@app.command("run")
@friendly_errors
def run_cmd(
    files: Files,
    out: Annotated[Path, typer.Option("--out", help="Run folder for `p2p graph load`.")],
    model: ModelOption = None,
    registry: RegistryOption = None,
    mapping: MappingOption = None,
    backend: Annotated[
        Backend, typer.Option("--backend", help="Scoring engine: duckdb on this machine, or Splink's Spark backend.")
    ] = Backend.DUCKDB,
) -> None:
    """Score FILES with a model and write a matching run (records, decided pairs) for the graph."""
    loaded = _run(lambda _s: _load_model(_registry(registry), model))
    spark = spark_options(settings()) if backend is Backend.SPARK else None
    summary = _run(lambda step: jobs.run_model(files, loaded, out, mapping, step, spark=spark))
    console.print(
        f"Run {summary.run_id}: {summary.records} records, {summary.confirm} links to confirm, "
        f"{summary.review} for review ({summary.held_by_guard} held by the auto-confirm guard), "
        f"{summary.must_not_link} must-not-link pairs; written to {out}"
    )


@app.command("incremental")
@friendly_errors
def incremental_cmd(
    new_records: Annotated[Path, typer.Argument(help="File of new records (canonical schema).")],
    model: ModelOption = None,
    run_dir: Annotated[Path | None, typer.Option("--run-dir", help="Where to keep the run folder.")] = None,
    registry: RegistryOption = None,
    mapping: MappingOption = None,
) -> None:
    """Score only NEW_RECORDS against the graph with the published model and add them."""
    cfg = settings()
    loaded = _run(lambda _s: _load_model(_registry(registry), model))
    folder = run_dir or cfg.data_dir / "runs" / f"incremental-{new_records.stem}"
    ensure_neo4j(cfg)
    with graph_store(cfg) as store:
        report = _run(lambda step: match_incremental(store, new_records, loaded, folder, mapping, step))
    load = report.load
    if load.already_loaded:
        console.print(f"These records were already added (run {load.run_id}); nothing changed.")
        return
    console.print(
        f"{report.new_records} new records scored against {report.candidates} candidates from the graph: "
        f"{load.links_created} links created, {load.transitions} earlier links moved, {load.members} members touched."
    )
