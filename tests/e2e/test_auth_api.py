"""POST /auth/token and protected routes over real HTTP: SMART Backend Services, 401/403 with
OperationOutcome, suspension taking effect at once, key rotation overlap."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from graph.store import GraphStore
from p2p.settings import Settings
from security import partners
from security.domain.lifecycle import PartnerStatus
from security.keys import SigningKey, load_signing_key
from security.principal import Principal, Role, Scope
from security.tokens import AccessTokens
from tests.support.partners import (
    PARTNER_SCOPES,
    TEST_APPROVAL,
    RegisteredPartner,
    assertion_for,
    bearer,
    person_token,
    register_partner,
    request_token,
    rotate_partner_key,
    token_for,
    token_form,
)

pytestmark = pytest.mark.integration


def url_of(http: httpx.Client) -> str:
    return f"{http.base_url}".rstrip("/") + "/auth/token"


def post_assertion(http: httpx.Client, assertion: str, scope: str = "system/Patient.member-match") -> httpx.Response:
    return http.post("/auth/token", data=token_form(assertion, scope))


def oauth_error(response: httpx.Response, status: int, error: str) -> str:
    assert response.status_code == status, response.text
    assert response.json()["error"] == error
    assert response.headers["cache-control"] == "no-store"
    return str(response.json()["error_description"])


def outcome(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/fhir+json")
    body = response.json()
    assert body["resourceType"] == "OperationOutcome" and set(body) == {"resourceType", "issue"}
    return str(body["issue"][0]["diagnostics"])


def test_smart_configuration_names_the_token_endpoint_and_what_it_accepts(http: httpx.Client) -> None:
    config = http.get("/.well-known/smart-configuration").json()
    assert config["token_endpoint"] == url_of(http)
    assert config["token_endpoint_auth_methods_supported"] == ["private_key_jwt"]
    assert config["token_endpoint_auth_signing_alg_values_supported"] == ["ES384", "RS384"]
    assert config["grant_types_supported"] == ["client_credentials"]
    assert config["capabilities"] == ["client-confidential-asymmetric"]
    assert set(config["scopes_supported"]) == set(PARTNER_SCOPES)
    assert http.get("/.well-known/jwks.json").json()["keys"][0]["kty"] == "EC"


def test_a_partner_gets_a_short_lived_token_that_says_who_it_is(
    http: httpx.Client, partner_a: RegisteredPartner
) -> None:
    response = request_token(http, partner_a, "system/Patient.member-match system/Group.export")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 300
    assert body["scope"] == "system/Group.export system/Patient.member-match"
    me = http.get("/auth/me", headers=bearer(body["access_token"])).json()
    assert me["actor"] == "partner:payer-a" and me["client_id"] == partner_a.client_id
    assert me["scopes"] == ["system/Group.export", "system/Patient.member-match"]
    assert me["organization_identifiers"][0]["system"] == "http://hl7.org/fhir/sid/us-npi"


def test_granted_scopes_are_the_requested_ones_the_partner_is_registered_for(
    http: httpx.Client, store: GraphStore
) -> None:
    narrow = register_partner(store, "payer-narrow", scopes=["system/Patient.member-match"])
    asked = "system/Patient.member-match system/Group.export user/steward made-up"
    assert request_token(http, narrow, asked).json()["scope"] == "system/Patient.member-match"
    refused = request_token(http, narrow, "system/Group.export user/steward")
    oauth_error(refused, 400, "invalid_scope")


def other_key_assertion(partner: RegisteredPartner, url: str) -> str:
    forger = RegisteredPartner(
        partner.partner_id, partner.client_id, ec.generate_private_key(ec.SECP384R1()), partner.kid
    )
    return assertion_for(forger, url)


def rs256_assertion(partner: RegisteredPartner, url: str) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = {"iss": partner.client_id, "sub": partner.client_id, "aud": url, "exp": int(time.time()) + 60, "jti": "x"}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": partner.kid})


# case -> (how to spoil a valid assertion, what the error description says)
BAD_ASSERTIONS: dict[str, tuple[Callable[[RegisteredPartner, str], str], str]] = {
    "expired": (lambda p, url: assertion_for(p, url, exp=int(time.time()) - 60), "expired"),
    "exp too far ahead": (lambda p, url: assertion_for(p, url, exp=int(time.time()) + 3600), "at most 300 seconds"),
    "no exp": (lambda p, url: assertion_for(p, url, exp=None), "exp is required"),
    "wrong aud": (lambda p, url: assertion_for(p, url, aud="https://elsewhere.example/token"), "aud must be"),
    "sub is not the client": (lambda p, url: assertion_for(p, url, sub="someone-else"), "iss and sub"),
    "no jti": (lambda p, url: assertion_for(p, url, jti=None), "jti is required"),
    "unknown kid": (lambda p, url: assertion_for(p, url, header={"kid": "not-registered"}), "no registered key"),
    "jku not registered": (
        lambda p, url: assertion_for(p, url, header={"jku": "https://evil.example/jwks"}),
        "registered JWKS URL",
    ),
    "forged signature": (other_key_assertion, "signature does not verify"),
    "alg RS256": (rs256_assertion, "alg must be"),
    "unknown client": (
        lambda p, url: assertion_for(p, url, iss="nobody-registered", sub="nobody-registered"),
        "unknown client",
    ),
    # Python's JSON writes and reads these; a buggy client library can sign them.
    "exp NaN": (lambda p, url: assertion_for(p, url, exp=float("nan")), "NumericDate"),
    "exp Infinity": (lambda p, url: assertion_for(p, url, exp=float("inf")), "NumericDate"),
    "iat NaN": (lambda p, url: assertion_for(p, url, iat=float("nan")), "NumericDate"),
    "nbf -Infinity": (lambda p, url: assertion_for(p, url, nbf=float("-inf")), "NumericDate"),
    "exp of 400 digits": (lambda p, url: assertion_for(p, url, exp=10**400), "at most 300 seconds"),
    "crit extension": (lambda p, url: assertion_for(p, url, header={"crit": ["exp"]}), "critical extension"),
    "crit surrogate": (lambda p, url: assertion_for(p, url, header={"crit": ["\ud800"]}), "critical extension"),
}


@pytest.mark.parametrize("case", sorted(BAD_ASSERTIONS))
def test_an_invalid_assertion_is_invalid_client(http: httpx.Client, partner_a: RegisteredPartner, case: str) -> None:
    spoil, why = BAD_ASSERTIONS[case]
    assert why in oauth_error(post_assertion(http, spoil(partner_a, url_of(http))), 401, "invalid_client")


def test_a_replayed_jti_is_refused(http: httpx.Client, partner_a: RegisteredPartner) -> None:
    assertion = assertion_for(partner_a, url_of(http))
    assert post_assertion(http, assertion).status_code == 200
    assert "already used" in oauth_error(post_assertion(http, assertion), 401, "invalid_client")


@pytest.mark.parametrize(
    ("change", "status", "error"),
    [
        ({"grant_type": None}, 400, "invalid_request"),
        ({"grant_type": "password"}, 400, "unsupported_grant_type"),
        ({"client_assertion_type": "urn:other"}, 400, "invalid_request"),
        ({"client_assertion": "not-a-jwt"}, 400, "invalid_request"),
        ({"client_assertion": None}, 400, "invalid_request"),
        ({"scope": ""}, 400, "invalid_scope"),
        ({"client_id": "another-client"}, 400, "invalid_request"),
    ],
)
def test_malformed_token_requests_are_named_as_rfc_6749_names_them(
    http: httpx.Client, partner_a: RegisteredPartner, change: dict[str, str | None], status: int, error: str
) -> None:
    form = token_form(assertion_for(partner_a, url_of(http))) | change
    oauth_error(http.post("/auth/token", data={k: v for k, v in form.items() if v is not None}), status, error)


def test_a_json_body_or_repeated_parameter_is_invalid_request(http: httpx.Client, partner_a: RegisteredPartner) -> None:
    form = token_form(assertion_for(partner_a, url_of(http)))
    oauth_error(http.post("/auth/token", json=form), 400, "invalid_request")
    repeated = httpx.QueryParams(form).add("scope", "system/Group.export")
    sent = http.post(
        "/auth/token", content=str(repeated), headers={"content-type": "application/x-www-form-urlencoded"}
    )
    oauth_error(sent, 400, "invalid_request")


@pytest.mark.parametrize("status", [PartnerStatus.ONBOARDING, PartnerStatus.SUSPENDED, PartnerStatus.REVOKED])
def test_a_partner_that_is_not_active_gets_no_token(
    http: httpx.Client, store: GraphStore, status: PartnerStatus
) -> None:
    partner = register_partner(store, "payer-x", status=status)
    assert str(status) in oauth_error(request_token(http, partner), 400, "invalid_grant")


def foreign_token(settings: Settings, issuer: str = "payer-exchange") -> str:
    stranger = AccessTokens(SigningKey(ec.generate_private_key(ec.SECP384R1())), issuer, 0)
    return stranger.issue(Principal("ana", Role.STEWARD, "p2p-cli", frozenset({Scope.STEWARD})), 300)[0]


def test_protected_routes_refuse_missing_malformed_expired_and_forged_tokens(
    http: httpx.Client, settings: Settings
) -> None:
    none = http.get("/steward/queue")
    assert "bearer token is required" in outcome(none, 401)
    assert none.headers["www-authenticate"] == 'Bearer realm="payer-exchange"'
    our_key_other_audience = AccessTokens(load_signing_key(settings), "someone-else", 0)
    cases = {
        "Basic YW5hOnB3": "Bearer <token>",
        "Bearer not.a.token": "not valid",
        f"Bearer {person_token(settings, Role.STEWARD, 'ana', ttl_s=-60)}": "expired",
        f"Bearer {foreign_token(settings)}": "not valid",
        f"Bearer {our_key_other_audience.issue(Principal('ana', Role.STEWARD, 'c', frozenset({Scope.STEWARD})), 300)[0]}": "not valid",
    }
    for header, why in cases.items():
        response = http.get("/steward/queue", headers={"Authorization": header})
        assert why in outcome(response, 401)
        assert response.headers["www-authenticate"].startswith('Bearer realm="payer-exchange", error=')


def test_a_client_assertion_is_not_an_access_token(http: httpx.Client, partner_a: RegisteredPartner) -> None:
    response = http.get("/auth/me", headers=bearer(assertion_for(partner_a, url_of(http))))
    assert "not an access token" in outcome(response, 401)


def test_a_token_without_the_scope_is_403_and_names_the_scope(http: httpx.Client, token_a: str) -> None:
    response = http.get("/steward/queue", headers=bearer(token_a))
    assert "user/steward" in outcome(response, 403)
    assert 'error="insufficient_scope"' in response.headers["www-authenticate"]


def test_a_suspended_partner_loses_access_at_once_and_regains_it_when_reinstated(
    http: httpx.Client, store: GraphStore, partner_a: RegisteredPartner, token_a: str, settings: Settings
) -> None:
    assert http.get("/auth/me", headers=bearer(token_a)).status_code == 200
    partners.set_status(store, partner_a.partner_id, PartnerStatus.SUSPENDED, TEST_APPROVAL)
    time.sleep(settings.auth_status_cache_s + 0.2)
    assert "suspended" in outcome(http.get("/auth/me", headers=bearer(token_a)), 403)
    oauth_error(request_token(http, partner_a), 400, "invalid_grant")
    partners.set_status(store, partner_a.partner_id, PartnerStatus.ACTIVE, TEST_APPROVAL)
    time.sleep(settings.auth_status_cache_s + 0.2)
    assert http.get("/auth/me", headers=bearer(token_a)).status_code == 200


def test_a_revoked_partner_loses_access_for_good(
    http: httpx.Client, store: GraphStore, partner_a: RegisteredPartner, token_a: str, settings: Settings
) -> None:
    partners.set_status(store, partner_a.partner_id, PartnerStatus.REVOKED, TEST_APPROVAL)
    time.sleep(settings.auth_status_cache_s + 0.2)
    assert "revoked" in outcome(http.get("/auth/me", headers=bearer(token_a)), 403)
    with pytest.raises(ValueError, match="cannot become active"):
        partners.set_status(store, partner_a.partner_id, PartnerStatus.ACTIVE, TEST_APPROVAL)


def test_after_a_rotation_the_old_key_works_until_the_overlap_ends(
    http: httpx.Client, store: GraphStore, partner_a: RegisteredPartner
) -> None:
    rotated = rotate_partner_key(store, partner_a, overlap_s=3)
    assert token_for(http, rotated) and token_for(http, partner_a)
    time.sleep(3.5)
    assert token_for(http, rotated)
    assert "no registered key" in oauth_error(request_token(http, partner_a), 401, "invalid_client")
