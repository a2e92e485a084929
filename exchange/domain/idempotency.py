"""The Idempotency-Key rules (IETF draft "The Idempotency-Key HTTP Header Field") over plain values:
what a valid key is, what makes two requests "the same", and what to do with a key seen before.
No HTTP framework, no database.

A key is either a bare token of 1-255 visible ASCII characters (``abc.step-1``) or the draft's
structured-field string form (``"abc step 1"``: quoted, ``\\"`` and ``\\\\`` escapes, 1-255 printable
ASCII characters inside). The quotes are not part of the key: ``"abc"`` and ``abc`` are the same key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

MAX_KEY_LENGTH = 255
# Headers of a first response that a replay repeats; everything else (date, server, the correlation
# id, content-length) belongs to the answer being sent now.
REPLAYED_HEADERS = frozenset(
    {"content-type", "location", "content-location", "etag", "last-modified", "retry-after", "x-decision-id"}
)
_TRANSIENT = frozenset({408, 429})


class Need(StrEnum):
    REQUIRED = "required"
    OPTIONAL = "optional"


class InvalidKey(ValueError):
    """The header is missing where required, or is not a valid key: 400."""


class Verdict(StrEnum):
    RUN = "run"  # a new key, or one whose holder crashed (lock expired) or whose retention ended: run it
    REPLAY = "replay"  # completed with the same request: send the first response again
    MISMATCH = "mismatch"  # the key was used for another request: 422
    IN_FLIGHT = "in_flight"  # the first request with this key is still running: 409


@dataclass(frozen=True)
class KeyRecord:
    """What is stored about a key, as the rules need it (times from the database's clock)."""

    fingerprint: str
    completed: bool
    locked_until: datetime
    expires_at: datetime


def _visible(text: str) -> bool:
    return all("\x21" <= c <= "\x7e" for c in text)


def _unquote(value: str) -> str:
    """The content of a structured-field string (RFC 8941 sf-string), or InvalidKey."""
    out, escaped = [], False
    for c in value[1:-1]:
        if escaped:
            if c not in '"\\':
                raise InvalidKey('only \\" and \\\\ may be escaped in a quoted Idempotency-Key')
            out.append(c)
            escaped = False
        elif c == "\\":
            escaped = True
        elif c == '"' or not "\x20" <= c <= "\x7e":
            raise InvalidKey('a quoted Idempotency-Key holds printable ASCII; escape inner quotes as \\"')
        else:
            out.append(c)
    if escaped or len(value) < 2 or not value.endswith('"'):
        raise InvalidKey("a quoted Idempotency-Key must end with an unescaped quote")
    return "".join(out)


def parse_key(header: str | None, need: Need) -> str | None:
    """The key of an ``Idempotency-Key`` header value; None when absent and optional."""
    if header is None:
        if need is Need.REQUIRED:
            raise InvalidKey("this operation requires an Idempotency-Key header")
        return None
    value = header.strip(" \t")
    key = _unquote(value) if value.startswith('"') else value
    if not value.startswith('"') and not _visible(key):
        raise InvalidKey("an Idempotency-Key is visible ASCII without spaces (or a quoted string)")
    if not 1 <= len(key) <= MAX_KEY_LENGTH:
        raise InvalidKey(f"an Idempotency-Key has 1 to {MAX_KEY_LENGTH} characters")
    return key


def fingerprint(method: str, target: str, body: bytes) -> str:
    """sha256 of method, request target (path and query) and body bytes: what 'the same request' means."""
    digest = hashlib.sha256()
    for part in (method.upper().encode(), target.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def decide(record: KeyRecord | None, request_fingerprint: str, now: datetime) -> Verdict:
    """The decision table for a key that could not simply be created."""
    if record is None or record.expires_at <= now:
        return Verdict.RUN
    if record.fingerprint != request_fingerprint:
        return Verdict.MISMATCH
    if record.completed:
        return Verdict.REPLAY
    return Verdict.IN_FLIGHT if record.locked_until > now else Verdict.RUN


def storable(status: int) -> bool:
    """Answers worth replaying: 2xx, 3xx and 4xx. 5xx and the transient 408/429 release the key so a
    retry runs again (replaying "try later" forever would defeat the retry)."""
    return status < 500 and status not in _TRANSIENT


def replayed_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(name.lower(), value) for name, value in headers if name.lower() in REPLAYED_HEADERS]
