"""Used client-assertion ``jti`` values, shared by every API replica through a Neo4j uniqueness constraint."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from neo4j.exceptions import ConstraintError

from graph.store import GraphStore

PURGE_EVERY_S = 60.0
PURGE_BATCH = 1000


class JtiStore:
    def __init__(self, store: Callable[[], GraphStore]) -> None:
        self._store = store
        self._last_purge = 0.0
        self._lock = threading.Lock()

    def first_use(self, client_id: str, jti: str, exp: int) -> bool:
        """Record the jti until ``exp``; False when it was already used (a replay)."""
        self._purge_now_and_then()
        key = f"{client_id}|{jti}"
        try:
            self._store().write("security/remember_jti", {"key": key, "client_id": client_id, "jti": jti, "exp": exp})
        except ConstraintError:
            return False
        return True

    def _purge_now_and_then(self) -> None:
        with self._lock:
            if time.monotonic() - self._last_purge < PURGE_EVERY_S:
                return
            self._last_purge = time.monotonic()
        self._store().write("security/purge_expired_jtis", {"batch_size": PURGE_BATCH})
