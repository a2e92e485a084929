"""The operations whose definitions we serve at ``/fhir/OperationDefinition/{id}`` and point our
CapabilityStatement to: each one's parameters are exactly what its parser reads (tests hold them to
it). ``$member-match`` and ``$bulk-member-match`` are supported whole, so the statement names their
published definitions instead."""

from __future__ import annotations

from typing import Final

from exchange.domain.release_rules import LOOK_BACK_YEARS, RELEASABLE_TYPES
from exchange.domain.search_parameters import SEARCH_PARAMETERS
from exchange.fhir.operation_definition import Operation, Parameter

PAYER_TO_PAYER: Final = "hl7.fhir.us.davinci-pdex#payertopayer"
NDJSON_FORMATS: Final = ("application/fhir+ndjson", "application/ndjson", "ndjson")
DATA_EXPORT_BASE: Final = "http://hl7.org/fhir/us/davinci-atr/OperationDefinition/davinci-data-export"
EVERYTHING_BASE: Final = "http://hl7.org/fhir/OperationDefinition/Patient-everything"
TYPES: Final = ", ".join(RELEASABLE_TYPES)
SINCE: Final = (
    "A date or instant; only data with a date of service on or after it (Patient and Coverage always). Older "
    f"than {LOOK_BACK_YEARS} years before today, or absent: {LOOK_BACK_YEARS} years before today."
)


def type_filter_queries() -> str:
    """The search parameters a ``_typeFilter`` query may use, per resource type."""
    return "; ".join(f"{kind}: " + ", ".join(f"{name} ({p.kind.value})" for name, p in params.items())
                     for kind, params in SEARCH_PARAMETERS.items())  # fmt: skip


DATA_EXPORT: Final = Operation(
    id="davinci-data-export", code="davinci-data-export", title="Da Vinci data export (payer-to-payer)",
    description="Exports, as NDJSON files named by their sha256, what each member of one of the caller's matched "
    "Groups consented to, within the look-back (FHIR asynchronous pattern: Prefer: respond-async, 202 and a status "
    "URL). Parameters in the query or a Parameters body; any parameter not listed here (_elements, "
    "includeAssociatedData, ...) is refused with a 400 naming it.",
    resource=("Group",), instance=True, base=DATA_EXPORT_BASE,
    parameters=(
        Parameter("exportType", "canonical", f"Required, and only {PAYER_TO_PAYER}.", min=1),
        Parameter("_since", "instant", SINCE),
        Parameter("_until", "instant", "A date or instant; only data with a date of service up to it."),
        Parameter("_type", "string", f"Comma-separated resource types, repeatable, among: {TYPES}.", max="*"),
        Parameter("_typeFilter", "string", "Repeatable; each a search query on one type (Type?param=value&...), "
                  "ANDed within a query, ORed across the queries of a type; token values code, system|code, system|, "
                  "|code; date values prefixed eq, ge, le, gt or lt, as YYYY, YYYY-MM or YYYY-MM-DD; no modifier, "
                  f"chain or result parameter. Supported: {type_filter_queries()}.", max="*"),
        Parameter("patient", "Reference", "Members of the Group (Patient/<member key>) to export; absent: all.",
                  max="*"),
        Parameter("_outputFormat", "string", f"NDJSON only: {', '.join(NDJSON_FORMATS)}."),
    ),
)  # fmt: skip

EVERYTHING: Final = Operation(
    id="Patient-everything", code="everything", title="Patient $everything (a matched member's history)",
    description="A member's history for the partner our $member-match named the member to, a page at a time "
    "(next links); consent re-checked on the day.",
    resource=("Patient",), instance=True, base=EVERYTHING_BASE,
    parameters=(
        Parameter("_since", "instant", SINCE),
        Parameter("_type", "string", f"Comma-separated resource types among: {TYPES}."),
        Parameter("_count", "integer", "Resources per page (default 50, capped by the server)."),
        Parameter("return", "Bundle", "A searchset Bundle, with a next link while more remain.", min=1, use="out"),
    ),
)  # fmt: skip

TRANSFER_ACKNOWLEDGMENT: Final = Operation(
    id="transfer-acknowledgment", code="transfer-acknowledgment", title="Transfer acknowledgment",
    description="The new payer tells the old payer what it received of a member's history; recorded once per "
    "(partner, transferId); a repeat changes nothing, a contradicting one (another contentSha256) is refused.",
    affects_state=True,
    parameters=(
        Parameter("transferId", "string", "The new payer's transfer id.", min=1),
        Parameter("memberIdentifier", "string", "The member key our $member-match returned.", min=1),
        Parameter("resourcesReceived", "unsignedInt", "How many resources were received.", min=1),
        Parameter("contentSha256", "string", "The sha256 (hex) of what was received.", min=1),
        Parameter("status", "code", "received | rejected", min=1),
        Parameter("return", "OperationOutcome", "Recorded, or already recorded.", min=1, use="out"),
    ),
)  # fmt: skip

SERVED: Final = {op.id: op for op in (DATA_EXPORT, EVERYTHING, TRANSFER_ACKNOWLEDGMENT)}
