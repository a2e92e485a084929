"""Checkpoint signatures (Ed25519) and the key files: created once, private to their owner, published."""

from __future__ import annotations

import stat
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit.domain.checkpoints import key_id, sign_head, signature_valid
from audit.errors import AuditKeyError
from audit.keys import AuditKeys


def test_a_signed_checkpoint_verifies_with_its_public_key_only() -> None:
    key, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    checkpoint = sign_head(key, 42, "a" * 64, "2026-03-01T09:00:00.000000Z")
    assert checkpoint.key_id == key_id(key.public_key())
    assert signature_valid(checkpoint, {checkpoint.key_id: key.public_key()})
    assert not signature_valid(checkpoint, {checkpoint.key_id: other.public_key()})
    assert not signature_valid(checkpoint, {})


@pytest.mark.parametrize("change", [{"seq": 43}, {"hash": "b" * 64}, {"at": "2026-03-01T09:00:01.000000Z"},
                                    {"signature": "bm90IGEgc2lnbmF0dXJl"}, {"signature": "%%%"}])  # fmt: skip
def test_changing_anything_signed_breaks_the_signature(change: dict[str, object]) -> None:
    key = Ed25519PrivateKey.generate()
    checkpoint = sign_head(key, 42, "a" * 64, "2026-03-01T09:00:00.000000Z")
    assert not signature_valid(replace(checkpoint, **change), {checkpoint.key_id: key.public_key()})  # type: ignore[arg-type]


def keys(tmp_path: Path) -> AuditKeys:
    return AuditKeys(tmp_path / "keys" / "signing-key.pem", tmp_path / "keys" / "public")


def test_the_signing_key_is_created_once_private_to_its_owner_and_its_public_key_published(tmp_path: Path) -> None:
    store = keys(tmp_path)
    first = store.signing_key()
    assert stat.S_IMODE(store.private_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.private_path.parent.stat().st_mode) == 0o700
    assert key_id(store.signing_key().public_key()) == key_id(first.public_key())
    published = store.public_dir / f"{key_id(first.public_key())}.pem"
    assert published.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    assert store.public_pem() == published.read_text()
    assert set(store.trusted()) == {key_id(first.public_key())}


def test_a_signing_key_others_can_read_is_refused(tmp_path: Path) -> None:
    store = keys(tmp_path)
    store.signing_key()
    store.private_path.chmod(0o644)
    with pytest.raises(AuditKeyError, match="chmod 600"):
        store.signing_key()


def test_a_rotated_key_keeps_the_old_public_key_trusted(tmp_path: Path) -> None:
    store = keys(tmp_path)
    old = key_id(store.signing_key().public_key())
    store.private_path.rename(tmp_path / "retired.pem")
    new = key_id(store.signing_key().public_key())
    assert old != new and set(store.trusted()) == {old, new}


def test_no_key_yet_is_a_clear_message_not_a_new_key(tmp_path: Path) -> None:
    store = keys(tmp_path)
    with pytest.raises(AuditKeyError, match="p2p audit checkpoint"):
        store.public_pem()
    assert not store.private_path.exists() and store.trusted() == {}
