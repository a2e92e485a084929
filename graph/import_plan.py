"""A first run planned against an empty graph, a column at a time (the offline import).

What ``run_rows.plan_links`` gives when no link exists yet, as tables: every pair the run
confirms or sends to review becomes a new link (the last row of a pair decides, as there),
and must-not-link pairs are kept (the first row of a pair, as ``MERGE`` keeps it). Pairs
naming a record the run does not hold are left out, as the Bolt load's ``MATCH`` skips them.
JSON texts are json's own: values are encoded once per distinct value (contributions) or
per row (evidence) by the same encoder ``run_rows`` uses.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from graph.domain.links import DecidedBy, LinkState
from graph.json_text import object_sql, select

_ENCODE = json.JSONEncoder().encode
_ENCODE_ANY = json.JSONEncoder(default=str).encode
NO_WEIGHT = 1e6  # a confirmed link without a weight counts as the strongest, as recluster reads it


@dataclass(frozen=True)
class ImportPlan:
    links: pa.Table  # link_id, pair_key, left, right, state, decided_by, actor, reason, match_weight, ...
    never: pa.Table  # left, right, rule, match_weight
    decided: int  # pairs the run links, before leaving out those naming an unknown record


def plan_import(run_id: str, model_version: str, pairs: pa.Table, record_ids: pa.ChunkedArray) -> ImportPlan:
    actor = f"model:{model_version}"
    left, right = pairs["left_record_id"], pairs["right_record_id"]
    swap = pc.greater(left, right)
    rows = pa.table({"lo": pc.if_else(swap, right, left), "hi": pc.if_else(swap, left, right),
                     "row": pa.array(range(pairs.num_rows), pa.int64())})  # fmt: skip
    last = rows.group_by(["lo", "hi"], use_threads=False).aggregate([("row", "max")])["row_max"]
    chosen, lo, hi = pairs.take(last), rows["lo"].take(last), rows["hi"].take(last)
    decided = pc.is_in(chosen["decision"], pa.array(["confirm", "review"]))
    known = pc.and_(pc.is_in(lo, record_ids), pc.is_in(hi, record_ids))
    keep = pc.and_(decided, known)
    scored, lo, hi = chosen.filter(keep), lo.filter(keep), hi.filter(keep)
    links = _links(run_id, actor, scored, lo, hi)
    return ImportPlan(links, _never(pairs, record_ids), pc.sum(decided).as_py() or 0)


def _links(run_id: str, actor: str, scored: pa.Table, lo: pa.ChunkedArray, hi: pa.ChunkedArray) -> pa.Table:
    count = scored.num_rows
    sha = hashlib.sha256
    pairs = zip(lo.to_pylist(), hi.to_pylist(), strict=True)
    ids = [sha(f"{run_id}|{a}|{b}".encode()).hexdigest()[:24] for a, b in pairs]  # as run_rows.link_id_for
    confirm = pc.equal(scored["decision"], "confirm")
    weights = scored["match_weight"]
    blockers = _optional(scored, "auto_confirm_blockers", count)
    head = f'{{"run_id": {_ENCODE(run_id)}, "match_weight": '
    evidence = [
        f'{head}{_json_float(w)}, "auto_confirm_blockers": {b}}}'
        for w, b in zip(
            weights.to_pylist(), _json_values(blockers, _ENCODE_ANY).fill_null("null").to_pylist(), strict=True
        )
    ]
    return pa.table({
        "link_id": pa.array(ids, pa.string()), "pair_key": pc.binary_join_element_wise(lo, hi, "|"),
        "left": lo, "right": hi,
        "state": pc.if_else(confirm, LinkState.CONFIRMED.value, LinkState.CANDIDATE.value),
        "decided_by": pa.repeat(pa.scalar(DecidedBy.MODEL.value), count), "actor": pa.repeat(pa.scalar(actor), count),
        "reason": pc.binary_join_element_wise(scored["decision"], f" by {actor}", ""),
        "match_weight": weights.cast(pa.float64()),
        "match_probability": scored["match_probability"].cast(pa.float64()),
        "contributions": _contributions(scored), "blocking_rule": _optional(scored, "blocking_rule", count),
        "must_not_link": _optional(scored, "must_not_link", count), "evidence": pa.array(evidence, pa.string()),
    })  # fmt: skip


def _optional(table: pa.Table, name: str, count: int) -> pa.ChunkedArray:
    if name in table.column_names:
        return table[name]
    return pa.chunked_array([pa.nulls(count, pa.string())])


def _contributions(scored: pa.Table) -> pa.ChunkedArray:
    """``{"gamma_x": 2, "mw_x": 1.5, ...}``: the pair's measures in name order, nulls left out."""
    measures = sorted(n for n in scored.column_names if n.startswith(("mw_", "gamma_")))
    if not measures:
        return pa.chunked_array([pa.repeat(pa.scalar("{}"), scored.num_rows)])
    texts = pa.table({f"c{i}": _json_values(scored[name]) for i, name in enumerate(measures)})
    return select(texts, f"{object_sql(measures, [f'c{i}' for i in range(len(measures))])} AS j")["j"]


def _json_values(column: pa.ChunkedArray, encode: Callable[[Any], str] = _ENCODE) -> pa.Array:
    """Each value's JSON text, encoded once per distinct value; null stays null."""
    encoded = pc.dictionary_encode(column).combine_chunks()
    texts = pa.array([encode(v) for v in encoded.dictionary.to_pylist()], pa.string())
    return texts.take(encoded.indices)


def _json_float(value: float | None) -> str:
    """json's text of a float: its repr when finite (json's own way), json itself otherwise."""
    return "null" if value is None else repr(value) if math.isfinite(value) else _ENCODE(value)


def _never(pairs: pa.Table, record_ids: pa.ChunkedArray) -> pa.Table:
    """Must-not-link pairs between known records, the first row of each (left, right)."""
    flagged = pairs.filter(
        pc.and_(
            pc.is_valid(pairs["must_not_link"]),
            pc.and_(pc.is_in(pairs["left_record_id"], record_ids), pc.is_in(pairs["right_record_id"], record_ids)),
        )
    )
    rows = pa.table({"left": flagged["left_record_id"], "right": flagged["right_record_id"],
                     "row": pa.array(range(flagged.num_rows), pa.int64())})  # fmt: skip
    firsts = flagged.take(rows.group_by(["left", "right"], use_threads=False).aggregate([("row", "min")])["row_min"])
    weights = firsts["match_weight"].cast(pa.float64())
    return pa.table({"left": firsts["left_record_id"], "right": firsts["right_record_id"],
                     "rule": firsts["must_not_link"], "match_weight": weights})  # fmt: skip
