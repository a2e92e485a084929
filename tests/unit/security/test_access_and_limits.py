"""Object-level access, the token bucket, page size caps and partner input rules."""

import pytest

from security.access import AccessDenied, NotVisible, calling_partner, ensure_owner, visible
from security.domain.limits import capped_page_size
from security.domain.partner import Approval, check_client_id, check_partner_id, parse_identifier
from security.domain.ratelimit import TokenBucket
from security.principal import ROLE_SCOPES, Principal, Role, Scope

A = Principal("payer-a", Role.PARTNER, "ca", ROLE_SCOPES[Role.PARTNER])
B = Principal("payer-b", Role.PARTNER, "cb", ROLE_SCOPES[Role.PARTNER])
OPERATOR = Principal("olu", Role.OPERATOR, "p2p-cli", frozenset({Scope.AUDIT}))


def test_a_partner_reaches_its_own_objects_and_another_s_look_missing() -> None:
    ensure_owner(A, "payer-a")
    with pytest.raises(NotVisible) as other:
        ensure_owner(B, "payer-a", what="transfer")
    with pytest.raises(NotVisible) as missing:
        ensure_owner(B, None, what="transfer")
    assert str(other.value) == str(missing.value) == "no such transfer"


def test_people_reach_partner_objects_only_through_the_staff_scope_a_route_names() -> None:
    with pytest.raises(NotVisible):
        ensure_owner(OPERATOR, "payer-a")
    ensure_owner(OPERATOR, "payer-a", staff=Scope.AUDIT)
    with pytest.raises(NotVisible):
        ensure_owner(OPERATOR, "payer-a", staff=Scope.STEWARD)
    with pytest.raises(NotVisible):
        ensure_owner(A, "payer-b", staff=Scope.MEMBER_MATCH)  # a staff scope never opens another partner's objects
    assert [visible(A, owner) for owner in ("payer-a", "payer-b", None)] == [True, False, False]


def test_partner_only_operations_act_for_the_calling_partner() -> None:
    assert calling_partner(A) == "payer-a"
    with pytest.raises(AccessDenied):
        calling_partner(OPERATOR)


def test_the_bucket_allows_a_burst_then_refills_at_its_rate() -> None:
    bucket = TokenBucket.full(rate=2.0, burst=3, now=100.0)
    assert [bucket.take(100.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take(100.0) == 1.0  # half a second to the next token, announced as a whole second
    assert bucket.take(100.5) == 0.0
    slow = TokenBucket.full(rate=0.1, burst=1, now=0.0)
    assert slow.take(0.0) == 0.0 and slow.take(0.0) == 10.0
    assert bucket.is_full(200.0)
    with pytest.raises(ValueError):
        TokenBucket.full(rate=0, burst=1, now=0)


@pytest.mark.parametrize(("asked", "served"), [(None, 50), (10, 10), (500, 200), (200, 200)])
def test_page_sizes_are_capped(asked: int | None, served: int) -> None:
    assert capped_page_size(asked, default=50, cap=200) == served


def test_page_size_must_be_positive() -> None:
    with pytest.raises(ValueError):
        capped_page_size(0, default=50, cap=200)


def test_partner_input_rules() -> None:
    assert parse_identifier("http://hl7.org/fhir/sid/us-npi|0123456789") == (
        "http://hl7.org/fhir/sid/us-npi",
        "0123456789",
    )
    for bad in ("0123456789", "|x", "s|", "s|a|b"):
        with pytest.raises(ValueError):
            parse_identifier(bad)
    assert check_partner_id("payer-b") == "payer-b"
    for bad in ("Payer B", "-x", "a", "x" * 64):
        with pytest.raises(ValueError):
            check_partner_id(bad)
    with pytest.raises(ValueError):
        check_client_id("short")
    with pytest.raises(ValueError, match="approval reference"):
        Approval("operator:ana", " ")
    with pytest.raises(ValueError, match="names who"):
        Approval("operator:", "CHG-1")
