"""``p2p partner ...`` and ``p2p token issue`` against the real Neo4j: the registry lifecycle as an operator runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from typer.testing import CliRunner

from graph.store import GraphStore
from p2p.cli.main import app
from p2p.settings import Settings
from security import registry
from security.keys import load_signing_key
from security.principal import Role, Scope
from security.tokens import AccessTokens
from tests.support.partners import public_jwks

pytestmark = pytest.mark.integration
APPROVE = ["--by", "ana", "--approval", "CHG-42"]


def p2p(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def jwks_file(tmp_path: Path, name: str = "jwks.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(public_jwks(ec.generate_private_key(ec.SECP384R1()), name)))
    return str(path)


def test_an_operator_registers_activates_rotates_suspends_and_revokes_a_partner(
    store: GraphStore, tmp_path: Path
) -> None:
    code, out = p2p(
        "partner", "register", "payer-b", "--name", "Payer B", "--scope", "system/Group.export",
        "--identifier", "http://hl7.org/fhir/sid/us-npi|0123456789", "--jwks", jwks_file(tmp_path), *APPROVE,
    )  # fmt: skip
    assert code == 0 and "registered payer-b (onboarding); client_id " in out
    assert p2p("partner", "activate", "payer-b", *APPROVE) == (0, "payer-b: onboarding -> active\n")
    code, out = p2p(
        "partner", "rotate-key", "payer-b", "--jwks", jwks_file(tmp_path, "new.json"), "--overlap", "60", *APPROVE
    )
    assert code == 0 and "valid for 60 s more" in out
    assert p2p("partner", "suspend", "payer-b", *APPROVE, "--reason", "incident")[0] == 0
    code, out = p2p("partner", "list")
    assert code == 0 and "payer-b" in out and "suspended" in out
    assert p2p("partner", "revoke", "payer-b", *APPROVE)[0] == 0
    code, out = p2p("partner", "activate", "payer-b", *APPROVE)
    assert code == 1 and "revoked; it cannot become active" in out
    code, out = p2p("partner", "history", "payer-b")
    assert code == 0 and out.count("CHG-42") == 5  # registered, activated, rotated, suspended, revoked
    changes = registry.history(store, "payer-b")
    assert {c["actor"] for c in changes} == {"operator:ana"} and changes[3]["reason"] == "incident"


def test_bad_input_is_one_clear_line_and_writes_nothing(store: GraphStore, tmp_path: Path) -> None:
    base = ["partner", "register", "payer-b", "--name", "B", "--scope", "system/Group.export"]
    missing_approval = p2p(*base, "--jwks", jwks_file(tmp_path), "--by", "ana")
    assert missing_approval[0] == 2 and "--approval" in missing_approval[1]
    (tmp_path / "private.json").write_text(json.dumps({"keys": [{"kty": "EC", "kid": "k", "d": "secret"}]}))
    cases = {
        "private key material": [*base, "--jwks", str(tmp_path / "private.json"), *APPROVE],
        "not on P2P_AUTH_JWKS_URL_ALLOWLIST": [*base, "--jwks-url", "https://evil.example/jwks", *APPROVE],
        "either a JWKS or a JWKS URL": [*base, *APPROVE],
        "cannot hold user/steward": [*base[:-1], "user/steward", "--jwks", jwks_file(tmp_path), *APPROVE],
        "cannot read the JWKS file": [*base, "--jwks", str(tmp_path / "missing.json"), *APPROVE],
    }
    for why, args in cases.items():
        code, out = p2p(*args)
        assert code == 1 and why in out, (why, out)
    assert p2p("partner", "suspend", "payer-x", *APPROVE) == (1, "Error: no partner 'payer-x'\n")
    assert store.read("security/list_partners") == []


def test_token_issue_prints_a_steward_token_the_api_accepts(settings: Settings) -> None:
    code, out = p2p("token", "issue", "--role", "steward", "--name", "ana", "--ttl", "120")
    assert code == 0
    principal = AccessTokens(load_signing_key(settings), settings.auth_issuer, 0).verify(out.strip())
    assert principal.actor == "steward:ana" and principal.scopes == {Scope.STEWARD} and principal.role is Role.STEWARD
    assert p2p("token", "issue", "--role", "partner", "--name", "x")[0] == 1
