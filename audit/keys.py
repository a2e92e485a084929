"""The checkpoint signing key on disk, and the public keys verification trusts.

The private key is created on first use (``signing_key``) as a PKCS#8 PEM file of mode 0600
in a 0700 folder, and is refused if anyone but its owner can read it. Its public key is
published as ``<public dir>/<key id>.pem``; verification trusts every key in that folder, so
a rotated key's old checkpoints still verify while the old public key stays there.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
)

from audit.domain.checkpoints import key_id
from audit.errors import AuditKeyError


class AuditKeys:
    def __init__(self, private_path: Path, public_dir: Path) -> None:
        self.private_path = private_path
        self.public_dir = public_dir

    def signing_key(self) -> Ed25519PrivateKey:
        """The private key, created (and its public key published) the first time."""
        if not self.private_path.exists():
            self._create()
        mode = stat.S_IMODE(self.private_path.stat().st_mode)
        if mode & 0o077:
            raise AuditKeyError(
                f"the audit signing key {self.private_path} is readable by others (mode {mode:o}); "
                f"run `chmod 600 {self.private_path}`"
            )
        try:
            key = load_pem_private_key(self.private_path.read_bytes(), password=None)
        except ValueError as exc:
            raise AuditKeyError(f"the audit signing key {self.private_path} is not a readable PEM key: {exc}") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise AuditKeyError(f"the audit signing key {self.private_path} is not an Ed25519 key")
        self._publish(key.public_key())
        return key

    def _create(self) -> None:
        self.private_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        pem = Ed25519PrivateKey.generate().private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        fd = os.open(self.private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)

    def _publish(self, public_key: Ed25519PublicKey) -> Path:
        self.public_dir.mkdir(parents=True, exist_ok=True)
        path = self.public_dir / f"{key_id(public_key)}.pem"
        pem = public_key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
        if not path.exists() or path.read_bytes() != pem:
            path.write_bytes(pem)
        return path

    def trusted(self) -> dict[str, Ed25519PublicKey]:
        """Every published public key, by key id."""
        keys: dict[str, Ed25519PublicKey] = {}
        for path in sorted(self.public_dir.glob("*.pem")) if self.public_dir.is_dir() else []:
            try:
                key = load_pem_public_key(path.read_bytes())
            except ValueError as exc:
                raise AuditKeyError(f"the public key {path} is not a readable PEM key: {exc}") from None
            if isinstance(key, Ed25519PublicKey):
                keys[key_id(key)] = key
        return keys

    def public_pem(self) -> str:
        """The PEM of the current signing key's public key (what the API will publish)."""
        if not self.private_path.exists():
            raise AuditKeyError("no audit signing key yet: `p2p audit checkpoint` creates one")
        public_key = self.signing_key().public_key()
        return public_key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
