"""The partner lifecycle table: onboarding -> active -> suspended <-> active -> revoked (final)."""

import pytest

from security.domain.lifecycle import (
    ALLOWED,
    IllegalPartnerTransition,
    PartnerStatus,
    check_transition,
    may_use_tokens,
)

S = PartnerStatus
LEGAL = {
    (S.ONBOARDING, S.ACTIVE), (S.ONBOARDING, S.REVOKED), (S.ACTIVE, S.SUSPENDED), (S.ACTIVE, S.REVOKED),
    (S.SUSPENDED, S.ACTIVE), (S.SUSPENDED, S.REVOKED),
}  # fmt: skip


@pytest.mark.parametrize("current", list(S))
@pytest.mark.parametrize("wanted", list(S))
def test_only_the_table_s_transitions_are_allowed(current: PartnerStatus, wanted: PartnerStatus) -> None:
    if (current, wanted) in LEGAL:
        check_transition("p", current, wanted)
    else:
        with pytest.raises(IllegalPartnerTransition, match=f"is {current}; it cannot become {wanted}"):
            check_transition("p", current, wanted)


def test_revoked_is_final_and_says_so() -> None:
    assert ALLOWED[S.REVOKED] == frozenset()
    with pytest.raises(IllegalPartnerTransition, match=r"nothing \(final status\)"):
        check_transition("p", S.REVOKED, S.ACTIVE)


def test_only_an_active_partner_uses_tokens() -> None:
    assert [s for s in S if may_use_tokens(s)] == [S.ACTIVE]
