"""The partner registry on the real Neo4j: registration, lifecycle with history, key rotation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from graph.store import GraphStore, TxRunner
from security import partners, registry
from security.domain.keysets import KeySet
from security.domain.lifecycle import IllegalPartnerTransition, PartnerStatus
from security.domain.partner import Approval, Partner
from security.principal import Scope
from security.registry import PartnerError
from tests.support.partners import public_jwks

pytestmark = pytest.mark.integration

ANA = Approval("operator:ana", "CHG-1", "new partner")
NPI = "http://hl7.org/fhir/sid/us-npi|0123456789"


def keys() -> KeySet:
    return partners.key_set(public_jwks(ec.generate_private_key(ec.SECP384R1()), "k1"), None, ())


def register(store: GraphStore, partner_id: str = "payer-b", client_id: str | None = None) -> Partner:
    return partners.register(
        store, partner_id=partner_id, name="Payer B", scopes=["system/Group.export", "system/Patient.member-match"],
        identifiers=[NPI], keys=keys(), approval=ANA, client_id=client_id,
    )  # fmt: skip


def test_a_registered_partner_reads_back_whole(store: GraphStore) -> None:
    created = register(store)
    found = registry.by_client_id(store, created.client_id)
    assert found is not None and found == registry.by_id(store, "payer-b")
    assert found.status is PartnerStatus.ONBOARDING and found.scopes == {Scope.EXPORT, Scope.MEMBER_MATCH}
    assert found.identifiers == (("http://hl7.org/fhir/sid/us-npi", "0123456789"),)
    assert found.key_sets[0].jwks == created.key_sets[0].jwks and found.key_sets[0].current
    assert registry.by_client_id(store, "nobody") is None and registry.status_of(store, "nobody") is None


def test_duplicate_ids_are_refused_and_nothing_is_half_written(store: GraphStore) -> None:
    first = register(store)
    with pytest.raises(PartnerError, match="already registered"):
        register(store)
    with pytest.raises(PartnerError, match="already registered"):
        register(store, "payer-c", client_id=first.client_id)
    assert [p["partner_id"] for p in registry.all_partners(store)] == ["payer-b"]
    assert len(registry.history(store, "payer-b")) == 1


def test_status_changes_follow_the_table_and_are_kept_with_who_and_approval(store: GraphStore) -> None:
    register(store)
    bob = Approval("operator:bob", "INC-7", "suspicious traffic")
    partners.set_status(store, "payer-b", PartnerStatus.ACTIVE, ANA)
    assert partners.set_status(store, "payer-b", PartnerStatus.SUSPENDED, bob) is PartnerStatus.ACTIVE
    with pytest.raises(IllegalPartnerTransition):
        partners.set_status(store, "payer-b", PartnerStatus.ONBOARDING, bob)
    changes = registry.history(store, "payer-b")
    assert [(c["kind"], c["from_status"], c["to_status"]) for c in changes] == [
        ("registered", None, "onboarding"), ("status_changed", "onboarding", "active"),
        ("status_changed", "active", "suspended"),
    ]  # fmt: skip
    assert (changes[-1]["actor"], changes[-1]["approval"], changes[-1]["reason"]) == (
        "operator:bob",
        "INC-7",
        "suspicious traffic",
    )
    assert registry.status_of(store, "payer-b") is PartnerStatus.SUSPENDED
    with pytest.raises(PartnerError, match="no partner"):
        partners.set_status(store, "payer-x", PartnerStatus.ACTIVE, ANA)


def test_rotation_keeps_the_old_keys_for_the_overlap_and_a_revoked_partner_s_keys_never_change(
    store: GraphStore,
) -> None:
    old = register(store).key_sets[0]
    partners.rotate_key(store, "payer-b", keys(), timedelta(hours=1), Approval("operator:ana", "CHG-2"))
    found = registry.by_id(store, "payer-b")
    assert found is not None and [s.current for s in found.key_sets] == [True, False]
    kept = found.key_sets[1]
    assert kept.keys_id == old.keys_id and kept.valid_until is not None
    assert timedelta(minutes=59) < kept.valid_until - datetime.now(UTC) <= timedelta(hours=1)
    partners.rotate_key(store, "payer-b", keys(), timedelta(0), Approval("operator:ana", "CHG-3"))
    after = registry.by_id(store, "payer-b")
    assert after is not None and len(after.key_sets) == 2  # the overlap-0 set ended at once; the first still runs
    partners.set_status(store, "payer-b", PartnerStatus.REVOKED, ANA)
    with pytest.raises(PartnerError, match="revoked"):
        partners.rotate_key(store, "payer-b", keys(), timedelta(0), ANA)
    assert [c["kind"] for c in registry.history(store, "payer-b")].count("key_rotated") == 2


def test_a_change_commits_with_the_caller_s_transaction_or_not_at_all(store: GraphStore) -> None:
    """What a later audit-ledger event relies on: the change and the caller's other writes share one transaction."""
    register(store)

    def suspend_then_fail(tx: TxRunner) -> None:
        registry.change_status_in(tx, "payer-b", PartnerStatus.ACTIVE, ANA)
        raise RuntimeError("the ledger write failed")

    with pytest.raises(RuntimeError):
        store.in_write_transaction(suspend_then_fail)
    assert registry.status_of(store, "payer-b") is PartnerStatus.ONBOARDING
    assert len(registry.history(store, "payer-b")) == 1
