"""Clinical FHIR R4 resources as JSON text, concatenated from pre-serialised codes and
generated ids and dates (about twenty times faster than ``json.dumps`` of dicts; only
Patient and Coverage, which carry free text, are dumped, see ``fhir_member``)."""

from __future__ import annotations

import json
from typing import Final

CONFIDENTIALITY: Final = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
ACT_CODE: Final = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
_SENSITIVITY: Final = {
    "BH": (("PSY", "psychiatry information sensitivity"), ("BH", "behavioral health information sensitivity")),
    "SUD": (
        ("ETH", "substance abuse information sensitivity"),
        ("SUD", "substance use disorder information sensitivity"),
    ),
}
SECURITY: Final = {
    kind: json.dumps(
        [{"system": CONFIDENTIALITY, "code": "R", "display": "restricted"}]
        + [{"system": ACT_CODE, "code": code, "display": display} for code, display in codes],
        separators=(",", ":"),
    )
    for kind, codes in _SENSITIVITY.items()
}
LABELS: Final = {"": "", "BH": "R,PSY,BH", "SUD": "R,ETH,SUD"}
_CB: Final = "http://hl7.org/fhir/us/carin-bb/StructureDefinition/"
_US: Final = "http://hl7.org/fhir/us/core/StructureDefinition/"
PROFILES: Final = {
    "Patient": _CB + "C4BB-Patient",
    "Coverage": _CB + "C4BB-Coverage",
    "professional": _CB + "C4BB-ExplanationOfBenefit-Professional-NonClinician-Basis",
    "institutional": _CB + "C4BB-ExplanationOfBenefit-Outpatient-Institutional-Basis",
    "preauthorization": "http://hl7.org/fhir/us/davinci-pdex/StructureDefinition/pdex-priorauthorization",
    "Encounter": _US + "us-core-encounter",
    "Condition": _US + "us-core-condition-encounter-diagnosis",
    "Observation": _US + "us-core-observation-clinical-result",
    "Procedure": _US + "us-core-procedure",
    "MedicationDispense": _US + "us-core-medicationdispense",
}


def meta(updated: str, profile: str, sensitivity: str = "") -> str:
    security = f',"security":{SECURITY[sensitivity]}' if sensitivity else ""
    return f'"meta":{{"lastUpdated":"{updated}T12:00:00Z","profile":["{PROFILES[profile]}"]{security}}}'


def encounter(rid: str, pid: str, m: str, klass: str, display: str, visit: str, start: str, end: str, reason: str,
              condition_id: str, provider: str) -> str:  # fmt: skip
    diagnosis = (
        f',"reasonCode":[{reason}],"diagnosis":[{{"condition":{{"reference":"Condition/{condition_id}"}}}}]'
        if reason
        else ""
    )
    return (
        f'{{"resourceType":"Encounter","id":"{rid}",{m},"status":"finished",'
        f'"class":{{"system":"{ACT_CODE}","code":"{klass}","display":"{display}"}},"type":[{visit}],'
        f'"subject":{{"reference":"Patient/{pid}"}},"period":{{"start":"{start}","end":"{end}"}}{diagnosis},'
        f'"serviceProvider":{{"display":"{provider}"}}}}'
    )


def condition(rid: str, pid: str, m: str, code: str, encounter_id: str, day: str, active: bool) -> str:
    status = "active" if active else "resolved"
    abated = "" if active else f',"abatementDateTime":"{day}"'
    return (
        f'{{"resourceType":"Condition","id":"{rid}",{m},"clinicalStatus":{{"coding":[{{"system":'
        f'"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"{status}"}}]}},'
        f'"verificationStatus":{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/condition-ver-status",'
        f'"code":"confirmed"}}]}},"category":[{{"coding":[{{"system":'
        f'"http://terminology.hl7.org/CodeSystem/condition-category","code":"encounter-diagnosis"}}]}}],'
        f'"code":{code},"subject":{{"reference":"Patient/{pid}"}},"encounter":{{"reference":"Encounter/{encounter_id}"}},'
        f'"onsetDateTime":"{day}"{abated},"recordedDate":"{day}"}}'
    )


def observation(rid: str, pid: str, m: str, code: str, category: str, encounter_id: str, day: str, value: str,
                unit: str) -> str:  # fmt: skip
    return (
        f'{{"resourceType":"Observation","id":"{rid}",{m},"status":"final","category":[{{"coding":[{{"system":'
        f'"http://terminology.hl7.org/CodeSystem/observation-category","code":"{category}"}}]}}],"code":{code},'
        f'"subject":{{"reference":"Patient/{pid}"}},"encounter":{{"reference":"Encounter/{encounter_id}"}},'
        f'"effectiveDateTime":"{day}","valueQuantity":{{"value":{value},"unit":"{unit}",'
        f'"system":"http://unitsofmeasure.org","code":"{unit}"}}}}'
    )


def procedure(rid: str, pid: str, m: str, code: str, encounter_id: str, day: str) -> str:
    return (
        f'{{"resourceType":"Procedure","id":"{rid}",{m},"status":"completed","code":{code},'
        f'"subject":{{"reference":"Patient/{pid}"}},"encounter":{{"reference":"Encounter/{encounter_id}"}},'
        f'"performedDateTime":"{day}"}}'
    )


def dispense(rid: str, pid: str, m: str, code: str, encounter_id: str, day: str, quantity: int, days: int) -> str:
    return (
        f'{{"resourceType":"MedicationDispense","id":"{rid}",{m},"status":"completed",'
        f'"medicationCodeableConcept":{code},"subject":{{"reference":"Patient/{pid}"}},'
        f'"context":{{"reference":"Encounter/{encounter_id}"}},"quantity":{{"value":{quantity},"unit":"each",'
        f'"system":"http://unitsofmeasure.org","code":"{{each}}"}},"daysSupply":{{"value":{days},"unit":"days",'
        f'"system":"http://unitsofmeasure.org","code":"d"}},"whenHandedOver":"{day}"}}'
    )
