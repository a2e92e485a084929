"""Batch prediction with Splink's Spark backend: the same saved model, scored by Spark.

Only the scoring moves to Spark (blocking, comparison vectors, term frequencies, match
weights: Splink's ``SparkAPI``). The model's DuckDB SQL is translated first
(``spark_dialect``). Spark writes the scored pairs as Parquet in a work folder and the same
DuckDB step as the DuckDB backend names the blocking rules and adds the must-not-link rules
and the auto-confirm guard (``prediction.decided_pairs``), so a run is written in one format
whichever backend scored it.

Splink's Spark quirks kept here:
- its custom string functions (``jaro_winkler``, ``damerau_levenshtein``) live in a jar that
  must be on the session's classpath (``spark.jars``) before ``SparkAPI`` registers them;
- it breaks lineage by writing intermediate tables under the SparkContext's checkpoint folder;
- ``num_partitions_on_repartition`` defaults to a cluster-sized 100: set from the options.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from pyspark.sql import SparkSession
from splink import Linker, SparkAPI
from splink.backends.spark import similarity_jar_location

from matching.linkage import splink_adapter
from matching.linkage.features import model_table
from matching.linkage.prediction import Predictions, comparison_names, decided_pairs
from matching.linkage.spark_dialect import spark_model
from matching.linkage.spark_options import SparkOptions, SparkUnavailable

SCORED_FOLDER = "scored"
INPUT_FILE = "records.parquet"


@contextmanager
def spark_session(options: SparkOptions, scratch: Path) -> Iterator[SparkSession]:
    """One Spark session for one job, its scratch files under ``scratch``, stopped afterwards."""
    if options.java_home is not None and "JAVA_HOME" not in os.environ:
        os.environ["JAVA_HOME"] = str(options.java_home)
    builder = (
        SparkSession.builder.master(options.master)
        .appName("payer-exchange-matching")
        .config("spark.jars", similarity_jar_location())
        .config("spark.driver.memory", options.driver_memory)
        .config("spark.sql.shuffle.partitions", str(options.shuffle_partitions))
        .config("spark.default.parallelism", str(options.shuffle_partitions))
        .config("spark.sql.warehouse.dir", str(scratch / "warehouse"))
        .config("spark.local.dir", str(scratch / "local"))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        # Comparing every level of a dozen comparisons makes one stage's generated code exceed the
        # JVM's 64 KB method limit: Spark then logs a compile error and falls back anyway.
        .config("spark.sql.codegen.wholeStage", "false")
    )
    if options.master.startswith("local"):  # a local session listens on loopback only
        builder = builder.config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # py4j and pyspark raise plain exceptions when the JVM cannot start
        first_line = (str(exc).strip().splitlines() or [""])[0][:200]
        raise SparkUnavailable(
            f"Spark could not start ({type(exc).__name__}: {first_line}); it needs Java 17+ (P2P_JAVA_HOME)"
        ) from None
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()


@contextmanager
def _work_folder(options: SparkOptions) -> Iterator[Path]:
    if options.work_dir is not None:
        options.work_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="p2p-spark-", dir=options.work_dir) as folder:
        yield Path(folder)


def predict_on_spark(
    tables: Sequence[pa.Table],
    splink_model: dict[str, Any],
    columns: Sequence[str],
    rule_names: Sequence[str],
    threshold_weight: float | None,
    options: SparkOptions,
) -> Predictions:
    """``prediction.predict`` for one table (dedupe, as a matching run scores), on Spark."""
    if len(tables) != 1:
        raise ValueError("the Spark backend scores one table of records (a matching run)")
    scoring = {
        **spark_model(splink_model),
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,
    }
    with _work_folder(options) as work, spark_session(options, work) as spark:
        spark.sparkContext.setCheckpointDir(str(work / "checkpoints"))
        pq.write_table(model_table(tables[0], columns), work / INPUT_FILE)
        api = SparkAPI(  # type: ignore[no-untyped-call]
            spark_session=spark, num_partitions_on_repartition=options.shuffle_partitions
        )
        frame = api.register(spark.read.parquet(str(work / INPUT_FILE)))
        logging.getLogger("splink").setLevel(splink_adapter.SPLINK_LOG_LEVEL)
        linker = Linker(frame, scoring, log_level=splink_adapter.SPLINK_LOG_LEVEL)
        counts = splink_adapter.blocking_counts(linker, rule_names)
        scored = linker.inference.predict(threshold_match_weight=threshold_weight, warning_mode="never")
        scored.as_spark_dataframe().write.parquet(str(work / SCORED_FOLDER))
        con = splink_adapter.connection()
        try:
            con.read_parquet(str(work / SCORED_FOLDER / "*.parquet")).create_view("scored")
            pairs = decided_pairs(con, "scored", splink_model, columns, rule_names)
        finally:
            con.close()
    return Predictions(pairs=pairs, comparisons=comparison_names(splink_model), comparisons_by_rule=counts)
