"""A ``$bulk-member-match`` Parameters body in, one checked ``MemberMatchRequest`` per
MemberBundle out, each parsed by the single ``$member-match`` parser (so each member is
held to exactly the same HRex rules), or a ``FhirInputError`` listing every broken rule of
every bundle. PDex makes the Consent 1..1 in a MemberBundle.

Checklist item 17 of shared/notes/davinci-conformance.md (the input half) lives here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from audit.domain.context import body_sha256
from exchange.fhir.errors import FhirInputError, Issue
from exchange.member_match.request import HrexVersion, MemberMatchRequest, parse

BUNDLE = "MemberBundle"


@dataclass(frozen=True)
class MemberBundle:
    index: int  # position among the request's MemberBundles (0-based)
    request: MemberMatchRequest
    patient: dict[str, Any]  # the submitted MemberPatient, as sent (contained in the result Groups)
    sha256: str  # canonical JSON of the bundle's parts: the per-member request hash of its decision


def _where(index: int, expression: str) -> str:
    return expression.replace("Parameters.parameter", f"Parameters.parameter[{index}].part", 1)


def _one(index: int, parameter: Any, version: HrexVersion, requester_is_payer: bool) -> MemberBundle:
    where = f"Parameters.parameter[{index}]"
    if not isinstance(parameter, dict) or parameter.get("name") != BUNDLE:
        raise FhirInputError([Issue(f"{where}.name", f"only {BUNDLE} parameters are allowed")])
    parts = parameter.get("part")
    if not isinstance(parts, list) or not parts:
        raise FhirInputError([Issue(f"{where}.part", f"a {BUNDLE} needs its parts", "required")])
    try:
        parsed = parse({"resourceType": "Parameters", "parameter": parts}, version, requester_is_payer)
    except FhirInputError as error:
        raise FhirInputError([Issue(_where(index, i.expression), i.message, i.code) for i in error.issues]) from None
    if parsed.consent is None:
        raise FhirInputError([Issue(f"{where}.part", "a MemberBundle needs its Consent (PDex: 1..1)", "required")])
    patient = next(p["resource"] for p in parts if isinstance(p, dict) and p.get("name") == "MemberPatient")
    return MemberBundle(index, parsed, patient, body_sha256(parts))


MAX_MEMBERS = 10_000  # in one $bulk-member-match request


def parse_bulk(
    body: Any, version: HrexVersion, requester_is_payer: bool = True, max_members: int = MAX_MEMBERS
) -> list[MemberBundle]:
    """Every MemberBundle checked; all the problems of all bundles in one ``FhirInputError``."""
    if not isinstance(body, dict) or body.get("resourceType") != "Parameters":
        raise FhirInputError([Issue("Parameters", "the body must be a FHIR Parameters resource", "structure")])
    parameters = body.get("parameter")
    if not isinstance(parameters, list) or not parameters:
        raise FhirInputError([Issue("Parameters.parameter", f"at least one {BUNDLE} is required", "required")])
    if len(parameters) > max_members:
        message = f"at most {max_members} MemberBundles per request (got {len(parameters)}): split the request"
        raise FhirInputError([Issue("Parameters.parameter", message, "too-costly")])
    bundles, issues = [], []
    for index, parameter in enumerate(parameters):
        try:
            bundles.append(_one(index, parameter, version, requester_is_payer))
        except FhirInputError as error:
            issues.extend(error.issues)
    if issues:
        raise FhirInputError(issues)
    counts = Counter(b.request.patient_id for b in bundles)
    repeated = sorted(i for i, n in counts.items() if n > 1)
    if repeated:
        message = f"each MemberPatient needs its own id (repeated: {', '.join(repeated[:5])})"
        raise FhirInputError([Issue("Parameters.parameter", message, "business-rule")])
    return bundles
