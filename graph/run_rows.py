"""What a matching run writes, as rows for the Cypher batches (and the bulk importer):
record versions with their content hash, links with provenance, must-not-link pairs."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from graph.domain.links import DecidedBy, LinkState
from graph.domain.runs import ExistingLink, RunPlan, pair_key, plan_run

BATCH = 5_000  # rows per read batch and per small write
# Rows per batch of records, links and memberships: Neo4j spends 20-45 % less CPU on 1,000-row
# transactions of ~45-property records than on 5,000-row ones (measured at 140,000 records).
WRITE_BATCH = 1_000
# Raw values kept for stewards plus the normalised features real-time scoring needs.
# The full SSN is never stored: only its last four digits.
EXCLUDED_PROPERTIES = frozenset({"ssn", "_row"})

Progress = Callable[[str, int, int], None]
# json.dumps's text, without its per-call set-up; callers put keys in sorted order themselves.
_ENCODE = json.JSONEncoder().encode
_ENCODE_ANY = json.JSONEncoder(default=str).encode


@dataclass(frozen=True)
class LoadReport:
    run_id: str
    already_loaded: bool
    records: int = 0
    links_created: int = 0
    transitions: int = 0
    kept: int = 0
    members: int = 0
    members_changed: int = 0


def batches(rows: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _stored_values(records: pa.Table) -> Iterator[dict[str, Any]]:
    """Each record's stored properties (nulls left out) with its content hash, a column at a
    time: the hash is of the same JSON text as ``json.dumps(props, sort_keys=True, default=str)``."""
    names = sorted(n for n in records.column_names if n not in EXCLUDED_PROPERTIES)
    for values in zip(*(records.column(n).to_pylist() for n in names), strict=True):
        props = {k: v for k, v in zip(names, values, strict=True) if v is not None}
        props["content_hash"] = hashlib.sha256(_ENCODE_ANY(props).encode()).hexdigest()
        yield props


def record_key(props: dict[str, Any]) -> str:
    return f"{props['record_id']}#{props['content_hash'][:12]}"


def record_rows(records: pa.Table) -> list[dict[str, Any]]:
    """Rows of identity/upsert_records."""
    return [
        {"record_key": record_key(props), "record_id": props["record_id"], "props": props}
        for props in _stored_values(records)
    ]


def record_hashes(records: pa.Table) -> list[str]:
    """The content hash of each record, in table order, without keeping its properties."""
    return [props["content_hash"] for props in _stored_values(records)]


def link_id_for(run_id: str, pair: tuple[str, str]) -> str:
    return hashlib.sha256(f"{run_id}|{pair[0]}|{pair[1]}".encode()).hexdigest()[:24]


@dataclass(frozen=True)
class PlannedLinks:
    plan: RunPlan
    creates: list[dict[str, Any]]  # rows of identity/create_links
    never: list[dict[str, Any]]  # rows of identity/record_must_not_link


def plan_links(
    run_id: str, model_version: str, pairs: list[dict[str, Any]], existing: list[ExistingLink]
) -> PlannedLinks:
    """The run's decisions met with the links already there: links to create, transitions,
    and the must-not-link pairs to keep."""
    by_pair = {pair_key(p["left_record_id"], p["right_record_id"]): p for p in pairs}
    decisions = {k: p["decision"] for k, p in by_pair.items() if p["decision"] in ("confirm", "review")}
    actor = f"model:{model_version}"  # actors name the model; evidence names the run
    plan = plan_run(actor, decisions, existing)
    measures = sorted(k for k in (pairs[0] if pairs else {}) if k.startswith(("mw_", "gamma_")))
    creates = [
        _link_row(run_id, actor, new.pair, new.state, new.reason, new.supersedes, by_pair[new.pair], measures)
        for new in plan.create
    ]
    never = [
        {"left": p["left_record_id"], "right": p["right_record_id"], "rule": p["must_not_link"],
         "match_weight": p["match_weight"]}
        for p in pairs if p["must_not_link"]
    ]  # fmt: skip
    return PlannedLinks(plan, creates, never)


def _link_row(
    run_id: str,
    actor: str,
    pair: tuple[str, str],
    state: LinkState,
    reason: str,
    supersedes: str | None,
    scored: dict[str, Any],
    measures: list[str],
) -> dict[str, Any]:
    """``measures``: the pair's mw_/gamma_ columns, sorted (the contributions JSON keeps that order)."""
    contributions = {k: scored[k] for k in measures if scored[k] is not None}
    return {
        "link_id": link_id_for(run_id, pair), "pair_key": f"{pair[0]}|{pair[1]}",
        "left": pair[0], "right": pair[1], "state": state.value, "decided_by": DecidedBy.MODEL.value,
        "actor": actor, "reason": reason, "supersedes": supersedes,
        "match_weight": scored["match_weight"], "match_probability": scored["match_probability"],
        "contributions": _ENCODE(contributions), "blocking_rule": scored.get("blocking_rule"),
        "must_not_link": scored.get("must_not_link"),
        "evidence": _ENCODE({"run_id": run_id, "match_weight": scored["match_weight"],
                             "auto_confirm_blockers": scored.get("auto_confirm_blockers")}),
    }  # fmt: skip
