"""Matching use cases, one function each: train, predict, evaluate, link, dedupe.

Entry points (CLI, notebooks) call these; they read canonical files, run the pipeline and
return plain results. Nothing here prints.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import splink

from matching.canonical.errors import CanonicalDataError
from matching.canonical.pipeline import PreparedExtract, prepare
from matching.linkage.evaluation import Evaluation, evaluate
from matching.linkage.features import feature_columns
from matching.linkage.prediction import Predictions, predict
from matching.linkage.registry import ModelFile, ModelRegistry
from matching.linkage.runs import RunSummary, write_run
from matching.linkage.spark_options import SparkOptions, SparkUnavailable
from matching.linkage.splink_adapter import LinkType
from matching.linkage.thresholds import Thresholds
from matching.linkage.training import train

Step = Callable[[str], None]

# Without labelled data: auto-confirm at probability 0.999, review from 0.9.
DEFAULT_THRESHOLDS = Thresholds(auto_confirm=math.log2(0.999 / 0.001), review=math.log2(0.9 / 0.1))
# Pairs scored below this weight are not kept for evaluation (they are never links).
EVALUATION_FLOOR = -10.0


def _quiet(_msg: str) -> None:
    return None


def load_inputs(paths: Sequence[Path], mapping: Path | None = None, step: Step = _quiet) -> list[PreparedExtract]:
    prepared = []
    for path in paths:
        step(f"validating and normalising {path.name}")
        prepared.append(prepare(path, mapping))
    return prepared


def combined(prepared: Sequence[PreparedExtract]) -> pa.Table:
    """One table of all records (record ids must be unique across the files)."""
    table = pa.concat_tables([p.records for p in prepared], promote_options="default")
    ids = table.column("record_id")
    if len(ids.unique()) != len(ids):
        raise CanonicalDataError("record_id values repeat across the input files; make them unique or use `link`")
    return table


def model_notes(
    columns: Sequence[str], rule_names: Sequence[str], link_type: str, sources: Sequence[Path]
) -> dict[str, Any]:
    return {
        "columns": list(columns),
        "blocking_rules": list(rule_names),
        "link_type": link_type,
        "splink_version": splink.__version__,
        "training_files": [p.name for p in sources],
    }


@dataclass
class TrainResult:
    model: ModelFile
    path: Path
    evaluation: Evaluation | None
    predictions: Predictions | None


def train_model(
    paths: Sequence[Path],
    registry: ModelRegistry,
    truth: Path | None = None,
    persons: Path | None = None,
    precision_target: float = 0.999,
    mapping: Path | None = None,
    step: Step = _quiet,
    charts: Path | None = None,
) -> TrainResult:
    """Train on the records of all files (deduplicated together), choose the thresholds on
    the truth file when given, evaluate, and save the model in the registry."""
    # The truth is read before anything long runs or is written: a wrong path fails at once.
    truth_table = _read_truth(truth) if truth is not None else None
    persons_table = _read_optional(persons)
    prepared = load_inputs(paths, mapping, step)
    records = combined(prepared)
    trained = train([records], "dedupe_only", step=step, charts=charts)
    rule_names = [r.name for r in trained.rules]
    evaluation = predictions = None
    thresholds, source = DEFAULT_THRESHOLDS, "default"
    if truth_table is not None:
        step("scoring the training data to choose thresholds")
        predictions = predict([records], trained.splink_model, trained.columns, rule_names, EVALUATION_FLOOR)
        step("evaluating against the truth file")
        evaluation = evaluate(
            predictions.pairs, records.column("record_id").to_pylist(), truth_table, persons_table,
            precision_target=precision_target,
        )  # fmt: skip
        thresholds, source = evaluation.thresholds, "labelled"
    model = ModelFile(
        splink_model=trained.splink_model,
        thresholds=thresholds,
        training_fingerprint=trained.training_fingerprint,
        thresholds_source=source,
        evaluation=evaluation.figures() if evaluation else {},
        notes={
            **model_notes(trained.columns, rule_names, "dedupe_only", paths),
            "skipped_em_sessions": trained.skipped_sessions,
            "comparisons_by_blocking_rule": trained.comparisons_by_rule,
        },
    )
    return TrainResult(model, registry.save(model), evaluation, predictions)


def predict_with(
    model: ModelFile,
    tables: Sequence[pa.Table],
    threshold: float | None,
    charts: Path | None = None,
    spark: SparkOptions | None = None,
) -> Predictions:
    columns = feature_columns(tables)
    missing = sorted(set(model.notes.get("columns", [])) - set(columns))
    if missing:
        raise CanonicalDataError(f"the input lacks columns the model was trained with: {', '.join(missing)}")
    splink_model, used, rules = model.splink_model, model.notes["columns"], model.notes["blocking_rules"]
    if spark is not None:
        try:
            from matching.linkage.spark_backend import predict_on_spark  # pyspark loads only when asked for
        except ImportError as exc:
            needs = f"the Spark backend needs pyspark ({exc}): pip install 'payer-exchange[spark]'"
            raise SparkUnavailable(needs) from None
        return predict_on_spark(tables, splink_model, used, rules, threshold, spark)
    return predict(tables, splink_model, used, rules, threshold, charts=charts)


def _read_truth(path: Path) -> pa.Table:
    table = _read_table(path)
    if not {"record_id", "person_id"} <= set(table.column_names):
        raise CanonicalDataError(f"{path}: a truth file needs record_id and person_id columns")
    return table


def _read_optional(path: Path | None) -> pa.Table | None:
    """A file the caller named must exist (a mistyped --persons is not silently left out)."""
    return _read_table(path) if path is not None else None


def _read_table(path: Path) -> pa.Table:
    if not path.is_file():
        raise CanonicalDataError(f"{path}: no such file")
    try:
        if path.suffix.lower() == ".parquet":
            return pq.read_table(path)
        from pyarrow import csv as pacsv

        return pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(strings_can_be_null=True))
    except (OSError, pa.ArrowException) as exc:
        raise CanonicalDataError(f"{path}: cannot be read: {exc}") from None


@dataclass
class PairsResult:
    predictions: Predictions
    model: ModelFile
    trained_here: bool
    prepared: list[PreparedExtract]


def link_or_dedupe(
    paths: Sequence[Path],
    model: ModelFile | None,
    threshold: float | None = None,
    mapping: Path | None = None,
    step: Step = _quiet,
) -> PairsResult:
    """``link`` (two files: pairs across them) or ``dedupe`` (one file: pairs within it).
    Without a model, one is trained on the input itself with default thresholds."""
    prepared = load_inputs(paths, mapping, step)
    tables = [p.records for p in prepared]
    link_type: LinkType = "link_only" if len(tables) == 2 else "dedupe_only"
    trained_here = model is None
    if model is None:
        trained = train(tables, link_type, step=step)
        model = ModelFile(
            splink_model=trained.splink_model,
            thresholds=DEFAULT_THRESHOLDS,
            training_fingerprint=trained.training_fingerprint,
            thresholds_source="default",
            notes=model_notes(trained.columns, [r.name for r in trained.rules], link_type, paths),
        )
    else:
        model = retyped(model, link_type)
    step("scoring pairs")
    floor = model.thresholds.review if threshold is None else threshold
    return PairsResult(predict_with(model, tables, floor), model, trained_here, prepared)


def predict_files(
    paths: Sequence[Path],
    model: ModelFile,
    threshold: float | None = None,
    mapping: Path | None = None,
    step: Step = _quiet,
) -> PairsResult:
    """Score the records of all files together (one file: within it) with a trained model."""
    if len(paths) == 1:
        return link_or_dedupe(paths, model, threshold, mapping, step)
    prepared = load_inputs(paths, mapping, step)
    records = combined(prepared)
    step("scoring pairs")
    model = retyped(model, "dedupe_only")
    floor = model.thresholds.review if threshold is None else threshold
    return PairsResult(predict_with(model, [records], floor), model, False, prepared)


def retyped(model: ModelFile, link_type: str) -> ModelFile:
    """The same parameters used for another link type (a dedupe model linking two files);
    the model itself when it already has that type."""
    if model.notes.get("link_type") == link_type:
        return model
    splink_model = {**model.splink_model, "link_type": link_type}
    return ModelFile(
        splink_model=splink_model, thresholds=model.thresholds, training_fingerprint=model.training_fingerprint,
        thresholds_source=model.thresholds_source, evaluation=model.evaluation, created=model.created,
        notes={**model.notes, "link_type": link_type},
    )  # fmt: skip


def evaluate_model(
    paths: Sequence[Path],
    model: ModelFile,
    truth: Path,
    persons: Path | None = None,
    mapping: Path | None = None,
    step: Step = _quiet,
    charts: Path | None = None,
) -> Evaluation:
    """The model's figures on these files at its own thresholds (and Splink's charts in ``charts``)."""
    truth_table, persons_table = _read_truth(truth), _read_optional(persons)  # before scoring and charts
    records = combined(load_inputs(paths, mapping, step))
    step("scoring pairs")
    model = retyped(model, "dedupe_only")
    predictions = predict_with(model, [records], EVALUATION_FLOOR, charts=charts)
    step("evaluating against the truth file")
    return evaluate(
        predictions.pairs, records.column("record_id").to_pylist(), truth_table, persons_table,
        thresholds=model.thresholds,
    )  # fmt: skip


def run_model(
    paths: Sequence[Path],
    model: ModelFile,
    out: Path,
    mapping: Path | None = None,
    step: Step = _quiet,
    spark: SparkOptions | None = None,
) -> RunSummary:
    """Score all records of the files with the model and write a run folder for the graph;
    with ``spark``, Splink's Spark backend scores them (same model, same run format)."""
    prepared = load_inputs(paths, mapping, step)
    records = combined(prepared)
    model = retyped(model, "dedupe_only")
    floor = min(model.thresholds.review, model.thresholds.auto_confirm)
    step("scoring pairs" if spark is None else f"scoring pairs on Spark ({spark.master})")
    predictions = predict_with(model, [records], floor, spark=spark)
    step("writing the run")
    return write_run(model, records, predictions, out)
