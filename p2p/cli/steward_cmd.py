"""``p2p steward ...``: review and decide identity links. Every action names the steward and a reason."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, TypeVar

import typer
from rich.table import Column, Table

from graph.domain.links import IllegalTransition, LinkState
from graph.stewardship import ActionResult, StewardError, decide_link, link_history, merge, routing_decision, split
from graph.store import GraphStore
from p2p.bootstrap import graph_store
from p2p.cli import steward_query_cmd
from p2p.cli.common import UserError, console, friendly_errors, settings

app = typer.Typer(
    help="Review candidate and disputed links; confirm, retire, dispute, split and merge.", no_args_is_help=True
)

T = TypeVar("T")
Steward = Annotated[str, typer.Option("--steward", help="Your name, recorded with the decision.")]
Reason = Annotated[str, typer.Option("--reason", help="Why: recorded in the link's history.")]
LinkId = Annotated[str, typer.Argument(help="Link id (see `p2p steward queue`).")]


def _with_store(work: Callable[[GraphStore], T]) -> T:
    try:
        with graph_store(settings()) as store:
            return work(store)
    except (StewardError, IllegalTransition) as exc:
        raise UserError(str(exc)) from None


def _report(result: ActionResult) -> None:
    for t in result.transitions:
        console.print(f"link {t.link_id}: {t.from_state} -> {t.to_state}")
    console.print(f"{result.action} done; members now: {', '.join(result.members) or 'none'}")


@app.command()
@friendly_errors
def queue(
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 25,
    as_json: Annotated[bool, typer.Option("--json", help="Rows as JSON (for scripts).")] = False,
) -> None:
    """Candidate and disputed links, most impactful first (member size, transfers waiting)."""
    rows = _with_store(lambda store: store.read("steward/review_queue", {"limit": limit}))
    if as_json:
        console.print_json(json.dumps(rows, default=str))
        return
    link = Column("link", no_wrap=True, min_width=24)  # an id to copy into confirm/retire: never cut
    table = Table(link, "state", "weight", "records", "members", "impact", "reason")
    for r in rows:
        weight = "" if r.get("match_weight") is None else f"{r['match_weight']:.1f}"
        table.add_row(
            str(r["link_id"]), str(r["state"]), weight, " / ".join(r.get("record_ids") or []),
            str(r.get("member_size", "")), str(r.get("impact", "")), str(r.get("reason") or ""),
        )  # fmt: skip
    console.print(table)


def _decide(link_id: str, state: LinkState, steward: str, reason: str) -> None:
    _report(_with_store(lambda store: decide_link(store, link_id, state, steward, reason)))


@app.command()
@friendly_errors
def confirm(link_id: LinkId, steward: Steward, reason: Reason) -> None:
    """Confirm a candidate or disputed link: the two records are the same person."""
    _decide(link_id, LinkState.CONFIRMED, steward, reason)


@app.command()
@friendly_errors
def retire(link_id: LinkId, steward: Steward, reason: Reason) -> None:
    """Retire a candidate or disputed link: different people (no later model run can undo it)."""
    _decide(link_id, LinkState.RETIRED, steward, reason)


@app.command()
@friendly_errors
def dispute(link_id: LinkId, steward: Steward, reason: Reason) -> None:
    """Dispute a confirmed link: transfers for its member are held until it is resolved."""
    _decide(link_id, LinkState.DISPUTED, steward, reason)


@app.command("split")
@friendly_errors
def split_cmd(
    member_key: Annotated[str, typer.Argument(help="Member to split.")],
    record_ids: Annotated[list[str], typer.Argument(help="Records that move to a new member.")],
    steward: Steward,
    reason: Reason,
) -> None:
    """Move records out of a member into a new one (lineage is kept)."""
    _report(_with_store(lambda store: split(store, member_key, record_ids, steward, reason)))


@app.command("merge")
@friendly_errors
def merge_cmd(
    member_keys: Annotated[list[str], typer.Argument(help="Two or more members that are one person.")],
    steward: Steward,
    reason: Reason,
) -> None:
    """Join members (the smaller keys redirect to the survivor)."""
    _report(_with_store(lambda store: merge(store, member_keys, steward, reason)))


@app.command()
@friendly_errors
def history(link_id: LinkId) -> None:
    """A link's provenance and every state change it went through."""
    found = _with_store(lambda store: link_history(store, link_id))
    link = found["link"]
    console.print(
        f"link {link['link_id']} between {' and '.join(sorted(found['record_ids']))}: {link['state']} "
        f"(decided by {link.get('decided_by')}, model {link.get('model_version')}, weight {link.get('match_weight')})"
    )
    if link.get("contributions"):
        parts = json.loads(link["contributions"])
        console.print(
            "contributions: " + ", ".join(f"{k[3:]} {v:+.2f}" for k, v in sorted(parts.items()) if k.startswith("mw_"))
        )
    created = json.loads(found["events"][0]["evidence"] or "{}") if found["events"] else {}
    if created.get("auto_confirm_blockers"):
        console.print(f"held for review by the auto-confirm guard: {created['auto_confirm_blockers']}")
    table = Table("#", "from", "to", "at", "by", "reason")
    for e in found["events"]:
        table.add_row(
            str(e["seq"]),
            str(e["from_state"] or ""),
            str(e["to_state"]),
            str(e["at"])[:19],
            str(e["actor"]),
            str(e["reason"]),
        )
    console.print(table)


@app.command()
@friendly_errors
def route(
    member_key: Annotated[str, typer.Argument(help="Member key (a retired key is followed to its successor).")],
) -> None:
    """May this member's data be routed now? (exit code 1 when held)"""
    decision = _with_store(lambda store: routing_decision(store, member_key))
    if decision.routable:
        console.print(
            f"routable: member {decision.member_key}"
            + (f" (redirected from {member_key})" if decision.redirected else "")
        )
        return
    console.print(f"held: {', '.join(r.value for r in decision.reasons)}")
    for link in decision.open_links:
        console.print(f"  link {link.link_id} is {link.state}: {link.reason}")
    raise typer.Exit(1)


app.command("query")(steward_query_cmd.query)
