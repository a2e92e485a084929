"""Schemathesis over payer B's live OpenAPI document (B's API as its own process, on a loaded
identity graph), with valid tokens: a partner's everywhere, a steward's on /steward and an
operator's on /audit. Every generated request is checked for 5xx and schema conformance;
failures are counted (operation and check) instead of stopping at the first."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance

from p2p.bootstrap import graph_store
from p2p.partner_setup import register_or_rotate
from security.client import SmartClient
from security.keys import SigningKey, generate_private_key, load_signing_key
from security.principal import ROLE_SCOPES, Role
from security.tokens import AccessTokens, person_principal

from .context import Suite
from .verdicts import Result, fuzz_verdict

PARTNER = "payer-fuzz"
SCOPES = sorted(s.value for s in ROLE_SCOPES[Role.PARTNER])
PEOPLE = {"/steward": Role.STEWARD, "/audit": Role.OPERATOR}
CHECKS = [not_a_server_error, response_schema_conformance]
Headers = Callable[[str], dict[str, str]]


def _people(suite: Suite) -> dict[str, str]:
    """What ``p2p token issue`` gives a steward and an operator of payer B."""
    b = suite.pair.b
    tokens = AccessTokens(load_signing_key(b), b.auth_issuer, b.auth_clock_skew_s)
    return {prefix: tokens.issue(person_principal(role, "reliability"), 7200)[0] for prefix, role in PEOPLE.items()}


def _failures(exc: BaseException) -> list[str]:
    inner = getattr(exc, "exceptions", None)
    if inner:
        return [name for e in inner for name in _failures(e)]
    return [str(getattr(exc, "title", None) or type(exc).__name__)]


def _exercise(operation: Any, examples: int, url: str, headers: Headers, failures: Counter[str]) -> int:
    """Up to ``examples`` generated requests to one operation; returns how many were sent."""
    sent = 0

    @given(case=operation.as_strategy())
    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def call(case: Any) -> None:
        nonlocal sent
        sent += 1
        try:
            case.call_and_validate(base_url=url, headers=headers(case.path), checks=CHECKS)
        except (Exception, FailureGroup) as exc:  # a failed check (a FailureGroup is a BaseException): count it, go on
            for name in _failures(exc):
                failures[f"{case.method} {case.path}: {name}"] += 1

    call()
    return sent


def run(suite: Suite, examples: int) -> list[Result]:
    url = suite.pair.url(suite.pair.b)
    key = SigningKey(generate_private_key())
    with graph_store(suite.pair.b) as store:
        client_id = register_or_rotate(store, PARTNER, key, SCOPES, PARTNER)
    people = _people(suite)
    failures: Counter[str] = Counter()
    sent = 0
    with httpx.Client(timeout=30) as http:
        smart = SmartClient(http, key, token_url=f"{url}/auth/token", client_id=client_id, scope=" ".join(SCOPES))

        def headers(path: str) -> dict[str, str]:
            """The steward's token on /steward, the operator's on /audit, the partner's elsewhere."""
            person = next((token for prefix, token in people.items() if path.startswith(prefix)), None)
            return {"Authorization": f"Bearer {person}"} if person else smart.auth_headers()

        operations = [r.ok() for r in schemathesis.openapi.from_url(f"{url}/openapi.json").get_all_operations()]
        with suite.console.status("Schemathesis") as status:
            for n, operation in enumerate(operations, 1):
                status.update(f"Schemathesis: {n}/{len(operations)} {operation.method.upper()} {operation.path}")
                sent += _exercise(operation, examples, url, headers, failures)
    tried = (f"schemathesis on B's live API ({url}/openapi.json), up to {examples} generated requests per operation, "
             "valid partner / steward / operator tokens")  # fmt: skip
    return [fuzz_verdict(len(operations), sent, failures, tried)]
