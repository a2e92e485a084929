"""POST /auth/token as a use case: SMART Backend Services client credentials with a private_key_jwt assertion."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from security.assertions import AssertionVerifier
from security.domain.errors import OAuthError, OAuthErrorCode, invalid_request
from security.domain.lifecycle import may_use_tokens
from security.domain.partner import Partner
from security.domain.scopes import as_text, grant, parse_requested
from security.principal import Principal, Role
from security.tokens import AccessTokens

GRANT_TYPE = "client_credentials"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
KNOWN_PARAMETERS = frozenset({"grant_type", "scope", "client_assertion_type", "client_assertion", "client_id"})


@dataclass(frozen=True)
class TokenIssuer:
    verifier: AssertionVerifier
    tokens: AccessTokens
    lookup: Callable[[str], Partner | None]  # client_id -> registered partner
    ttl_s: int

    def issue(self, form: Mapping[str, list[str]], token_url: str) -> dict[str, Any]:
        """The token response for a parsed form body, or an ``OAuthError`` named as RFC 6749 names it."""
        params = _single_values(form)
        if params.get("grant_type") != GRANT_TYPE:
            raise OAuthError(OAuthErrorCode.UNSUPPORTED_GRANT_TYPE, f"grant_type must be {GRANT_TYPE}")
        if params.get("client_assertion_type") != ASSERTION_TYPE:
            raise invalid_request(f"client_assertion_type must be {ASSERTION_TYPE}")
        assertion = params.get("client_assertion")
        if not assertion:
            raise invalid_request("client_assertion is required")
        requested = parse_requested(params.get("scope", ""))
        partner, _ = self.verifier.verify(assertion, token_url=token_url, lookup=self.lookup)
        if params.get("client_id") not in (None, partner.client_id):
            raise invalid_request("client_id does not match the assertion's issuer")
        if not may_use_tokens(partner.status):
            raise OAuthError(OAuthErrorCode.INVALID_GRANT, f"partner {partner.partner_id} is {partner.status}")
        principal = Principal(
            subject=partner.partner_id, role=Role.PARTNER, client_id=partner.client_id,
            scopes=grant(requested, partner.scopes), organization_identifiers=partner.identifiers,
        )  # fmt: skip
        token, holder = self.tokens.issue(principal, self.ttl_s)
        return {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": self.ttl_s,
            "scope": as_text(holder.scopes),
        }


def _single_values(form: Mapping[str, list[str]]) -> dict[str, str]:
    repeated = sorted(name for name, values in form.items() if name in KNOWN_PARAMETERS and len(values) > 1)
    if repeated:
        raise invalid_request(f"parameters must not be repeated: {', '.join(repeated)}")
    if "grant_type" not in form:
        raise invalid_request("grant_type is required")
    return {name: values[0] for name, values in form.items() if name in KNOWN_PARAMETERS}
