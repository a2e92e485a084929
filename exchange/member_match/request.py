"""A ``$member-match`` Parameters body in, a checked ``MemberMatchRequest`` out, or a
``FhirInputError`` listing every rule it breaks (HRex member-match-in profile, mm-6).

Checklist items 1, 3-7 of shared/notes/davinci-conformance.md live here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from exchange.domain.consent import ConsentTerms, OrgId
from exchange.fhir.datatypes import CodeableConcept, Identifier, Reference, calendar_date
from exchange.fhir.errors import FhirInputError, Issue
from exchange.fhir.resources import Consent, Coverage, Parameters, Patient

HrexVersion = Literal["1.0.0", "1.1.0", "1.2.0"]
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
BIRTHSEX = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex"
PERFORMER_ROLE = ("http://terminology.hl7.org/CodeSystem/provenance-participant-type", "performer")
RECIPIENT_ROLE = ("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP")
CONSENT_ACTION = "http://terminology.hl7.org/CodeSystem/consentaction"
PARAMETER_TYPES = {
    "MemberPatient": "Patient",
    "CoverageToMatch": "Coverage",
    "CoverageToLink": "Coverage",
    "Consent": "Consent",
}
RESOURCE_MODELS: dict[str, type[BaseModel]] = {"Patient": Patient, "Coverage": Coverage, "Consent": Consent}


@dataclass(frozen=True)
class CoverageFacts:
    member_ids: tuple[str, ...]  # MB-typed identifiers first
    subscriber_id: str | None
    payors: tuple[OrgId, ...]
    group: str | None = None
    plan: str | None = None
    period_start: str | None = None
    period_end: str | None = None
    identifier: OrgId | None = None  # the coverage's own first identifier (system, value)


@dataclass(frozen=True)
class MemberMatchRequest:
    patient_id: str
    demographics: dict[str, str | None]  # canonical columns (first_name, last_name, dob, sex, ...)
    coverage_to_match: CoverageFacts
    coverage_to_link: CoverageFacts | None
    consent: ConsentTerms | None
    consent_resource_id: str | None = None
    warnings: list[str] = field(default_factory=list)


def _issues_from(error: ValidationError, where: str) -> list[Issue]:
    out = []
    for e in error.errors():
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e["loc"])
        out.append(Issue(f"{where}{path}", e["msg"]))
    return out


def _model(kind: type[BaseModel], data: Any, where: str, issues: list[Issue]) -> Any:
    try:
        return kind.model_validate(data)
    except ValidationError as error:
        issues.extend(_issues_from(error, where))
        return None


def _org_ids(references: list[Reference]) -> tuple[OrgId, ...]:
    return tuple(
        (r.identifier.system, r.identifier.value)
        for r in references
        if r.identifier and r.identifier.system and r.identifier.value
    )


def _class_value(coverage: Coverage, code: str) -> str | None:
    coverage_class = "http://terminology.hl7.org/CodeSystem/coverage-class"
    return next((c.value for c in coverage.classes if c.type.has(coverage_class, code)), None)


def _coverage_facts(coverage: Coverage, patient: Patient | None) -> CoverageFacts:
    def mb(ids: list[Identifier]) -> list[str]:
        return [i.value for i in ids if i.value and i.typed(V2_0203, "MB")]

    untyped = [i.value for i in coverage.identifier if i.value and i.type is None]
    member_ids = [*mb(coverage.identifier), *(mb(patient.identifier) if patient else []), *untyped]
    first = next((i for i in coverage.identifier if i.system and i.value), None)
    return CoverageFacts(
        member_ids=tuple(dict.fromkeys(member_ids)),
        subscriber_id=coverage.subscriberId,
        payors=_org_ids(coverage.payor),
        group=_class_value(coverage, "group"),
        plan=_class_value(coverage, "plan"),
        period_start=coverage.period.start if coverage.period else None,
        period_end=coverage.period.end if coverage.period else None,
        identifier=(first.system, first.value) if first and first.system and first.value else None,
    )


def _demographics(patient: Patient) -> dict[str, str | None]:
    names = [n for n in patient.name if n.family and n.given]
    name = next((n for n in names if n.use == "official"), names[0] if names else None)
    home = [a for a in patient.address if a.use in (None, "home") and not (a.period and a.period.end)]
    address = home[0] if home else (patient.address[0] if patient.address else None)
    telecom = {t.system: t.value for t in reversed(patient.telecom) if t.value}
    sex: str | None = patient.gender
    if sex is None:
        sex = next((e.valueCode for e in patient.extension if e.url == BIRTHSEX and e.valueCode), None)
    return {
        "first_name": name.given[0] if name else None,
        "middle_name": " ".join(name.given[1:]) or None if name else None,
        "last_name": name.family if name else None,
        "suffix": name.suffix[0] if name and name.suffix else None,
        "dob": patient.birthDate,
        "sex": sex,
        "address_line1": address.line[0] if address and address.line else None,
        "address_line2": address.line[1] if address and len(address.line) > 1 else None,
        "city": address.city if address else None,
        "state": address.state if address else None,
        "zip": address.postalCode if address else None,
        "phone": telecom.get("phone"),
        "email": telecom.get("email"),
    }


def _patient_rules(patient: Patient, issues: list[Issue]) -> None:
    where = "Parameters.parameter[MemberPatient].resource"
    if not patient.id:
        issues.append(Issue(f"{where}.id", "MemberPatient needs an id: Coverage and Consent refer to it (mm-6)"))
    if not any(n.family and n.given for n in patient.name):
        issues.append(Issue(f"{where}.name", "a name with family and at least one given name is required", "required"))
    if not patient.birthDate:
        issues.append(Issue(f"{where}.birthDate", "birthDate is required", "required"))
    elif calendar_date(patient.birthDate) is None:
        issues.append(Issue(f"{where}.birthDate", "birthDate must be a full date (YYYY-MM-DD) to match on", "value"))
    has_birthsex = any(e.url == BIRTHSEX and e.valueCode for e in patient.extension)
    if patient.gender is None and not has_birthsex:
        issues.append(Issue(f"{where}.gender", "gender or the us-core-birthsex extension is required (hrex-pat-1)"))


def _local_reference(reference: Reference | None, patient_id: str | None, where: str, issues: list[Issue]) -> None:
    expected = f"Patient/{patient_id}" if patient_id else "Patient/<MemberPatient.id>"
    if reference is None or reference.reference != expected:
        got = reference.reference if reference else None
        issues.append(Issue(where, f"must be the local reference {expected!r} (mm-6), got {got!r}", "business-rule"))


def _coverage_rules(coverage: Coverage, name: str, version: HrexVersion, issues: list[Issue]) -> None:
    where = f"Parameters.parameter[{name}].resource"
    if name == "CoverageToMatch":
        if version == "1.0.0":
            if not coverage.identifier and not coverage.subscriberId:
                issues.append(Issue(where, "an identifier or subscriberId is required (hrex-cov-1)", "required"))
        elif not any(i.typed(V2_0203, "MB") and i.value for i in coverage.identifier) and not coverage.subscriberId:
            issues.append(
                Issue(where, "a member id (identifier typed v2-0203#MB) or subscriberId is required (us-core-15)")
            )
    if not coverage.payor:
        issues.append(Issue(f"{where}.payor", "payor is required", "required"))


def _codes(concepts: list[CodeableConcept], system: str) -> list[str]:
    return [c.code for concept in concepts for c in concept.coding if c.system == system and c.code]


def consent_terms(consent: Consent) -> ConsentTerms:
    provision = consent.provision
    actors = provision.actor if provision else []
    period = provision.period if provision else None
    return ConsentTerms(
        status=consent.status,
        provision_type=provision.type if provision else None,
        policy_uris=[p.uri for p in consent.policy if p.uri],
        period_start=calendar_date(period.start) if period and period.start else None,
        period_end=calendar_date(period.end) if period and period.end else None,
        sources=_org_ids([a.reference for a in actors if a.role.has(*PERFORMER_ROLE)]),
        recipients=_org_ids([a.reference for a in actors if a.role.has(*RECIPIENT_ROLE)]),
        actions=_codes(provision.action, CONSENT_ACTION) if provision else [],
    )


def parse(body: Any, version: HrexVersion, requester_is_payer: bool = True) -> MemberMatchRequest:
    issues: list[Issue] = []
    if not isinstance(body, dict) or body.get("resourceType") != "Parameters":
        raise FhirInputError([Issue("Parameters", "the body must be a FHIR Parameters resource", "structure")])
    parameters: Parameters | None = _model(Parameters, body, "Parameters", issues)
    if parameters is None:
        raise FhirInputError(issues)
    found: dict[str, Any] = {}
    for index, p in enumerate(parameters.parameter):
        where = f"Parameters.parameter[{index}]"
        if p.name not in PARAMETER_TYPES:
            issues.append(
                Issue(f"{where}.name", f"unknown parameter {p.name!r} (allowed: {', '.join(PARAMETER_TYPES)})")
            )
        elif p.name in found:
            issues.append(Issue(f"{where}.name", f"{p.name} may appear only once"))
        elif not p.resource or p.resource.get("resourceType") != PARAMETER_TYPES[p.name]:
            issues.append(Issue(f"{where}.resource", f"{p.name} must carry a {PARAMETER_TYPES[p.name]} resource"))
        else:
            kind = RESOURCE_MODELS[PARAMETER_TYPES[p.name]]
            found[p.name] = _model(kind, p.resource, f"Parameters.parameter[{p.name}].resource", issues)
    for required in ("MemberPatient", "CoverageToMatch"):
        if required not in found and not any(i.expression.endswith(f"[{required}]") for i in issues):
            issues.append(Issue("Parameters.parameter", f"{required} is required", "required"))
    if requester_is_payer and "CoverageToLink" not in found:
        issues.append(Issue("Parameters.parameter", "CoverageToLink is required when a payer asks", "required"))
    patient: Patient | None = found.get("MemberPatient")
    if patient is not None:
        _patient_rules(patient, issues)
    patient_id = patient.id if patient else None
    for name in ("CoverageToMatch", "CoverageToLink"):
        if (coverage := found.get(name)) is not None:
            _coverage_rules(coverage, name, version, issues)
            where = f"Parameters.parameter[{name}].resource.beneficiary"
            _local_reference(coverage.beneficiary, patient_id, where, issues)
    consent: Consent | None = found.get("Consent")
    if consent is not None:
        _local_reference(consent.patient, patient_id, "Parameters.parameter[Consent].resource.patient", issues)
    if issues or patient is None or found.get("CoverageToMatch") is None:
        raise FhirInputError(issues)
    link = found.get("CoverageToLink")
    return MemberMatchRequest(
        patient_id=patient.id or "",
        demographics=_demographics(patient),
        coverage_to_match=_coverage_facts(found["CoverageToMatch"], patient),
        coverage_to_link=_coverage_facts(link, None) if link is not None else None,
        consent=consent_terms(consent) if consent is not None else None,
        consent_resource_id=consent.id if consent is not None else None,
    )
