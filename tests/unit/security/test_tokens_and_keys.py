"""Our access tokens and signing key: what verifies, what does not, and where the key comes from."""

import os
import stat
import time
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from p2p.settings import ConfigurationError, load_settings
from security.domain.access_tokens import InvalidAccessToken
from security.keys import SigningKey, _pem, load_signing_key
from security.principal import Principal, Role, Scope
from security.tokens import AccessTokens, person_principal

KEY = SigningKey(ec.generate_private_key(ec.SECP384R1()))
TOKENS = AccessTokens(KEY, "payer-exchange", skew_s=0)
PARTNER = Principal("payer-a", Role.PARTNER, "ca", frozenset({Scope.EXPORT}), (("npi", "1"),))


def test_a_token_round_trips_to_its_principal_with_a_fresh_id() -> None:
    token, holder = TOKENS.issue(PARTNER, 300)
    back = TOKENS.verify(token)
    assert back == holder and back.token_id and back.organization_identifiers == (("npi", "1"),)


def test_expired_foreign_and_retyped_tokens_are_refused() -> None:
    with pytest.raises(InvalidAccessToken, match="expired"):
        TOKENS.verify(TOKENS.issue(PARTNER, -5)[0])
    other_issuer = AccessTokens(KEY, "someone-else", 0).issue(PARTNER, 300)[0]
    other_key = AccessTokens(SigningKey(ec.generate_private_key(ec.SECP384R1())), "payer-exchange", 0)
    plain_jwt = KEY.sign({"sub": "x", "exp": int(time.time()) + 60}, typ="JWT")
    for token in (other_issuer, other_key.issue(PARTNER, 300)[0], plain_jwt, "a.b.c", "x" * 9000):
        with pytest.raises(InvalidAccessToken):
            TOKENS.verify(token)


def test_a_token_cannot_widen_a_role_s_scopes() -> None:
    claims = {"iss": "payer-exchange", "aud": "payer-exchange", "sub": "ana", "role": "steward", "client_id": "c",
              "scope": "user/steward system/Group.export", "jti": "t", "iat": int(time.time()),
              "exp": int(time.time()) + 60}  # fmt: skip
    assert TOKENS.verify(KEY.sign(claims, typ="at+jwt")).scopes == {Scope.STEWARD}


def test_people_get_every_scope_of_their_role_and_partners_none_this_way() -> None:
    assert person_principal(Role.OPERATOR, "olu").scopes == {Scope.AUDIT}
    with pytest.raises(ValueError):
        person_principal(Role.PARTNER, "payer-a")
    with pytest.raises(ValueError):
        person_principal(Role.STEWARD, "ana:admin")


def test_a_generated_key_is_written_once_private_and_reused(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    first = load_signing_key(settings)
    mode = stat.S_IMODE(os.stat(settings.auth_signing_key_file).st_mode)
    assert mode == 0o600 and load_signing_key(settings).kid == first.kid
    assert jwt.decode(first.sign({"a": 1}), first.private_key.public_key(), algorithms=["ES384"]) == {"a": 1}


def test_a_configured_pem_is_used_and_placeholders_are_refused_outside_dev(monkeypatch: pytest.MonkeyPatch) -> None:
    pem = _pem(KEY.private_key).decode()
    assert load_signing_key(load_settings(auth_signing_key=pem)).kid == KEY.kid
    monkeypatch.setenv("P2P_ENV", "test")
    with pytest.raises(ConfigurationError, match="P2P_AUTH_SIGNING_KEY is a placeholder"):
        load_settings(auth_signing_key="changeme")
    p256 = _pem(ec.generate_private_key(ec.SECP256R1())).decode()  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="EC P-384"):
        load_signing_key(load_settings(auth_signing_key=p256))
    with pytest.raises(ConfigurationError, match="not an unencrypted PEM"):
        load_signing_key(load_settings(auth_signing_key="-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----"))


def test_jwks_url_allowlist_is_comma_separated_and_https_only_in_prod(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("P2P_AUTH_JWKS_URL_ALLOWLIST", "https://a.example/, http://127.0.0.1:9/")
    assert load_settings().auth_jwks_url_allowlist == ["https://a.example/", "http://127.0.0.1:9/"]
    monkeypatch.setenv("P2P_ENV", "prod")
    monkeypatch.setenv("P2P_NEO4J_PASSWORD", "a-real-long-secret")
    with pytest.raises(ConfigurationError, match="https"):
        load_settings()
    monkeypatch.setenv("P2P_AUTH_JWKS_URL_ALLOWLIST", "https://")
    with pytest.raises(ConfigurationError, match="with a host"):
        load_settings()


def test_a_token_verified_before_is_still_refused_once_it_expires() -> None:
    tokens = AccessTokens(KEY, "payer-exchange", skew_s=0)
    token = tokens.issue(PARTNER, 1)[0]
    assert tokens.verify(token).subject == PARTNER.subject  # verified, then remembered
    assert tokens.verify(token).subject == PARTNER.subject
    time.sleep(1.2)
    with pytest.raises(InvalidAccessToken, match="expired"):
        tokens.verify(token)
    with pytest.raises(InvalidAccessToken):
        tokens.verify(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))  # another text is checked afresh
