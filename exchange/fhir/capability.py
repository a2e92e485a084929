"""Our CapabilityStatement: what the FHIR endpoint offers. An operation we support whole is named by
its published definition (the Inferno PDex test kit looks for member-match there); one we support in
part, or our own, by the definition we serve (``operations.py``), whose ``base`` is the published one
and whose parameters are exactly the ones we read. Tests hold each entry to a route."""

from __future__ import annotations

from typing import Any

from exchange.fhir.operation_definition import Operation
from exchange.fhir.operations import DATA_EXPORT, EVERYTHING, TRANSFER_ACKNOWLEDGMENT

MEMBER_MATCH = "http://hl7.org/fhir/us/davinci-hrex/OperationDefinition/member-match"
SMART = {"system": "http://terminology.hl7.org/CodeSystem/restful-security-service", "code": "SMART-on-FHIR"}
BULK_MEMBER_MATCH = "http://hl7.org/fhir/us/davinci-pdex/OperationDefinition/BulkMemberMatch"
HREX_IG = "http://hl7.org/fhir/us/davinci-hrex/ImplementationGuide/hl7.fhir.us.davinci-hrex"


def served(operation: Operation, base_url: str, note: str = "") -> dict[str, str]:
    """An operation entry naming the definition we serve, its parameters in ``documentation`` too."""
    based = f" (a part of {operation.base})" if operation.base else ""
    text = f"Defined by this server{based}; parameters: {', '.join(operation.inputs)}.{note}"
    return {"name": operation.code, "definition": operation.url(base_url), "documentation": text}


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
                        "interaction": [{"code": "read"}, {"code": "search-type"}],
                        "searchParam": [{"name": "identifier", "type": "token"}],
                        "operation": [
                            {"name": "member-match", "definition": MEMBER_MATCH},
                            served(EVERYTHING, base_url),
                        ],
                    },
                    {
                        "type": "Group",
                        "interaction": [{"code": "read"}, {"code": "search-type"}],
                        "searchParam": [{"name": "code", "type": "token"}],
                        "operation": [
                            {"name": "bulk-member-match", "definition": BULK_MEMBER_MATCH},
                            served(
                                DATA_EXPORT,
                                base_url,
                                " Any other parameter is refused with a 400 naming it; "
                                "the _typeFilter search parameters are listed in the definition.",
                            ),
                        ],
                    },
                ],
                "operation": [served(TRANSFER_ACKNOWLEDGMENT, base_url)],
            }
        ],
    }
