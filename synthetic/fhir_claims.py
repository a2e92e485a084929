"""ExplanationOfBenefit resources in the CARIN Blue Button non-financial shape (no total,
payment, adjudication amounts or benefitBalance): claims for encounters, and prior
authorizations (``use = preauthorization``) with varied and sometimes recently changed status."""

from __future__ import annotations

from typing import Final, NamedTuple

from synthetic.rng import Weighted

CLAIM_TYPE: Final = "http://terminology.hl7.org/CodeSystem/claim-type"
NPI: Final = "http://hl7.org/fhir/sid/us-npi"


class Decision(NamedTuple):
    status: str  # ExplanationOfBenefit.status
    outcome: str
    disposition: str


DECISIONS: Final = Weighted(
    [
        Decision("active", "complete", "Approved"),
        Decision("active", "complete", "Denied"),
        Decision("active", "partial", "Partially approved"),
        Decision("active", "queued", "Pended for clinical review"),
        Decision("cancelled", "complete", "Withdrawn by the requesting provider"),
        Decision("draft", "queued", "Request incomplete, awaiting documentation"),
        Decision("entered-in-error", "error", "Entered in error"),
    ],
    [55, 12, 6, 12, 7, 5, 3],
)


class Party(NamedTuple):
    """Who is involved: the patient, the payer and its coverage, the provider."""

    patient: str
    payer: str
    payer_name: str
    coverage: str
    npi: str
    provider: str


def _parties(p: Party) -> str:
    return (
        f'"patient":{{"reference":"Patient/{p.patient}"}},'
        f'"insurer":{{"reference":"Organization/{p.payer}","display":"{p.payer_name}"}},'
        f'"provider":{{"identifier":{{"system":"{NPI}","value":"{p.npi}"}},"display":"{p.provider}"}}'
    )


def claim(rid: str, m: str, party: Party, claim_type: str, service: str, diagnosis: str, start: str, end: str,
          created: str) -> str:  # fmt: skip
    diag = f',"diagnosis":[{{"sequence":1,"diagnosisCodeableConcept":{diagnosis}}}]' if diagnosis else ""
    pointer = ',"diagnosisSequence":[1]' if diagnosis else ""
    return (
        f'{{"resourceType":"ExplanationOfBenefit","id":"{rid}",{m},'
        f'"identifier":[{{"system":"https://{party.payer}.example.org/claim-id","value":"{rid}"}}],"status":"active",'
        f'"type":{{"coding":[{{"system":"{CLAIM_TYPE}","code":"{claim_type}"}}]}},"use":"claim",{_parties(party)},'
        f'"billablePeriod":{{"start":"{start}","end":"{end}"}},"created":"{created}","outcome":"complete"{diag},'
        f'"insurance":[{{"focal":true,"coverage":{{"reference":"Coverage/{party.coverage}"}}}}],'
        f'"item":[{{"sequence":1{pointer},"productOrService":{service},"servicedDate":"{start}"}}]}}'
    )


def prior_auth(rid: str, m: str, party: Party, decision: Decision, service: str, created: str, start: str,
               end: str, units: int) -> str:  # fmt: skip
    return (
        f'{{"resourceType":"ExplanationOfBenefit","id":"{rid}",{m},'
        f'"identifier":[{{"system":"https://{party.payer}.example.org/prior-auth","value":"{rid}"}}],'
        f'"status":"{decision.status}","type":{{"coding":[{{"system":"{CLAIM_TYPE}","code":"professional"}}]}},'
        f'"use":"preauthorization",{_parties(party)},"created":"{created}","outcome":"{decision.outcome}",'
        f'"disposition":"{decision.disposition}","preAuthRef":["{rid}"],'
        f'"preAuthRefPeriod":[{{"start":"{start}","end":"{end}"}}],'
        f'"insurance":[{{"focal":true,"coverage":{{"reference":"Coverage/{party.coverage}"}}}}],'
        f'"item":[{{"sequence":1,"productOrService":{service},"servicedPeriod":{{"start":"{start}","end":"{end}"}},'
        f'"quantity":{{"value":{units}}}}}]}}'
    )
