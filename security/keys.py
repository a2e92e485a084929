"""The service's own signing key: it signs our access tokens and our outbound client assertions.

From ``P2P_AUTH_SIGNING_KEY`` (PEM) when set; otherwise a P-384 key generated once into the
data directory (mode 0600, git-ignored) so every process of one installation shares it.
Replicas on several machines must share the key: set it in their environment.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from p2p.settings import ConfigurationError, Settings

ALGORITHM = "ES384"


def thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638 JWK thumbprint (SHA-256) of an EC public key: its stable key id."""
    members = {name: jwk[name] for name in ("crv", "kty", "x", "y")}
    digest = hashlib.sha256(json.dumps(members, separators=(",", ":"), sort_keys=True).encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def public_jwk(public_key: ec.EllipticCurvePublicKey) -> dict[str, Any]:
    jwk: dict[str, Any] = json.loads(ECAlgorithm.to_jwk(public_key))
    return {**jwk, "kid": thumbprint(jwk), "alg": ALGORITHM, "use": "sig"}


@dataclass(frozen=True)
class SigningKey:
    private_key: ec.EllipticCurvePrivateKey

    @cached_property
    def jwk(self) -> dict[str, Any]:
        return public_jwk(self.private_key.public_key())

    @property
    def kid(self) -> str:
        return str(self.jwk["kid"])

    def sign(self, claims: dict[str, Any], **headers: Any) -> str:
        return jwt.encode(claims, self.private_key, algorithm=ALGORITHM, headers={"kid": self.kid, **headers})


def generate_private_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP384R1())


def _pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _from_pem(pem: bytes, where: str) -> SigningKey:
    """A key that cannot be used is a configuration error (exit 2 from the CLI, not a traceback)."""
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError):
        raise ConfigurationError(f"{where} is not an unencrypted PEM private key") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP384R1):
        raise ConfigurationError(f"{where} must be an EC P-384 key (ES384)")
    return SigningKey(key)


def _generated(path: Path) -> SigningKey:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(_pem(generate_private_key()))
        try:
            os.link(draft, path)  # atomic: a complete file or none; a process that lost the race uses the winner's
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return _from_pem(path.read_bytes(), str(path))


def load_signing_key(settings: Settings) -> SigningKey:
    if settings.auth_signing_key is not None:
        return _from_pem(settings.auth_signing_key.get_secret_value().encode(), "P2P_AUTH_SIGNING_KEY")
    return _generated(settings.auth_signing_key_file)
