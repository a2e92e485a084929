"""Our outbound SmartClient: the assertion it signs, and reusing a token until shortly before it expires."""

from __future__ import annotations

import time
from urllib.parse import parse_qs

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from security.client import PartnerTokenError, SmartClient
from security.keys import SigningKey
from security.token_service import ASSERTION_TYPE

KEY = SigningKey(ec.generate_private_key(ec.SECP384R1()))
URL = "https://payer-b.example/auth/token"


class PartnerEndpoint:
    """A partner's token endpoint in memory: checks what we send and counts the tokens it hands out."""

    def __init__(self, status: int = 200) -> None:
        self.issued, self.status = 0, status

    def __call__(self, request: httpx.Request) -> httpx.Response:
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        assert form["grant_type"] == "client_credentials" and form["client_assertion_type"] == ASSERTION_TYPE
        claims = jwt.decode(
            form["client_assertion"], KEY.private_key.public_key(), algorithms=["ES384"], audience=URL,
            options={"verify_exp": False, "verify_iat": False},  # the test's clock runs ahead of the real one
        )  # fmt: skip
        assert claims["iss"] == claims["sub"] == "us-at-b" and claims["exp"] - claims["iat"] <= 300
        if self.status != 200:
            return httpx.Response(self.status, json={"error": "invalid_client", "error_description": "no"})
        self.issued += 1
        return httpx.Response(200, json={"access_token": f"t{self.issued}", "token_type": "bearer", "expires_in": 300})


def client(endpoint: PartnerEndpoint, clock: list[float]) -> SmartClient:
    http = httpx.Client(transport=httpx.MockTransport(endpoint))
    return SmartClient(
        http, KEY, token_url=URL, client_id="us-at-b", scope="system/Group.export", clock=lambda: clock[0]
    )


def test_a_token_is_reused_until_thirty_seconds_before_it_expires() -> None:
    endpoint, clock = PartnerEndpoint(), [time.time()]
    smart = client(endpoint, clock)
    assert smart.token() == "t1"
    clock[0] += 269
    assert smart.token() == "t1" and endpoint.issued == 1
    clock[0] += 2
    assert smart.auth_headers() == {"Authorization": "Bearer t2"}


@pytest.mark.parametrize(("status", "transient"), [(401, False), (400, False), (503, True), (429, True)])
def test_refusals_say_whether_a_retry_may_help(status: int, transient: bool) -> None:
    with pytest.raises(PartnerTokenError) as err:
        client(PartnerEndpoint(status), [time.time()]).token()
    assert err.value.transient is transient and err.value.error == "invalid_client"
