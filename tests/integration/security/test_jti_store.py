"""Used assertion jti values on the real Neo4j: refused a second time, by any replica, until they expire."""

from __future__ import annotations

import threading
import time

import pytest

from graph.store import GraphStore
from security.jti_store import JtiStore

pytestmark = pytest.mark.integration


def test_a_jti_is_accepted_once_per_client(store: GraphStore) -> None:
    jtis, exp = JtiStore(lambda: store), int(time.time()) + 300
    assert jtis.first_use("client-a", "j1", exp) is True
    assert jtis.first_use("client-a", "j1", exp) is False
    assert jtis.first_use("client-b", "j1", exp) is True  # another client's jti is its own


def test_two_replicas_racing_with_one_jti_accept_it_exactly_once(store: GraphStore) -> None:
    replicas = [JtiStore(lambda: store) for _ in range(4)]
    exp, results = int(time.time()) + 300, []
    barrier = threading.Barrier(len(replicas))

    def use(replica: JtiStore) -> None:
        barrier.wait()
        results.append(replica.first_use("client-a", "raced", exp))

    threads = [threading.Thread(target=use, args=(r,)) for r in replicas]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, False, False, True]


def test_expired_jtis_are_purged(store: GraphStore) -> None:
    JtiStore(lambda: store).first_use("client-a", "old", int(time.time()) - 10)
    fresh = JtiStore(lambda: store)  # a new process purges on its first use
    fresh.first_use("client-a", "new", int(time.time()) + 300)
    assert fresh.first_use("client-a", "old", int(time.time()) + 300) is True
