"""Signed checkpoints: an Ed25519 signature over the chain head (seq, hash, time).

A checkpoint proves that the chain up to ``seq`` ended in ``hash`` at ``at``: rewriting any
event at or before it, even re-hashing every later one, no longer matches a signature only
the private key can make. The signed bytes are the canonical JSON of ``signed_payload``.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from audit.domain.canonical import canonical_json, sha256_hex

LEDGER = "main"


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str
    key_id: str
    signature: str  # base64

    def payload(self) -> bytes:
        return signed_payload(self.seq, self.hash, self.at, self.key_id)


def signed_payload(seq: int, head_hash: str, at: str, key_id: str) -> bytes:
    return canonical_json({"ledger": LEDGER, "seq": seq, "hash": head_hash, "at": at, "key_id": key_id})


def key_id(public_key: Ed25519PublicKey) -> str:
    """The first 16 hex digits of the sha256 of the raw public key."""
    return sha256_hex(public_key.public_bytes(Encoding.Raw, PublicFormat.Raw))[:16]


def sign_head(private_key: Ed25519PrivateKey, seq: int, head_hash: str, at: str) -> Checkpoint:
    kid = key_id(private_key.public_key())
    signature = private_key.sign(signed_payload(seq, head_hash, at, kid))
    return Checkpoint(seq, head_hash, at, kid, base64.b64encode(signature).decode())


def signature_valid(checkpoint: Checkpoint, trusted: dict[str, Ed25519PublicKey]) -> bool:
    """True when a trusted key with the checkpoint's key id verifies its signature."""
    public_key = trusted.get(checkpoint.key_id)
    if public_key is None:
        return False
    try:
        public_key.verify(base64.b64decode(checkpoint.signature, validate=True), checkpoint.payload())
    except (InvalidSignature, ValueError):
        return False
    return True
