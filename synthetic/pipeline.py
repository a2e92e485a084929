"""The one entry point: ``generate(config, out)`` writes a whole synthetic population (the
layout is in the package docstring). Each stage draws from its own seeded stream.
Everything is built in a temporary sibling folder and renamed into place at the end."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from synthetic.config import GENERATOR_VERSION, GeneratorConfig
from synthetic.enrollment import build_enrollment
from synthetic.fhir_history import HistorySettings
from synthetic.fhir_parts import write_histories
from synthetic.history_views import member_views, selected_memberships
from synthetic.member_ids import assign_ids
from synthetic.people import build_population
from synthetic.places import Places
from synthetic.records import build_records
from synthetic.rng import derive_seed, stream
from synthetic.switches import build_switches, switching_persons
from synthetic.tables import TRUTH_TAGS, payer_tables, persons_table, truth_table
from synthetic.writer import check_target, digest, swap_into_place, temporary_sibling, write_manifest, write_parquet

ProgressCallback = Callable[[str, int, int], None]
"""Called with (step, done, total) as the generation advances."""

_PARALLEL_FROM = 20_000  # memberships with a history
_CATEGORICAL = ("payer_id", "source_system", "relationship", "sex", "state", "old_payer_id", "new_payer_id")


@dataclass(frozen=True)
class GenerationResult:
    out: Path
    persons: int
    records_per_payer: dict[str, int]
    multi_payer_persons: int
    switches: int
    histories: int  # memberships with a FHIR history
    resources_per_type: dict[str, int]
    files: int
    bytes: int
    seconds: float


def generate(
    config: GeneratorConfig,
    out: Path | str,
    *,
    overwrite: bool = False,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
) -> GenerationResult:
    """Generate the population of ``config`` into ``out``. Raises ``OutputNotEmptyError`` for a
    non-empty ``out`` unless ``overwrite`` (and then only over an earlier output of ours).

    FHIR histories are written by ``workers`` processes (default: the CPU count, or 1 for
    small populations); the number changes speed, never the bytes. Worker processes are
    started with ``spawn``, so a script calling this needs the usual
    ``if __name__ == "__main__":`` guard."""
    started = time.perf_counter()
    target = Path(out).absolute()
    check_target(target, overwrite)
    tmp = temporary_sibling(target)
    try:
        summary = _build(config, tmp, workers, progress or (lambda step, done, total: None))
        check_target(target, overwrite)  # again: something may have appeared there meanwhile
        swap_into_place(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return GenerationResult(out=target, seconds=time.perf_counter() - started, **summary)


def _cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _build(cfg: GeneratorConfig, root: Path, workers: int | None, progress: ProgressCallback) -> dict[str, Any]:
    files: dict[str, dict[str, Any]] = {}

    def save(table: pa.Table, relative: str) -> None:
        write_parquet(table, root / relative, dictionary=[c for c in table.column_names if c in _CATEGORICAL])
        files[relative] = digest(root / relative)

    for step in ("persons", "enrollment", "records", "tables", "switches"):
        progress(step, 0, 1)
    places = Places(stream(cfg.seed, "places"))
    pop = build_population(cfg, stream(cfg.seed, "people"), places)
    progress("persons", 1, 1)
    enrollment = build_enrollment(cfg, stream(cfg.seed, "enrollment"), pop, places)
    assign_ids(stream(cfg.seed, "member-ids"), enrollment, cfg.payers, cfg.recycled_share)
    progress("enrollment", 1, 1)
    records = build_records(cfg, stream(cfg.seed, "records"), pop, enrollment)
    progress("records", 1, 1)
    records_per_payer = {}
    for payer, table in payer_tables(records, cfg.payer_ids()).items():
        save(table, f"payers/{payer}.parquet")
        records_per_payer[payer] = table.num_rows
    truth = truth_table(pop, enrollment, records)
    save(truth, "truth.parquet")
    save(persons_table(pop), "persons.parquet")
    progress("tables", 1, 1)
    switches = build_switches(cfg, stream(cfg.seed, "switches"), enrollment, records)
    save(switches, "switches.parquet")
    progress("switches", 1, 1)
    selected = selected_memberships(cfg, enrollment, switching_persons(enrollment))
    views = member_views(cfg, pop, enrollment, records, selected)
    done = 0

    def advance(members: int) -> None:
        nonlocal done
        done += members
        progress("FHIR histories", done, len(selected))

    progress("FHIR histories", 0, len(selected))
    settings = HistorySettings(
        seed=derive_seed(cfg.seed, "fhir"),
        today=cfg.as_of.toordinal(),
        years=cfg.history_years,
        encounters_per_year=cfg.encounters_per_year,
        sensitive_share=cfg.sensitive_share,
        prior_auth_share=cfg.prior_auth_share,
    )
    if workers is None:  # worker processes take a second to start: not worth it for small populations
        workers = _cpus() if len(selected) >= _PARALLEL_FROM else 1
    resources, fhir_files = write_histories(root, views, settings, cfg.fhir_part_members, workers, advance)
    files.update(fhir_files)
    payers_of: dict[int, set[int]] = {}
    for payer_index, person in zip(records.payer, records.person, strict=True):
        payers_of.setdefault(person, set()).add(payer_index)
    summary: dict[str, Any] = {
        "persons": len(pop),
        "records_per_payer": records_per_payer,
        "multi_payer_persons": sum(1 for payers in payers_of.values() if len(payers) > 1),
        "switches": switches.num_rows,
        "histories": len(selected),
        "resources_per_type": resources,
        "files": len(files) + 1,
    }
    counts = {
        **summary,
        "households": len(pop.hh_start),
        "memberships": len(enrollment.memberships),
        "records": len(records),
        "switches_opted_in": sum(switches["consent_opt_in"].to_pylist()),
        "hard_cases": {tag: sum(truth[tag].to_pylist()) for tag in TRUTH_TAGS},
    }
    del counts["files"]
    content = {"version": GENERATOR_VERSION, "seed": cfg.seed, "as_of": cfg.as_of.isoformat(), "counts": counts}
    write_manifest(root, {**content, "parameters": cfg.model_dump(mode="json")}, files)
    summary["bytes"] = sum(f["bytes"] for f in files.values()) + (root / "manifest.json").stat().st_size
    return summary
