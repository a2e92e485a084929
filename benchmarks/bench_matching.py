"""Matching at scale: our pipeline (validate, normalise, train, predict, cluster) against a
plain Splink script on the same normalised data, each in its own process so peak memory
is measured separately.

Usage: python benchmarks/bench_matching.py [--members 680000] [--workdir DIR]
(680,000 generated members give about 1,000,000 records across three payers.)
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STAGE = """
import json, resource, sys, time
from pathlib import Path
stage, root = sys.argv[1], Path(sys.argv[2])
t0 = time.perf_counter()
out = {}
if stage == "ours":
    from matching.linkage import jobs
    from matching.linkage.registry import ModelRegistry
    from graph.domain.clustering import Edge, cluster
    files = sorted((root / "payers").glob("*.parquet"))
    prepared = jobs.load_inputs(files)
    records = jobs.combined(prepared)
    out["prepare_s"] = time.perf_counter() - t0
    from matching.linkage.training import train
    t = time.perf_counter(); trained = train([records], "dedupe_only"); out["train_s"] = time.perf_counter() - t
    import pyarrow.parquet as pq
    pq.write_table(records, root / "normalised.parquet")
    (root / "model.json").write_text(json.dumps(trained.splink_model))
    from matching.linkage.prediction import predict
    t = time.perf_counter()
    p = predict([records], trained.splink_model, trained.columns, [r.name for r in trained.rules], threshold_weight=0.0)
    out["predict_s"] = time.perf_counter() - t
    t = time.perf_counter()
    pairs = p.pairs.select(["left_record_id", "right_record_id", "match_weight", "must_not_link", "auto_confirm_blockers"]).to_pylist()
    edges = [Edge(r["left_record_id"], r["right_record_id"], r["match_weight"]) for r in pairs if r["must_not_link"] is None and r["auto_confirm_blockers"] is None and r["match_weight"] >= 8]
    out["held_by_guard"] = sum(1 for r in pairs if r["must_not_link"] is None and r["auto_confirm_blockers"] and r["match_weight"] >= 8)
    forbidden = [(r["left_record_id"], r["right_record_id"]) for r in pairs if r["must_not_link"]]
    c = cluster(records.column("record_id").to_pylist(), edges, forbidden)
    out["cluster_s"] = time.perf_counter() - t
    out["records"] = records.num_rows
    out["pairs"] = p.pairs.num_rows
    out["clusters"] = len(set(c.cluster_of.values()))
else:
    import duckdb, pyarrow.parquet as pq
    from splink import DuckDBAPI, Linker, block_on
    from splink.clustering import cluster_pairwise_predictions_at_threshold
    from matching.linkage.blocking import blocking_rules_for, training_rules_for
    from matching.linkage.features import feature_columns, model_table
    from matching.linkage.splink_adapter import settings_for
    records = pq.read_table(root / "normalised.parquet")
    cols = feature_columns([records])
    table = model_table(records, cols)
    con = duckdb.connect(); con.execute("SET threads = 1")
    db = DuckDBAPI(connection=con)
    linker = Linker(db.register(table), settings_for(cols, blocking_rules_for(cols), "dedupe_only"), log_level=40)
    t = time.perf_counter()
    linker.training.estimate_probability_two_random_records_match([block_on("first_name_norm", "last_name_norm", "dob")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=3e6, seed=20261128)
    for rule in training_rules_for(cols):
        linker.training.estimate_parameters_using_expectation_maximisation(rule.creator(), max_pairs=2e6)
    out["train_s"] = time.perf_counter() - t
    con.execute("SET threads = 2")
    t = time.perf_counter()
    p = linker.inference.predict(threshold_match_weight=0.0, warning_mode="never")
    out["predict_s"] = time.perf_counter() - t
    t = time.perf_counter()
    c = linker.clustering.cluster_pairwise_predictions_at_threshold(p, threshold_match_weight=8)
    out["cluster_s"] = time.perf_counter() - t
    out["records"] = records.num_rows
out["total_s"] = time.perf_counter() - t0
out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def run_stage(stage: str, root: Path) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", STAGE, stage, str(root)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"{stage} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=680_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    from synthetic import GeneratorConfig, HistoryScope, generate

    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        root = Path(tmp) / "pop"
        began = time.perf_counter()
        generate(GeneratorConfig(members=args.members, seed=args.seed, history=HistoryScope.NONE), root)
        print(f"generated {args.members} members in {time.perf_counter() - began:.0f}s")
        ours = run_stage("ours", root)
        plain = run_stage("plain", root)
    print(
        f"records: {ours['records']:,}  scored pairs kept (weight >= 0): {ours['pairs']:,}  clusters: {ours['clusters']:,}"
    )
    print(f"pairs at weight >= 8 held for review by the auto-confirm guard (ours): {ours['held_by_guard']:,}")
    print(f"{'':22}{'ours':>10}{'plain splink':>14}")
    for key in ("train_s", "predict_s", "cluster_s", "total_s", "peak_rss_mib"):
        print(f"{key:22}{ours.get(key, float('nan')):>10.1f}{plain.get(key, float('nan')):>14.1f}")
    print(
        f"ours / plain wall time: {ours['total_s'] / plain['total_s']:.2f} (ours includes validation and normalisation: {ours['prepare_s']:.1f}s)"
    )
    print(f"records/s end to end (ours): {ours['records'] / ours['total_s']:,.0f}")
    print(f"this process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
