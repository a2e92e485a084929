"""Audit events as FHIR R4 ``AuditEvent`` resources, following IHE BALP (Basic Audit Log
Patterns) where it fits, and received member data as ``Provenance``. Pure: dicts in, FHIR
JSON out.

Mapping of one ledger event:
- ``type``: DICOM 110106 Export (data released), 110107 Import (data ingested), else the FHIR
  ``rest`` type for API interactions ($member-match, acknowledgments) and DICOM 110100
  Application Activity for workflow steps; ``subtype`` always carries our action code.
- ``action`` C/R/U/E by verb; ``recorded`` the event's time; ``outcome`` 0 success, 4 refused
  (a rule said no), 8 failed; ``outcomeDesc`` the normalised reason code.
- ``agent``: the actor (who, ``requestor`` true, client id as altId) and, when another, the
  partner concerned; ``source``: this payer's ledger.
- ``entity``: the patient per member key (BALP patient entity: ``Patient/<member key>``, role
  Patient), the transfer, the resource acted on (with the request and response sha256 as
  details), the correlation id (BALP ``XrequestId`` entity), and the ledger record itself
  (seq, hash, previous hash) so an exported event can be checked against the chain.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

DCM = "http://dicom.nema.org/resources/ontology/DCM"
EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type"
ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type"
OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role"
BALP_ENTITY = "https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType"
SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type"
PDEX_AGENT = "http://hl7.org/fhir/us/davinci-pdex/CodeSystem/ProvenanceAgentType"
ACTION_SYSTEM = "urn:payer-exchange:audit-action"
ACTOR_SYSTEM = "urn:payer-exchange:actor"
PARTNER_SYSTEM = "urn:payer-exchange:partner"
TRANSFER_SYSTEM = "urn:payer-exchange:transfer"
LEDGER_SYSTEM = "urn:payer-exchange:audit-seq"
OUTCOMES = {"success": "0", "refused": "4", "failed": "8"}


def _type(action: str) -> dict[str, str]:
    if action == "member_data.release":
        return {"system": DCM, "code": "110106", "display": "Export"}
    if action == "member_data.ingest":
        return {"system": DCM, "code": "110107", "display": "Import"}
    if action in ("member_match.decide", "transfer.acknowledgment_received", "transfer.received"):
        return {"system": EVENT_TYPE, "code": "rest", "display": "RESTful Operation"}
    return {"system": DCM, "code": "110100", "display": "Application Activity"}


def _verb(action: str) -> str:
    if action in ("member_data.release",):
        return "R"
    if action in ("member_data.ingest", "transfer.received", "transfer.acknowledgment_received"):
        return "C"
    return "E" if action in ("member_match.decide", "transfer.attempt") else "U"


def _entity(system: str, value: str, type_code: str, role: str | None = None, **more: Any) -> dict[str, Any]:
    entity: dict[str, Any] = {"what": {"identifier": {"system": system, "value": value}},
                              "type": {"system": ENTITY_TYPE, "code": type_code}}  # fmt: skip
    if role:
        entity["role"] = {"system": OBJECT_ROLE, "code": role}
    return {**entity, **more}


def _agents(event: Mapping[str, Any]) -> list[dict[str, Any]]:
    actor: dict[str, Any] = {"who": {"identifier": {"system": ACTOR_SYSTEM, "value": event["actor"]}},
                             "requestor": True}  # fmt: skip
    if event.get("actor_client_id"):
        actor["altId"] = event["actor_client_id"]
    if event.get("actor_role"):
        actor["role"] = [{"text": event["actor_role"]}]
    agents = [actor]
    partner = event.get("partner_id")
    if partner and event["actor"] != f"partner:{partner}":
        agents.append({"who": {"identifier": {"system": PARTNER_SYSTEM, "value": partner}}, "requestor": False})
    return agents


def _entities(event: Mapping[str, Any]) -> list[dict[str, Any]]:
    entities: list[dict[str, Any]] = [
        {"what": {"reference": f"Patient/{key}"}, "type": {"system": ENTITY_TYPE, "code": "1", "display": "Person"},
         "role": {"system": OBJECT_ROLE, "code": "1", "display": "Patient"}}
        for key in event.get("member_keys") or []
    ]  # fmt: skip
    if event.get("transfer_id"):
        entities.append(_entity(TRANSFER_SYSTEM, event["transfer_id"], "2", "4", name="transfer"))
    hashes: list[dict[str, Any]] = [
        {"type": k, "valueString": event[k]} for k in ("request_sha256", "response_sha256") if event.get(k)
    ]
    resource = _entity(f"urn:payer-exchange:{event['resource_type']}", event["resource_id"], "2", "4")
    entities.append({**resource, **({"detail": hashes} if hashes else {})})
    entities.append({"what": {"identifier": {"value": event["correlation_id"]}},
                     "type": {"system": BALP_ENTITY, "code": "XrequestId"}})  # fmt: skip
    ledger = [{"type": "hash", "valueString": event["hash"]}, {"type": "prev_hash", "valueString": event["prev_hash"]}]
    entities.append(_entity(LEDGER_SYSTEM, str(event["seq"]), "4", None, name="audit ledger record", detail=ledger))
    return entities


def audit_event(event: Mapping[str, Any], payer_id: str) -> dict[str, Any]:
    """One stored ledger event (as search returns it) as a FHIR R4 AuditEvent."""
    return {
        "resourceType": "AuditEvent",
        "id": event["event_id"],
        "type": _type(event["action"]),
        "subtype": [{"system": ACTION_SYSTEM, "code": event["action"]}],
        "action": _verb(event["action"]),
        "recorded": event["occurred_at"],
        "outcome": OUTCOMES.get(event["outcome"], "8"),
        "outcomeDesc": event["reason_code"],
        "agent": _agents(event),
        "source": {
            "site": payer_id,
            "observer": {"display": f"{payer_id} audit ledger"},
            "type": [{"system": SOURCE_TYPE, "code": "4", "display": "Application Server"}],
        },
        "entity": _entities(event),
    }


def provenance(received: Mapping[str, Any]) -> dict[str, Any]:
    """One received data file (a ``ReceivedData`` record) as a FHIR R4 Provenance: the data
    (by its sha256) and the member it is for, the payer that sent it (transmitter), the
    transfer it came in."""
    return {
        "resourceType": "Provenance",
        "id": f"received-{received['sha256'][:32]}",
        "target": [
            {"identifier": {"system": "urn:payer-exchange:received-data-sha256", "value": received["sha256"]},
             "display": f"{received['resource_count']} {received['resource_type']} resources"},
            {"reference": f"Patient/{received['member_key']}"},
        ],
        "recorded": received["received_at"],
        "activity": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-DataOperation",
                                 "code": "CREATE", "display": "create"}]},
        "agent": [{"type": {"coding": [{"system": PDEX_AGENT, "code": "transmitter"}]},
                   "who": {"identifier": {"system": PARTNER_SYSTEM, "value": received["source_partner"]}}}],
        "entity": [{"role": "source", "what": {"identifier": {"system": TRANSFER_SYSTEM,
                                                              "value": received["transfer_id"]}}}],
    }  # fmt: skip


def bundle(resources: list[dict[str, Any]]) -> dict[str, Any]:
    """A ``collection`` Bundle of the resources; each fullUrl a urn:uuid derived from its type and id."""
    entries = [{"fullUrl": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, r['resourceType'] + '/' + r['id'])}",
                "resource": r} for r in resources]  # fmt: skip
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}
