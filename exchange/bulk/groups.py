"""The ``$bulk-member-match`` answer: a Parameters resource with the MatchedMembers Group
(1..1) and, when any, the NonMatchedMembers and ConsentConstrainedMembers Groups, coded from
``PdexMultiMemberMatchResultCS`` (checklist items 17 and 18). Each member entity carries the
``base-ext-match-parameters`` extension pointing to the submitted Patient, contained in the
Group under the requester's own id. Pure: values in, FHIR JSON out."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

RESULT_CS = "http://hl7.org/fhir/us/davinci-pdex/CodeSystem/PdexMultiMemberMatchResultCS"
MATCH_PARAMETERS_EXT = "http://hl7.org/fhir/us/davinci-pdex/StructureDefinition/base-ext-match-parameters"
PDEX_SD = "http://hl7.org/fhir/us/davinci-pdex/StructureDefinition/"
OrgId = tuple[str, str]


class Category(StrEnum):
    MATCH = "match"
    NO_MATCH = "nomatch"
    CONSENT = "consentconstraint"


DISPLAY = {Category.MATCH: "Matched", Category.NO_MATCH: "Not Matched", Category.CONSENT: "Consent Constraint"}
PARAMETER = {Category.MATCH: "MatchedMembers", Category.NO_MATCH: "NonMatchedMembers",
             Category.CONSENT: "ConsentConstrainedMembers"}  # fmt: skip
PROFILE = {Category.MATCH: "pdex-member-match-group", Category.NO_MATCH: "pdex-member-no-match-group",
           Category.CONSENT: "pdex-member-no-match-group"}  # fmt: skip


def category_of(outcome: str, member_key: str | None) -> Category:
    """A single ``$member-match`` outcome as a bulk result: a named member is a match, a member
    whose consent cannot be honoured is consent-constrained, anything else did not match."""
    if member_key is not None and outcome == "unique_match":
        return Category.MATCH
    return Category.CONSENT if outcome == "consent_refused" else Category.NO_MATCH


@dataclass(frozen=True)
class MemberOutcome:
    index: int
    patient: dict[str, Any]  # the submitted MemberPatient
    category: Category
    member_key: str | None = None  # ours, for a match


@dataclass(frozen=True)
class GroupContext:
    group_id: str  # of the matched Group (stored, exportable)
    requester: tuple[OrgId, ...]  # the requesting payer's organisation identifiers
    requester_name: str
    payer: tuple[OrgId, ...]  # ours
    payer_name: str
    matched_on: str  # YYYY-MM-DD


def _org(identifiers: tuple[OrgId, ...], name: str) -> dict[str, Any]:
    reference: dict[str, Any] = {"display": name}
    if identifiers:
        reference["identifier"] = {"system": identifiers[0][0], "value": identifiers[0][1]}
    return reference


def _code(category: Category) -> dict[str, Any]:
    return {"coding": [{"system": RESULT_CS, "code": category.value, "display": DISPLAY[category]}]}


def _member(outcome: MemberOutcome) -> dict[str, Any]:
    local = f"#{outcome.patient.get('id')}"
    reference = f"Patient/{outcome.member_key}" if outcome.category is Category.MATCH else local
    extension = [{"url": MATCH_PARAMETERS_EXT, "valueReference": {"reference": local}}]
    return {"entity": {"reference": reference, "extension": extension}}


def group(category: Category, members: list[MemberOutcome], ctx: GroupContext) -> dict[str, Any]:
    body: dict[str, Any] = {"resourceType": "Group"}
    if category is Category.MATCH:
        body["id"] = ctx.group_id
    body["meta"] = {"profile": [PDEX_SD + PROFILE[category]]}
    body["contained"] = [m.patient for m in members]
    body.update({"type": "person", "actual": True, "code": _code(category), "quantity": len(members)})
    body["managingEntity"] = _org(ctx.payer, ctx.payer_name)
    if category is Category.MATCH:
        body["characteristic"] = [{"code": _code(category), "valueReference": _org(ctx.requester, ctx.requester_name),
                                   "exclude": False, "period": {"start": ctx.matched_on}}]  # fmt: skip
    body["member"] = [_member(m) for m in members]
    return body


def result_parameters(outcomes: list[MemberOutcome], ctx: GroupContext) -> dict[str, Any]:
    """MatchedMembers always (possibly empty); the other two only when they have members."""
    by_category: dict[Category, list[MemberOutcome]] = {c: [] for c in Category}
    for outcome in sorted(outcomes, key=lambda o: o.index):
        by_category[outcome.category].append(outcome)
    parameter = []
    for category in Category:
        if category is Category.MATCH or by_category[category]:
            parameter.append({"name": PARAMETER[category], "resource": group(category, by_category[category], ctx)})
    return {"resourceType": "Parameters", "parameter": parameter}
