"""What an operator types into `p2p transfers endpoint` is checked where it is typed: a pasted
client id or scope that every later token request would fail on is refused at once."""

from __future__ import annotations

import pytest

from exchange.transfers.partners import DEFAULT_SCOPE, check_client_id, check_scope, check_url


@pytest.mark.parametrize("client_id", ["payer-b", "0oa1b2c3d4", "urn:uuid:6f1c2e", "b" * 255])
def test_client_ids_as_partners_issue_them_are_kept(client_id: str) -> None:
    assert check_client_id(client_id) == client_id


@pytest.mark.parametrize("client_id", ["", "payer b", "payer-b\n", "\tpayer-b", "b" * 256, "payér"])
def test_client_ids_with_blanks_controls_or_beyond_ascii_are_refused(client_id: str) -> None:
    with pytest.raises(ValueError, match="client id"):
        check_client_id(client_id)


def test_the_default_scope_and_single_spaced_scopes_are_kept() -> None:
    assert check_scope(DEFAULT_SCOPE) == DEFAULT_SCOPE
    assert check_scope("system/Patient.read") == "system/Patient.read"


@pytest.mark.parametrize("scope", ["", " system/Patient.read", "system/Patient.read  system/Group.read", "a\nb"])
def test_empty_or_badly_spaced_scopes_are_refused(scope: str) -> None:
    with pytest.raises(ValueError, match="scope"):
        check_scope(scope)


def test_urls_need_a_scheme_and_host_and_lose_a_trailing_slash() -> None:
    assert check_url("https://payer-a.example/fhir/", "x") == "https://payer-a.example/fhir"
    with pytest.raises(ValueError):
        check_url("https://user:pw@payer-a.example/fhir", "x")
