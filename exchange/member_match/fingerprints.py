"""Keyed fingerprints of what a request asked, so attempts can be compared (brute-force
limits) and decisions searched without storing demographics or card data in clear."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from exchange.member_match.request import CoverageFacts


def _mac(key: bytes, value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def demographics(key: bytes, features: Mapping[str, Any]) -> str:
    """The person asked about: normalised names, date of birth and sex."""
    return _mac(key, [features.get(c) for c in ("first_name_norm", "last_name_norm", "dob", "sex")])


def coverage(key: bytes, facts: CoverageFacts, card_ids: list[str]) -> str:
    """The card data offered with it: ids, payor, group and plan."""
    return _mac(key, [sorted(card_ids), sorted(facts.payors), facts.group, facts.plan])
