"""Our CapabilityStatement: what the FHIR endpoint offers, including each operation by its
canonical definition (the Inferno PDex test kit looks for member-match there)."""

from __future__ import annotations

from typing import Any

MEMBER_MATCH = "http://hl7.org/fhir/us/davinci-hrex/OperationDefinition/member-match"
SMART = {"system": "http://terminology.hl7.org/CodeSystem/restful-security-service", "code": "SMART-on-FHIR"}
BULK_MEMBER_MATCH = "http://hl7.org/fhir/us/davinci-pdex/OperationDefinition/BulkMemberMatch"
DATA_EXPORT = "http://hl7.org/fhir/us/davinci-atr/OperationDefinition/davinci-data-export"
HREX_IG = "http://hl7.org/fhir/us/davinci-hrex/ImplementationGuide/hl7.fhir.us.davinci-hrex"


def capability_statement(base_url: str, software_version: str, date: str, hrex_version: str) -> dict[str, Any]:
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": date,
        "kind": "instance",
        "software": {"name": "Payer Exchange", "version": software_version},
        "implementation": {"description": "Payer-to-payer exchange (CMS-0057-F)", "url": base_url},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "instantiates": [f"{HREX_IG}|{hrex_version}"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "service": [{"coding": [SMART]}],
                    "description": "SMART Backend Services (client_credentials with a signed JWT assertion).",
                },
                "resource": [
                    {
                        "type": "Patient",
                        "interaction": [{"code": "search-type"}],
                        "searchParam": [{"name": "identifier", "type": "token"}],
                        "operation": [{"name": "member-match", "definition": MEMBER_MATCH}],
                    },
                    {
                        "type": "Group",
                        "interaction": [{"code": "read"}, {"code": "search-type"}],
                        "searchParam": [{"name": "code", "type": "token"}],
                        "operation": [
                            {"name": "bulk-member-match", "definition": BULK_MEMBER_MATCH},
                            {"name": "davinci-data-export", "definition": DATA_EXPORT},
                        ],
                    },
                ],
            }
        ],
    }
