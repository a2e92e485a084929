"""Claims go out as CARIN BB non-financial ("Basis") ExplanationOfBenefits: no totals, no
payment, no benefit balance and no adjudication amounts, whatever the store holds. Pure."""

from __future__ import annotations

import json
from typing import Any

FINANCIAL = ("total", "payment", "benefitBalance")
_MARKERS = tuple(f'"{k}"'.encode() for k in (*FINANCIAL, "amount"))


def _without_amounts(items: Any) -> Any:
    if not isinstance(items, list):
        return items
    out = []
    for item in items:
        if isinstance(item, dict):
            item = {k: v for k, v in item.items() if k != "amount"}
            for nested in ("adjudication", "detail", "subDetail"):
                if nested in item:
                    item[nested] = _without_amounts(item[nested])
        out.append(item)
    return out


def non_financial(line: bytes) -> bytes:
    """The EOB line unchanged when it carries nothing financial (the usual case: one scan of
    the bytes), otherwise re-serialised without the financial elements."""
    if not any(marker in line for marker in _MARKERS):
        return line
    eob: dict[str, Any] = json.loads(line)
    for key in FINANCIAL:
        eob.pop(key, None)
    for key in ("adjudication", "item", "addItem"):
        if key in eob:
            eob[key] = _without_amounts(eob[key])
    return json.dumps(eob, separators=(",", ":")).encode()
