"""Two matching runs of the same records compared (a new model version against the one
published): which pairs change decision, and what loading the new run would do to the
links the old one left in the graph, by the graph's own supersession rules
(``graph.domain.runs.plan_run``), assuming no steward has touched them yet."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import duckdb
import pyarrow as pa

from graph.domain.links import DecidedBy, LinkState
from graph.domain.runs import CONFIRM, REVIEW, ExistingLink, RunPlan, pair_key, plan_run

NO_LINK = "no_link"
_STATES = {CONFIRM: LinkState.CONFIRMED, REVIEW: LinkState.CANDIDATE}


def decision_changes(old: pa.Table, new: pa.Table) -> pa.Table:
    """Pairs whose decision differs between two runs' ``pairs.parquet`` (a pair a run did
    not keep is ``no_link``): left and right record ids, both weights and both decisions."""
    con = duckdb.connect()
    try:
        con.register("old", old.select(["left_record_id", "right_record_id", "match_weight", "decision"]))
        con.register("new", new.select(["left_record_id", "right_record_id", "match_weight", "decision"]))
        return con.sql(
            f"""WITH o AS (SELECT least(left_record_id, right_record_id) a, greatest(left_record_id, right_record_id) b,
                                  match_weight, decision FROM old),
                     n AS (SELECT least(left_record_id, right_record_id) a, greatest(left_record_id, right_record_id) b,
                                  match_weight, decision FROM new)
                SELECT coalesce(o.a, n.a) AS left_record_id, coalesce(o.b, n.b) AS right_record_id,
                       o.match_weight AS old_weight, n.match_weight AS new_weight,
                       coalesce(o.decision, '{NO_LINK}') AS old_decision,
                       coalesce(n.decision, '{NO_LINK}') AS new_decision
                FROM o FULL OUTER JOIN n ON o.a = n.a AND o.b = n.b
                WHERE coalesce(o.decision, '{NO_LINK}') <> coalesce(n.decision, '{NO_LINK}')
                ORDER BY 1, 2"""
        ).to_arrow_table()
    finally:
        con.close()


def change_counts(changes: pa.Table) -> list[dict[str, Any]]:
    """How many pairs move from each old decision to each new one, most first."""
    old, new = changes.column("old_decision").to_pylist(), changes.column("new_decision").to_pylist()
    counted = Counter(zip(old, new, strict=True))
    return [{"old": o, "new": n, "pairs": c} for (o, n), c in sorted(counted.items(), key=lambda i: (-i[1], i[0]))]


def _decisions(pairs: pa.Table) -> dict[tuple[str, str], str]:
    rows = zip(pairs.column("left_record_id").to_pylist(), pairs.column("right_record_id").to_pylist(),
               pairs.column("decision").to_pylist(), strict=True)  # fmt: skip
    return {pair_key(a, b): d for a, b, d in rows if d in _STATES}


def graph_plan(old: pa.Table, new: pa.Table, actor: str) -> RunPlan:
    """What ``p2p graph load`` of the new run would plan if the graph held exactly the old
    run's links (confirmed and candidate, decided by the model)."""
    existing = [
        ExistingLink(f"old-{a}-{b}", (a, b), _STATES[d], DecidedBy.MODEL) for (a, b), d in _decisions(old).items()
    ]
    return plan_run(actor, _decisions(new), existing)


def plan_counts(plan: RunPlan) -> dict[str, int]:
    """A plan in numbers: links created by state (and how many replace an old link), old
    links moved to each state, and pairs kept as they are."""
    out: dict[str, int] = Counter()
    for link in plan.create:
        out[f"create_{link.state.value}"] += 1
        if link.supersedes:
            out["create_replacing_old_link"] += 1
    for change in plan.transitions:
        out[f"old_link_{change.to_state.value}"] += 1
    out["kept"] = plan.kept
    return dict(sorted(out.items()))


def affected_transfers(changes: pa.Table, transfer_records: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """Unfinished transfers whose member has a record in a pair that changes decision, each with
    how many such pairs: publishing may hold them for review (a new candidate link) or change the
    member they are routed for. ``transfer_records``: transfer id -> its member's record ids."""
    touched: Counter[str] = Counter()
    for left, right in zip(changes.column("left_record_id").to_pylist(), changes.column("right_record_id").to_pylist(),
                           strict=True):  # fmt: skip
        touched[left] += 1
        touched[right] += 1
    counts = {t: sum(touched[r] for r in records) for t, records in transfer_records.items()}
    return {t: n for t, n in sorted(counts.items()) if n}
