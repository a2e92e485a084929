"""Run the cluster quality checks over the identity graph and open a dispute on each link they flag.

Active members are read in pages (in member-key order), checked with ``graph.quality_checks``,
and every flagged confirmed link moves to disputed (decided_by quality_check, actor
``quality:<CHECK>``, reason ``<CHECK>: <explanation>``, the finding as evidence). Idempotent: a
link already disputed is refused by the lifecycle table and counted, never moved again, and the
write moves a link only if it is still in the state the decision was made on.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from graph.domain.links import DecidedBy, IllegalTransition, LinkState, Transition, transition
from graph.quality_checks import (
    DEFAULTS,
    Check,
    Finding,
    MemberGraph,
    MemberLink,
    MustNotLink,
    Thresholds,
    check_members,
)
from graph.quality_disputes import open_disputes
from graph.store import GraphStore

MEMBER_PAGE = 1_000  # members read per query (a few records and links each)


@dataclass
class QualityReport:
    dry_run: bool
    members_checked: int = 0
    findings: list[Finding] = field(default_factory=list)
    disputes: list[Transition] = field(default_factory=list)  # planned; written unless dry_run
    disputes_opened: int = 0  # links the database actually moved to disputed
    already_disputed: list[str] = field(default_factory=list)  # flagged links that were disputed before
    missing_members: list[str] = field(default_factory=list)  # asked for, but not active or without records

    def findings_per_check(self) -> dict[Check, int]:
        counts = Counter(f.check for f in self.findings)
        return {check: counts[check] for check in Check}

    def disputes_per_check(self) -> dict[Check, int]:
        counts = Counter(Check(t.actor.removeprefix("quality:")) for t in self.disputes)
        return {check: counts[check] for check in Check}


def run_quality_checks(
    store: GraphStore,
    member_keys: Sequence[str] | None = None,
    thresholds: Thresholds = DEFAULTS,
    *,
    dry_run: bool = False,
) -> QualityReport:
    """Check the given members (default: every active member) and dispute the links they flag."""
    report = QualityReport(dry_run=dry_run)
    for page in _member_pages(store, member_keys):
        members = read_members(store, page)
        report.members_checked += len(members)
        if member_keys is not None:
            report.missing_members += sorted(set(page) - {m.member_key for m in members})
        findings = check_members(members, thresholds)
        states = {link.link_id: link.state for m in members for link in m.links}
        disputes, already = plan_disputes(findings, states)
        report.findings += findings
        report.disputes += disputes
        report.already_disputed += already
        if not dry_run:
            member_of = {f.link_id: f.member_key for f in findings}
            report.disputes_opened += open_disputes(store, disputes, member_of)
    return report


def plan_disputes(findings: Sequence[Finding], states: Mapping[str, LinkState]) -> tuple[list[Transition], list[str]]:
    """One dispute per flagged link, for its most severe finding (the others go into the evidence).
    Returns the disputes to open and the flagged links that were already disputed."""
    by_link: dict[str, list[Finding]] = {}
    for finding in sorted(findings, key=Finding.sort_key):
        by_link.setdefault(finding.link_id, []).append(finding)
    disputes, already = [], []
    for link_id, flagged in sorted(by_link.items()):
        first = flagged[0]
        evidence = {
            "check": first.check.value, "member_key": first.member_key, "record_ids": list(first.record_ids),
            **first.evidence, "also_flagged_by": sorted({f.check.value for f in flagged[1:]} - {first.check.value}),
        }  # fmt: skip
        try:
            disputes.append(
                transition(link_id, states[link_id], LinkState.DISPUTED, f"quality:{first.check}",
                           f"{first.check}: {first.reason}", json.dumps(evidence, sort_keys=True))
            )  # fmt: skip
        except IllegalTransition:
            already.append(link_id)
    return disputes, already


def read_members(store: GraphStore, member_keys: Sequence[str]) -> list[MemberGraph]:
    """The records, confirmed and disputed links, and must-not-link pairs of these active members."""
    records: dict[str, set[str]] = {}
    for row in store.read("quality/member_records", {"member_keys": list(member_keys)}):
        records.setdefault(row["member_key"], set()).add(row["record_id"])
    links: dict[str, list[MemberLink]] = {}
    never: dict[str, list[MustNotLink]] = {}
    for row in store.read("quality/member_links", {"member_keys": list(member_keys)}):
        key = row["member_key"]
        if row["kind"] == "link":
            weight = None if row["weight"] is None else float(row["weight"])
            state, decided_by = LinkState(row["state"]), DecidedBy(row["decided_by"] or DecidedBy.MODEL)
            links.setdefault(key, []).append(
                MemberLink(row["link_id"], row["left"], row["right"], weight, state, decided_by)
            )
        else:
            never.setdefault(key, []).append(MustNotLink(row["left"], row["right"], row["rule"]))
    return [
        MemberGraph(key, frozenset(ids), tuple(links.get(key, ())), tuple(never.get(key, ())))
        for key, ids in sorted(records.items())
    ]


def _member_pages(store: GraphStore, member_keys: Sequence[str] | None) -> Iterator[list[str]]:
    if member_keys is not None:
        keys = sorted(set(member_keys))
        for start in range(0, len(keys), MEMBER_PAGE):
            yield keys[start : start + MEMBER_PAGE]
        return
    after = ""
    while True:
        page = [
            r["member_key"] for r in store.read("quality/active_members_page", {"after": after, "limit": MEMBER_PAGE})
        ]
        if page:
            yield page
        if len(page) < MEMBER_PAGE:
            return
        after = page[-1]
