"""Scopes: parsing a request, granting requested ∩ registered ∩ the role's, and what a registration may list."""

import pytest

from security.domain.errors import OAuthError, OAuthErrorCode
from security.domain.scopes import as_text, check_registrable, grant, parse_requested
from security.principal import ROLE_SCOPES, Principal, Role, Scope


def test_granted_scopes_are_the_requested_ones_that_are_registered() -> None:
    requested = parse_requested("system/Patient.member-match system/Group.export made/up")
    registered = {Scope.MEMBER_MATCH, Scope.TRANSFERS}
    assert grant(requested, registered) == {Scope.MEMBER_MATCH}


def test_a_partner_is_never_granted_a_person_s_scope_even_if_registered() -> None:
    with pytest.raises(OAuthError) as err:
        grant(["user/steward"], {Scope.STEWARD, Scope.MEMBER_MATCH})
    assert err.value.code is OAuthErrorCode.INVALID_SCOPE and err.value.status == 400


@pytest.mark.parametrize("text", ["", "a  b", " a", 'a"b', "a\\b", "x" * 1001, "é"])
def test_malformed_scope_strings_are_invalid_scope(text: str) -> None:
    with pytest.raises(OAuthError) as err:
        parse_requested(text)
    assert err.value.code is OAuthErrorCode.INVALID_SCOPE


def test_registration_refuses_unknown_and_role_foreign_scopes() -> None:
    assert check_registrable(["system/Group.export"]) == {Scope.EXPORT}
    with pytest.raises(ValueError, match="unknown scopes: system/Nope"):
        check_registrable(["system/Nope"])
    with pytest.raises(ValueError, match="cannot hold user/audit"):
        check_registrable(["user/audit"])
    with pytest.raises(ValueError, match="at least one"):
        check_registrable([])


def test_scope_text_is_sorted_and_space_separated() -> None:
    assert as_text({Scope.TRANSFERS, Scope.EXPORT}) == "system/Group.export system/Transfer.write"


def test_a_principal_may_only_use_scopes_its_role_allows() -> None:
    odd = Principal("ana", Role.STEWARD, "c", frozenset({Scope.STEWARD, Scope.MEMBER_MATCH}))
    assert odd.may(Scope.STEWARD) and not odd.may(Scope.MEMBER_MATCH) and not odd.may(Scope.AUDIT)
    assert odd.actor == "steward:ana"
    assert Principal("payer-b", Role.PARTNER, "c", ROLE_SCOPES[Role.PARTNER]).actor == "partner:payer-b"
