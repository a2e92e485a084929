"""Verifies a client assertion: the registered partner, its key (inline or from its JWKS URL), the
signature, the claim rules of ``security.domain.assertion`` and, last, that its jti is new."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

import jwt

from security.domain.assertion import ValidAssertion, check_claims, check_header
from security.domain.errors import invalid_client, invalid_request
from security.domain.jwks import KEY_ALGS, JwksError, key_for
from security.domain.keysets import KeySet, allowed_jku, usable
from security.domain.partner import Partner

MAX_ASSERTION_LENGTH = 16384
SIGNATURE_ONLY = {
    "verify_signature": True, "verify_exp": False, "verify_nbf": False, "verify_iat": False,
    "verify_aud": False, "verify_iss": False, "verify_sub": False, "verify_jti": False,
}  # fmt: skip


class JwksSource(Protocol):
    def get(self, url: str, *, refresh: bool = False) -> dict[str, Any]: ...


class JtiRegister(Protocol):
    def first_use(self, client_id: str, jti: str, exp: int) -> bool: ...


class AssertionVerifier:
    """``fetcher`` is ``security.jwks_fetch.JwksFetcher``; ``jtis`` is ``security.jti_store.JtiStore``."""

    def __init__(self, fetcher: JwksSource, jtis: JtiRegister, skew_s: int) -> None:
        self._fetcher, self._jtis, self._skew_s = fetcher, jtis, skew_s

    def verify(
        self, assertion: str, *, token_url: str, lookup: Callable[[str], Partner | None]
    ) -> tuple[Partner, ValidAssertion]:
        if len(assertion) > MAX_ASSERTION_LENGTH:
            raise invalid_request("client_assertion is too long")
        try:
            header = check_header(jwt.get_unverified_header(assertion))
            unverified = jwt.decode(assertion, options={"verify_signature": False})
        except jwt.DecodeError:
            raise invalid_request("client_assertion is not a signed JWT") from None
        except jwt.InvalidTokenError as exc:  # a JWT we must not accept, e.g. a crit header naming extensions
            why = str(exc).encode("ascii", "backslashreplace").decode()  # it may quote the header: keep it text
            raise invalid_client(f"the assertion cannot be accepted: {why}") from None
        client_id = unverified.get("iss")
        partner = lookup(client_id) if isinstance(client_id, str) and client_id else None
        if partner is None:
            raise invalid_client("unknown client (the assertion's iss must be a registered client_id)")
        jwk = self._key(partner, header.kid, header.jku)
        if jwk.get("kty") not in KEY_ALGS or KEY_ALGS[jwk["kty"]] != header.alg:
            raise invalid_client(f"key {header.kid} is not an {header.alg} key")
        try:
            key = jwt.PyJWK(jwk, algorithm=header.alg).key
            claims = jwt.decode(assertion, key, algorithms=[header.alg], options=SIGNATURE_ONLY)  # type: ignore[arg-type]
        except (jwt.InvalidTokenError, jwt.PyJWKError):
            raise invalid_client("the assertion's signature does not verify with the registered key") from None
        now = int(datetime.now(UTC).timestamp())
        valid = check_claims(claims, client_id=partner.client_id, token_url=token_url, now=now, skew_s=self._skew_s)
        if not self._jtis.first_use(partner.client_id, valid.jti, valid.exp):
            raise invalid_client("this assertion's jti was already used")
        return partner, valid

    def _key(self, partner: Partner, kid: str, jku: str | None) -> dict[str, Any]:
        sets = usable(partner.key_sets, datetime.now(UTC))
        if jku is not None:
            chosen = allowed_jku(sets, jku)
            if chosen is None:
                raise invalid_client("the assertion's jku is not the partner's registered JWKS URL")
            sets = [chosen]
        for key_set in sets:
            found = key_for(self._jwks(key_set, refresh=False), kid)
            if found is None and key_set.jwks_url is not None:
                found = key_for(self._jwks(key_set, refresh=True), kid)
            if found is not None:
                return found
        raise invalid_client(f"no registered key has kid {kid!r}")

    def _jwks(self, key_set: KeySet, *, refresh: bool) -> dict[str, Any]:
        if key_set.jwks is not None:
            return key_set.jwks
        try:
            return self._fetcher.get(str(key_set.jwks_url), refresh=refresh)
        except JwksError as exc:
            raise invalid_client(f"the partner's keys cannot be read: {exc}") from None
