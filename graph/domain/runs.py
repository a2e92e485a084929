"""What a new matching run does to the links already in the graph.

A run's decision for a pair (confirm, review, or nothing) meets the pair's current link:

| current link | new decision | outcome |
|---|---|---|
| none | confirm / review | new link, confirmed / candidate |
| by the model (any active state) | confirm / review | new link; the old one is superseded |
| by the model (any active state) | nothing | the old link is superseded |
| confirmed by a steward | confirm | kept (the run agrees) |
| confirmed by a steward | review / nothing | kept, but disputed: a steward looks again |
| retired by a steward | confirm | new candidate: the model disagrees, a steward decides |
| retired by a steward | review / nothing | kept |
| disputed or candidate by a steward or a quality check | anything | kept: it awaits a person |

A model run never overrides a person.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from graph.domain.links import DecidedBy, LinkState, Transition, transition

CONFIRM = "confirm"
REVIEW = "review"


@dataclass(frozen=True)
class ExistingLink:
    link_id: str
    pair: tuple[str, str]
    state: LinkState
    decided_by: DecidedBy


@dataclass(frozen=True)
class NewLink:
    pair: tuple[str, str]
    state: LinkState
    reason: str
    supersedes: str | None = None


@dataclass
class RunPlan:
    create: list[NewLink] = field(default_factory=list)
    transitions: list[Transition] = field(default_factory=list)
    kept: int = 0


def pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def plan_run(
    run_actor: str,
    decisions: Mapping[tuple[str, str], str],
    existing: Iterable[ExistingLink],
) -> RunPlan:
    """``decisions``: pair -> "confirm" | "review" for the pairs this run would link; pairs
    absent are "nothing". ``existing``: the current link of each pair (active or retired)."""
    plan = RunPlan()
    current = {link.pair: link for link in existing}
    for pair in sorted(set(decisions) | set(current)):
        _plan_pair(plan, run_actor, pair, decisions.get(pair), current.get(pair))
    return plan


def _plan_pair(
    plan: RunPlan, actor: str, pair: tuple[str, str], decision: str | None, link: ExistingLink | None
) -> None:
    wanted = {CONFIRM: LinkState.CONFIRMED, REVIEW: LinkState.CANDIDATE}.get(decision or "")
    if link is None:
        if wanted:
            plan.create.append(NewLink(pair, wanted, f"{decision} by {actor}"))
        return
    if link.decided_by is DecidedBy.MODEL and link.state in (
        LinkState.CANDIDATE,
        LinkState.CONFIRMED,
        LinkState.DISPUTED,
    ):
        if wanted:
            plan.create.append(NewLink(pair, wanted, f"{decision} by {actor}", supersedes=link.link_id))
        reason = f"replaced by {actor}" if wanted else f"not linked by {actor}"
        plan.transitions.append(transition(link.link_id, link.state, LinkState.SUPERSEDED, actor, reason))
        return
    if link.decided_by is DecidedBy.STEWARD and link.state is LinkState.CONFIRMED and decision != CONFIRM:
        reason = f"{actor} {'only proposes review of' if decision else 'does not link'} this steward-confirmed pair"
        plan.transitions.append(transition(link.link_id, link.state, LinkState.DISPUTED, actor, reason))
        return
    if link.decided_by is DecidedBy.STEWARD and link.state is LinkState.RETIRED and decision == CONFIRM:
        plan.create.append(NewLink(pair, LinkState.CANDIDATE, f"{actor} would confirm a pair a steward retired"))
        return
    plan.kept += 1
