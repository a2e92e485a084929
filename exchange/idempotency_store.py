"""Idempotency records in Neo4j: claim a key (race-free: MERGE on the (scope, key) uniqueness
constraint, takeover by compare-and-set on a claim token), store or release the response, purge.

Stored responses can hold PHI (a $member-match answer carries the Patient): they stay in the
database for the retention period and are never logged.
"""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import neo4j.exceptions

from exchange.domain.idempotency import KeyRecord, Verdict, decide
from graph.errors import GraphError
from graph.maintenance import delete_in_batches
from graph.store import GraphStore

PURGE_BATCH = 1000
PURGE_EVERY_S = 600.0
_CLAIM_ATTEMPTS = 3


class IdempotencyUnavailable(GraphError):
    """Neo4j could not be reached or refused the query: the caller answers 503."""


@dataclass(frozen=True)
class StoredResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


@dataclass(frozen=True)
class Claim:
    verdict: Verdict
    token: str = ""  # ours when the verdict is RUN: completing or releasing needs it
    response: StoredResponse | None = None  # when the verdict is REPLAY


def _record(row: dict[str, Any]) -> KeyRecord:
    return KeyRecord(row["fingerprint"], bool(row["completed"]), _time(row["locked_until"]), _time(row["expires_at"]))


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _response(row: dict[str, Any]) -> StoredResponse:
    headers = [(str(name), str(value)) for name, value in json.loads(row["headers"] or "[]")]
    return StoredResponse(int(row["status"]), headers, bytes(row["body"] or b""))


class IdempotencyStore:
    def __init__(self, store: GraphStore, lock_timeout_s: float, retention_s: int) -> None:
        self.store = store
        self.lock_s = math.ceil(lock_timeout_s)
        self.retention_s = retention_s

    def _key(self, scope: str, key: str) -> dict[str, Any]:
        return {"scope": scope, "key": key}

    def _write(self, name: str, params: dict[str, Any]) -> dict[str, Any]:
        try:
            return self.store.write(name, params)[0]
        except neo4j.exceptions.ConstraintError:
            raise
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError) as exc:
            raise IdempotencyUnavailable(type(exc).__name__) from None

    def claim(self, scope: str, key: str, fingerprint: str) -> Claim:
        """RUN (this request holds the key now), REPLAY (with the first response), MISMATCH or IN_FLIGHT."""
        times = {"lock_s": self.lock_s, "retention_s": self.retention_s}
        for _ in range(_CLAIM_ATTEMPTS):
            token = uuid.uuid4().hex
            params = self._key(scope, key) | times | {"fingerprint": fingerprint, "token": token}
            try:
                row = self._write("idempotency/claim_key", params)
            except neo4j.exceptions.ConstraintError:  # lost a creation race: read the winner's record
                continue
            if row["claimed"]:
                return Claim(Verdict.RUN, token)
            verdict = decide(_record(row), fingerprint, _time(row["now"]))
            if verdict is Verdict.REPLAY:
                return Claim(verdict, response=_response(row))
            if verdict is not Verdict.RUN:
                return Claim(verdict)
            if self._write("idempotency/take_over_key", params | {"seen_token": row["token"]})["taken"]:
                return Claim(Verdict.RUN, token)
        return Claim(Verdict.IN_FLIGHT)  # another request keeps winning the takeover: it is running now

    def complete(self, scope: str, key: str, token: str, response: StoredResponse) -> bool:
        params = self._key(scope, key) | {"token": token, "status": response.status, "body": response.body}
        params |= {"headers": json.dumps(response.headers), "retention_s": self.retention_s}
        return bool(self._write("idempotency/complete_key", params)["completed"])

    def release(self, scope: str, key: str, token: str) -> None:
        self._write("idempotency/release_key", self._key(scope, key) | {"token": token})


def purge_expired(store: GraphStore) -> int:
    """Delete every record past its retention, in batches; returns how many."""
    return delete_in_batches(store, "idempotency/purge_expired_keys", PURGE_BATCH)
