"""The parameters of ``$davinci-data-export`` (Da Vinci ATR / PDex payer-to-payer), read from
the query and from a Parameters body, checked, and turned into the window of dates released.
Pure: no I/O, no clock.

Supported: ``exportType`` (required, ``hl7.fhir.us.davinci-pdex#payertopayer``), ``_since``
and ``_until`` (dates or instants; ``_since`` clamped to five years back), ``_type`` (our
releasable types), ``_typeFilter`` (search queries per type, ``exchange.domain.type_filter``),
``patient`` (members of the Group), ``_outputFormat`` (NDJSON only): the parameters of our
``OperationDefinition`` (``exchange.fhir.operations.DATA_EXPORT``). ``_elements`` is refused with a
400 naming it; so is any other name."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from exchange.domain.release_rules import ReleaseInputError, clamped_since, requested_types
from exchange.domain.type_filter import parse_type_filters
from exchange.fhir.operations import DATA_EXPORT, NDJSON_FORMATS, PAYER_TO_PAYER

__all__ = ["KNOWN", "NDJSON_FORMATS", "PAYER_TO_PAYER", "ExportRequest", "parse_export"]
UNSUPPORTED = {
    "_elements": "_elements is not supported: resources are exported whole",
    "includeAssociatedData": "includeAssociatedData is not supported",
}
_KEY = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
KNOWN = DATA_EXPORT.inputs  # what our OperationDefinition lists (exchange/fhir/operations.py)
VALUE_KEYS = ("valueString", "valueCode", "valueInstant", "valueDateTime", "valueDate", "valueCanonical", "valueUri")


@dataclass(frozen=True)
class ExportRequest:
    since: date | None = None  # as asked (clamped when the window is computed)
    until: date | None = None
    types: tuple[str, ...] = ()  # empty: every releasable type
    patients: tuple[str, ...] = ()  # member keys; empty: every member of the Group
    type_filters: tuple[str, ...] = ()  # the _typeFilter queries as sent (checked by parse_export)


@dataclass(frozen=True)
class Window:
    since: date  # never more than five years back
    until: date | None


def to_json(request: ExportRequest) -> str:
    return json.dumps({"since": request.since.isoformat() if request.since else None,
                       "until": request.until.isoformat() if request.until else None,
                       "types": list(request.types), "patients": list(request.patients),
                       "type_filters": list(request.type_filters)})  # fmt: skip


def from_json(text: str) -> ExportRequest:
    raw = json.loads(text)
    since, until = raw["since"], raw["until"]
    return ExportRequest(date.fromisoformat(since) if since else None, date.fromisoformat(until) if until else None,
                         tuple(raw["types"]), tuple(raw["patients"]), tuple(raw.get("type_filters", ())))  # fmt: skip


def parameters_of(body: Any) -> dict[str, list[str]]:
    """A Parameters body's values by name (``valueReference`` as its reference)."""
    if body is None:
        return {}
    if not isinstance(body, dict) or body.get("resourceType") != "Parameters":
        raise ReleaseInputError("body", "the body must be a FHIR Parameters resource (or empty)")
    parameters = body.get("parameter") or []
    if not isinstance(parameters, list):
        raise ReleaseInputError("Parameters.parameter", "parameter must be a list of parameters")
    found: dict[str, list[str]] = {}
    for index, parameter in enumerate(parameters):
        name = parameter.get("name") if isinstance(parameter, dict) else None
        if not isinstance(name, str):
            raise ReleaseInputError(f"Parameters.parameter[{index}]", "a parameter needs a name")
        reference = parameter.get("valueReference")
        value = reference.get("reference") if isinstance(reference, dict) else None
        value = value or next((parameter[k] for k in VALUE_KEYS if isinstance(parameter.get(k), str)), None)
        if value is None:
            raise ReleaseInputError(f"Parameters.parameter[{index}]", f"{name} needs a value")
        found.setdefault(name, []).append(value)
    return found


def _day(name: str, text: str) -> date:
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text).date()
    except ValueError:
        raise ReleaseInputError(name, f"{name} is not a FHIR date or instant (YYYY-MM-DD[Thh:mm:ss+zz:zz])") from None


def _single(values: Mapping[str, list[str]], name: str) -> str | None:
    given = values.get(name) or []
    if len(given) > 1:
        raise ReleaseInputError(name, f"{name} may be given once")
    return given[0] if given else None


def _patients(references: Iterable[str]) -> tuple[str, ...]:
    keys = []
    for reference in references:
        for one in reference.split(","):
            kind, slash, key = one.strip().rpartition("/")
            if (slash and kind != "Patient") or not _KEY.match(key):
                raise ReleaseInputError("patient", f"not a Patient reference: {one.strip()!r}")
            keys.append(key)
    return tuple(dict.fromkeys(keys))


def parse_export(values: Mapping[str, list[str]]) -> ExportRequest:
    for name in values:
        if name in UNSUPPORTED:
            raise ReleaseInputError(name, UNSUPPORTED[name])
        if name not in KNOWN:
            raise ReleaseInputError(name, f"unknown parameter {name} (supported: {', '.join(KNOWN)})")
    export_type = _single(values, "exportType")
    if export_type != PAYER_TO_PAYER:
        raise ReleaseInputError("exportType", f"exportType must be {PAYER_TO_PAYER} (got {export_type!r})")
    output_format = _single(values, "_outputFormat")
    if output_format is not None and output_format not in NDJSON_FORMATS:
        raise ReleaseInputError("_outputFormat", f"only NDJSON is produced ({', '.join(NDJSON_FORMATS)})")
    since_text, until_text = _single(values, "_since"), _single(values, "_until")
    since = _day("_since", since_text) if since_text else None
    until = _day("_until", until_text) if until_text else None
    if since and until and until < since:
        raise ReleaseInputError("_until", "_until is before _since")
    types = requested_types(",".join(values.get("_type") or []) or None)
    type_filters = tuple(values.get("_typeFilter") or [])
    parse_type_filters(type_filters)  # refused here, with the parameter named, rather than in the job
    return ExportRequest(since, until, types, _patients(values.get("patient") or []), type_filters)


def window(request: ExportRequest, today: date) -> Window:
    """``_since`` older than five years (or absent) becomes five years before today."""
    return Window(clamped_since(request.since, today), request.until)
