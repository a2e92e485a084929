"""A request body as FHIR JSON (RFC 8259, which FHIR's JSON format is built on), or a
``FhirInputError`` saying why not. Every partner-facing route that reads a JSON body by hand
goes through ``parse_json``, so a body that is not JSON is one clear 400 wherever it is sent.

Refused, beyond what ``json.loads`` refuses: ``NaN``/``Infinity`` and numbers too large for a
float (not JSON), a property given twice in one object (which value would count?), a string
with an unpaired surrogate escape (``"\\ud800"``: not Unicode text), nesting deeper than the
parser can follow, and an integer of more digits than Python converts."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from exchange.fhir.errors import FhirInputError, Issue

# A \uD800-\uDFFF escape: only a body holding one can carry an unpaired surrogate.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class _NotJson(ValueError):
    pass


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for name, _ in pairs:
            if name in seen:
                raise _NotJson(f"the property {name!r} appears twice in one object")
            seen.add(name)
    return found


def _constant(name: str) -> Any:
    raise _NotJson(f"{name} is not a JSON number")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotJson(f"the number {text[:40]} is too large")
    return value


def _unpaired_surrogate(value: Any) -> bool:
    """Whether any string or property name in ``value`` holds a surrogate (walked without recursion)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            texts: list[str] = [item]
        elif isinstance(item, dict):
            texts = list(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            texts = []
            pending.extend(item)
        else:
            continue
        for text in texts:
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                return True
    return False


def _refused(message: str) -> FhirInputError:
    return FhirInputError([Issue("body", f"not JSON: {message}", "structure")])


def parse_json(raw: bytes) -> Any:
    """The JSON value of ``raw`` (UTF-8), or a 400 ``FhirInputError`` (issue code ``structure``)."""
    try:
        value = json.loads(raw, object_pairs_hook=_object, parse_constant=_constant, parse_float=_float)
    except RecursionError:
        raise _refused("it is nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, too many digits, and ours
        raise _refused(str(exc)) from None
    if _SURROGATE_ESCAPE.search(raw) and _unpaired_surrogate(value):
        raise _refused("a string holds an unpaired UTF-16 surrogate (\\uD800-\\uDFFF) and is not Unicode text")
    return value
