"""Patient ``$everything`` as the old payer: a partner gets the history of a member that our
``$member-match`` matched *to that partner* (anything else is a 404), while the consent
recorded with that match still holds today, within the five-year look-back, without
sensitive data under a ``#regular`` consent, a page at a time. Every page released (and every
refusal) is an audit event with the counts per type and the sha256 of the exact bytes sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from audit.domain.context import body_sha256
from audit.ledger import append
from exchange.domain import release_rules as rules
from exchange.fhir.errors import FhirInputError, Issue
from exchange.member_data.audit import refused_event, released_event
from exchange.member_data.bundle import page_link, refusal_bytes, searchset_bytes
from exchange.member_data.store import MemberDataStore, Selection, StoredResource
from graph.store import GraphStore


@dataclass(frozen=True)
class EverythingRequest:
    member_key: str
    partner_id: str
    client_id: str
    actor: str
    correlation_id: str
    since: date | None = None
    types: tuple[str, ...] = ()
    count: int = 50
    after: rules.Cursor | None = None
    link_base: str = ""  # the request URL without its query, for the Bundle's links
    query: dict[str, str] = field(default_factory=dict)  # the request's other parameters, kept in the links


@dataclass(frozen=True)
class Released:
    status: int
    body: bytes
    member_key: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    next_cursor: rules.Cursor | None = None


@dataclass(frozen=True)
class Scope:
    member_key: str
    decision_id: str
    matched_on: date
    record_ids: tuple[str, ...]
    consent: rules.RecordedConsent | None


def release_scope(store: GraphStore, member_key: str, partner_id: str, payer_id: str) -> Scope | None:
    params = {"member_key": member_key, "partner_id": partner_id, "payer_id": payer_id}
    rows = store.read("member_data/release_scope", params)
    if not rows:
        return None
    row = rows[0]
    consent: dict[str, Any] | None = row["consent"]
    recorded = None
    if consent is not None:
        start, end = consent.get("period_start"), consent.get("period_end")
        recorded = rules.RecordedConsent(
            consent.get("policy"),
            date.fromisoformat(start) if start else None,
            date.fromisoformat(end) if end else None,
        )
    matched_on = date.fromisoformat(row["matched_on"])
    return Scope(row["member_key"], row["decision_id"], matched_on, tuple(row["record_ids"]), recorded)


def _page(data: MemberDataStore, selection: Selection, count: int, include_sensitive: bool) -> list[StoredResource]:
    """Up to ``count + 1`` releasable resources (one more tells whether a next page exists)."""
    page: list[StoredResource] = []
    for resource in data.resources(selection):
        if not rules.withheld(resource.sensitive, resource.security_labels, include_sensitive):
            page.append(resource)
            if len(page) > count:
                break
    return page


def release_everything(
    store: GraphStore,
    data: MemberDataStore,
    request: EverythingRequest,
    fhir_base_url: str,
    today: date | None = None,
) -> Released:
    """One page of the member's data for the partner, audited; 404 (``FhirInputError``) when
    this partner never matched the member, 403 with a reason code when the consent no longer holds."""
    today = today or datetime.now(UTC).date()
    scope = release_scope(store, request.member_key, request.partner_id, data.payer_id)
    if scope is None:
        issue = Issue("Patient", f"no Patient/{request.member_key} for this client", "not-found")
        raise FhirInputError([issue], status=404)
    verdict = rules.consent_at_release(scope.consent, today)
    if verdict.refusal is not None:
        body = refusal_bytes(verdict.refusal.value, "the member's consent to this partner does not hold today")
        event = refused_event(request, scope.member_key, verdict.refusal.value, body_sha256(body))
        store.in_write_transaction(lambda tx: append(tx, event))
        return Released(403, body, scope.member_key)
    selection = Selection(
        scope.record_ids, request.types, rules.clamped_since(request.since, today), rules.UNDATED_TYPES, request.after
    )
    page = _page(data, selection, request.count, verdict.include_sensitive)
    more, page = len(page) > request.count, page[: request.count]
    links = {"self": page_link(request.link_base, _query(request, request.after))}
    next_cursor = (page[-1].resource_type, page[-1].resource_id) if more else None
    if next_cursor:
        links["next"] = page_link(request.link_base, _query(request, next_cursor))
    body = searchset_bytes(fhir_base_url, page, links)
    counts: dict[str, int] = {}
    for resource in page:
        counts[resource.resource_type] = counts.get(resource.resource_type, 0) + 1
    in_time = rules.answered_in_time(scope.matched_on, today)
    policy = "sensitive" if verdict.include_sensitive else "regular"
    event = released_event(request, scope.member_key, counts, body_sha256(body), in_time, policy)
    store.in_write_transaction(lambda tx: append(tx, event))
    return Released(200, body, scope.member_key, counts, next_cursor)


def _query(request: EverythingRequest, cursor: rules.Cursor | None) -> dict[str, str]:
    query = {k: v for k, v in request.query.items() if k != "_page_after"}
    if cursor is not None:
        query["_page_after"] = rules.format_cursor(cursor)
    return query
