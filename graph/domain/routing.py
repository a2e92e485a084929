"""May a member's data be routed now? The exchange asks this before every release.

Routed only when the member is known and active (after following redirects) and none of
its records has a candidate or disputed link: an identity still under review holds the
transfer, with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class HoldReason(StrEnum):
    MEMBER_UNKNOWN = "member_unknown"
    MEMBER_RETIRED = "member_retired"
    NO_RECORDS = "member_without_records"
    CANDIDATE_LINK = "identity_candidate_link"
    DISPUTED_LINK = "identity_disputed_link"


@dataclass(frozen=True)
class OpenLink:
    link_id: str
    state: str
    reason: str | None


@dataclass(frozen=True)
class RoutingDecision:
    asked_for: str
    member_key: str | None
    routable: bool
    reasons: tuple[HoldReason, ...] = ()
    open_links: tuple[OpenLink, ...] = field(default_factory=tuple)

    @property
    def redirected(self) -> bool:
        return self.member_key is not None and self.member_key != self.asked_for


def decide_routing(
    asked_for: str,
    known: bool,
    member_key: str | None,
    status: str | None,
    records: int,
    open_links: Sequence[OpenLink],
) -> RoutingDecision:
    if not known:
        return RoutingDecision(asked_for, None, False, (HoldReason.MEMBER_UNKNOWN,))
    reasons: list[HoldReason] = []
    if status != "active":
        reasons.append(HoldReason.MEMBER_RETIRED)
    if records == 0:
        reasons.append(HoldReason.NO_RECORDS)
    if any(link.state == "candidate" for link in open_links):
        reasons.append(HoldReason.CANDIDATE_LINK)
    if any(link.state == "disputed" for link in open_links):
        reasons.append(HoldReason.DISPUTED_LINK)
    return RoutingDecision(asked_for, member_key, not reasons, tuple(reasons), tuple(open_links))
