"""Our side of SMART Backend Services: sign a client assertion with our key, get a token from a
partner's token endpoint, and reuse it until shortly before it expires.

    client = SmartClient(outbound_client(settings), load_signing_key(settings),
                         token_url="https://payer-b.example/auth/token", client_id="our-id-at-b",
                         scope="system/Patient.member-match")
    httpx_client.post(url, headers=client.auth_headers(), ...)

The partner registers our public key (``GET /.well-known/jwks.json``) under the client id it gave us.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx

from security.domain.assertion import MAX_LIFETIME_S
from security.keys import SigningKey
from security.token_service import ASSERTION_TYPE, GRANT_TYPE

ASSERTION_LIFETIME_S = MAX_LIFETIME_S - 60  # room for a partner's clock running a little behind ours
REFRESH_MARGIN_S = 30.0
TRANSIENT_STATUS = frozenset({429, 502, 503, 504})


class PartnerTokenError(Exception):
    """The partner refused or failed to issue a token; ``transient`` says whether a retry may help."""

    def __init__(self, message: str, *, transient: bool, error: str | None = None) -> None:
        super().__init__(message)
        self.transient, self.error = transient, error


class SmartClient:
    def __init__(
        self,
        http: httpx.Client,
        key: SigningKey,
        *,
        token_url: str,
        client_id: str,
        scope: str,
        refresh_margin_s: float = REFRESH_MARGIN_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._http, self._key, self._clock = http, key, clock
        self.token_url, self.client_id, self.scope = token_url, client_id, scope
        self._margin = refresh_margin_s
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()

    def assertion(self) -> str:
        now = int(self._clock())
        claims = {
            "iss": self.client_id, "sub": self.client_id, "aud": self.token_url,
            "exp": now + ASSERTION_LIFETIME_S, "iat": now, "jti": str(uuid.uuid4()),
        }  # fmt: skip
        return self._key.sign(claims, typ="JWT")

    def token(self) -> str:
        """A valid access token: the cached one until ``refresh_margin_s`` before it expires."""
        with self._lock:
            if self._token is None or self._clock() >= self._expires_at - self._margin:
                self._token, lifetime = self._fetch()
                self._expires_at = self._clock() + lifetime
            return self._token

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token()}"}

    def forget(self) -> None:
        """Drop the cached token (e.g. after the partner answered 401 with it)."""
        with self._lock:
            self._token = None

    def _fetch(self) -> tuple[str, float]:
        form = {
            "grant_type": GRANT_TYPE, "scope": self.scope,
            "client_assertion_type": ASSERTION_TYPE, "client_assertion": self.assertion(),
        }  # fmt: skip
        try:
            response = self._http.post(self.token_url, data=form, headers={"Accept": "application/json"})
        except httpx.HTTPError as exc:
            raise PartnerTokenError(f"token endpoint unreachable ({type(exc).__name__})", transient=True) from None
        body = _json(response)
        if response.status_code != 200:
            error = body.get("error") if isinstance(body.get("error"), str) else None
            transient = response.status_code in TRANSIENT_STATUS or response.status_code >= 500
            raise PartnerTokenError(
                f"token endpoint answered {response.status_code} {error or ''}".strip(),
                transient=transient,
                error=error,
            )
        token, lifetime = body.get("access_token"), body.get("expires_in")
        if not isinstance(token, str) or not isinstance(lifetime, int | float) or lifetime <= 0:
            raise PartnerTokenError("token response lacks access_token or expires_in", transient=False)
        return token, float(lifetime)


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
