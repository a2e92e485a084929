"""Who is asking, as far as the entry point knows: the correlation id and the caller's client id and role."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from audit.domain.canonical import canonical_json, sha256_hex


def new_correlation_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class RequestContext:
    correlation_id: str = field(default_factory=new_correlation_id)
    client_id: str | None = None  # the authenticated client, once the API has authentication
    role: str | None = None


def body_sha256(body: bytes | dict[str, Any] | list[Any]) -> str:
    """sha256 (hex) of a body: the bytes as received, or the canonical JSON of a structure."""
    return sha256_hex(body if isinstance(body, bytes) else canonical_json(body))
