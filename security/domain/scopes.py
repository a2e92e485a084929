"""Scope rules: parsing a requested scope string, and granting requested ∩ registered ∩ the role's scopes."""

from __future__ import annotations

import re
from collections.abc import Iterable

from security.domain.errors import OAuthError, OAuthErrorCode
from security.principal import ROLE_SCOPES, Role, Scope

# RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by single spaces.
_SCOPE_TOKEN = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")
MAX_SCOPE_LENGTH = 1000


def parse_requested(text: str) -> list[str]:
    """The scope tokens of a token request (unknown tokens are kept: they are simply not granted)."""
    if not text or len(text) > MAX_SCOPE_LENGTH:
        raise OAuthError(OAuthErrorCode.INVALID_SCOPE, "scope is required (space-separated scope tokens)")
    tokens = text.split(" ")
    if not all(_SCOPE_TOKEN.fullmatch(t) for t in tokens):
        raise OAuthError(OAuthErrorCode.INVALID_SCOPE, "scope must be scope tokens separated by single spaces")
    return tokens


def known(tokens: Iterable[str]) -> frozenset[Scope]:
    values = {s.value: s for s in Scope}
    return frozenset(values[t] for t in tokens if t in values)


def grant(requested: Iterable[str], registered: Iterable[Scope], role: Role = Role.PARTNER) -> frozenset[Scope]:
    """requested ∩ registered ∩ what the role may hold; nothing left is ``invalid_scope``."""
    granted = known(requested) & frozenset(registered) & ROLE_SCOPES[role]
    if not granted:
        raise OAuthError(OAuthErrorCode.INVALID_SCOPE, "none of the requested scopes is registered for this client")
    return granted


def check_registrable(scopes: Iterable[str], role: Role = Role.PARTNER) -> frozenset[Scope]:
    """The scopes a registration may list: known, and allowed for the role (a partner never gets user/*)."""
    given = list(scopes)
    unknown = sorted(set(given) - {s.value for s in Scope})
    if unknown:
        raise ValueError(f"unknown scopes: {', '.join(unknown)} (known: {', '.join(s.value for s in Scope)})")
    chosen = known(given)
    refused = sorted(chosen - ROLE_SCOPES[role])
    if refused:
        raise ValueError(f"a {role} cannot hold {', '.join(refused)}")
    if not chosen:
        raise ValueError("at least one scope is required")
    return chosen


def as_text(scopes: Iterable[Scope]) -> str:
    return " ".join(sorted(s.value for s in scopes))
