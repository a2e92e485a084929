"""Partners and tokens for tests of any endpoint: a registered partner with a fresh ES384 key, and a
token obtained over real HTTP, in a line or two.

    def test_other_partner_cannot_read(http, token_a, token_b):
        created = http.post("/things", headers=bearer(token_a), json=...)
        assert http.get(f"/things/{id}", headers=bearer(token_b)).status_code == 404

Plain helpers (``register_partner``, ``token_for``, ``assertion_for``, ``person_token``) and
fixtures (``partner_a``, ``partner_b``, ``token_a``, ``token_b``, ``steward_token``,
``operator_token``; they need the ``store`` and ``http`` fixtures of tests/e2e).
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from graph.store import GraphStore
from p2p.settings import Settings
from security import partners
from security.domain.lifecycle import PartnerStatus
from security.domain.partner import Approval
from security.keys import load_signing_key
from security.principal import ROLE_SCOPES, Role
from security.token_service import ASSERTION_TYPE, GRANT_TYPE
from security.tokens import AccessTokens, person_principal

PARTNER_SCOPES = sorted(s.value for s in ROLE_SCOPES[Role.PARTNER])
NPI = "http://hl7.org/fhir/sid/us-npi"
TEST_APPROVAL = Approval(actor="operator:test-harness", reference="TEST-APPROVAL")


@dataclass(frozen=True)
class RegisteredPartner:
    partner_id: str
    client_id: str
    private_key: ec.EllipticCurvePrivateKey
    kid: str


def new_key() -> tuple[ec.EllipticCurvePrivateKey, str]:
    return ec.generate_private_key(ec.SECP384R1()), uuid.uuid4().hex[:12]


def public_jwks(private_key: ec.EllipticCurvePrivateKey, kid: str) -> dict[str, Any]:
    jwk = json.loads(ECAlgorithm.to_jwk(private_key.public_key()))
    return {"keys": [{**jwk, "kid": kid, "alg": "ES384", "use": "sig"}]}


def register_partner(
    store: GraphStore,
    partner_id: str,
    *,
    scopes: list[str] | None = None,
    status: PartnerStatus = PartnerStatus.ACTIVE,
    jwks_url: str | None = None,
    allowlist: tuple[str, ...] = (),
    identifiers: list[str] | None = None,
) -> RegisteredPartner:
    """A partner registered (and by default activated) with a fresh ES384 key, as `p2p partner` would."""
    private_key, kid = new_key()
    keys = partners.key_set(None if jwks_url else public_jwks(private_key, kid), jwks_url, allowlist)
    partner = partners.register(
        store, partner_id=partner_id, name=f"Payer {partner_id}", scopes=scopes or PARTNER_SCOPES,
        identifiers=identifiers or [f"{NPI}|{abs(hash(partner_id)) % 10**10:010d}"], keys=keys, approval=TEST_APPROVAL,
    )  # fmt: skip
    if status is not PartnerStatus.ONBOARDING:
        partners.set_status(store, partner_id, PartnerStatus.ACTIVE, TEST_APPROVAL)
    if status in (PartnerStatus.SUSPENDED, PartnerStatus.REVOKED):
        partners.set_status(store, partner_id, status, TEST_APPROVAL)
    return RegisteredPartner(partner_id, partner.client_id, private_key, kid)


def rotate_partner_key(store: GraphStore, partner: RegisteredPartner, overlap_s: float) -> RegisteredPartner:
    """A new key for the partner; the old one stays valid for ``overlap_s``."""
    private_key, kid = new_key()
    keys = partners.key_set(public_jwks(private_key, kid), None, ())
    partners.rotate_key(store, partner.partner_id, keys, timedelta(seconds=overlap_s), TEST_APPROVAL)
    return RegisteredPartner(partner.partner_id, partner.client_id, private_key, kid)


def assertion_for(
    partner: RegisteredPartner, token_url: str, *, header: dict[str, Any] | None = None, **claims: Any
) -> str:
    """A valid client assertion; ``claims`` and ``header`` override or add fields (None removes one)."""
    now = int(time.time())
    body = {"iss": partner.client_id, "sub": partner.client_id, "aud": token_url, "exp": now + 240,
            "iat": now, "jti": str(uuid.uuid4())} | claims  # fmt: skip
    body = {k: v for k, v in body.items() if v is not None}
    headers = {"kid": partner.kid, "typ": "JWT"} | (header or {})
    return jwt.encode(body, partner.private_key, algorithm="ES384", headers=headers)


def token_form(assertion: str, scope: str = " ".join(PARTNER_SCOPES)) -> dict[str, str]:
    return {"grant_type": GRANT_TYPE, "scope": scope, "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion}  # fmt: skip


def request_token(http: httpx.Client, partner: RegisteredPartner, scope: str | None = None) -> httpx.Response:
    token_url = f"{http.base_url}".rstrip("/") + "/auth/token"
    form = token_form(assertion_for(partner, token_url), scope or " ".join(PARTNER_SCOPES))
    return http.post("/auth/token", data=form)


def token_for(http: httpx.Client, partner: RegisteredPartner, scope: str | None = None) -> str:
    response = request_token(http, partner, scope)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def person_token(settings: Settings, role: Role, name: str, ttl_s: int = 600) -> str:
    """What `p2p token issue --role ROLE --name NAME` prints."""
    tokens = AccessTokens(load_signing_key(settings), settings.auth_issuer, settings.auth_clock_skew_s)
    return tokens.issue(person_principal(role, name), ttl_s)[0]


@pytest.fixture
def partner_a(store: GraphStore) -> RegisteredPartner:
    return register_partner(store, "payer-a")


@pytest.fixture
def partner_b(store: GraphStore) -> RegisteredPartner:
    return register_partner(store, "payer-b")


@pytest.fixture
def token_a(http: httpx.Client, partner_a: RegisteredPartner) -> str:
    return token_for(http, partner_a)


@pytest.fixture
def token_b(http: httpx.Client, partner_b: RegisteredPartner) -> str:
    return token_for(http, partner_b)


@pytest.fixture
def steward_token(settings: Settings) -> str:
    return person_token(settings, Role.STEWARD, "ana")


@pytest.fixture
def operator_token(settings: Settings) -> str:
    return person_token(settings, Role.OPERATOR, "olu")
