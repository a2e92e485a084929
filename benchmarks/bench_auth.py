"""Partner security costs, on a throw-away Neo4j and a real `p2p serve` process:
token endpoint latency (signature check, jti write, token signing) and what authenticating a
request adds (token verification, cached partner status, rate limit) over an unauthenticated one.

Usage: python benchmarks/bench_auth.py [--tokens 300] [--requests 2000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from graph import server
from graph.schema import apply_schema
from p2p.bootstrap import ensure_neo4j, graph_store
from p2p.settings import load_settings
from security import partners
from security.domain.lifecycle import PartnerStatus
from security.domain.partner import Approval
from security.keys import load_signing_key
from security.principal import Role
from security.token_service import ASSERTION_TYPE, GRANT_TYPE
from security.tokens import AccessTokens, person_principal

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from p2p.ports import free_port
from tests.support.partners import RegisteredPartner, assertion_for, new_key, public_jwks

APPROVAL = Approval("operator:bench", "BENCH")
SCOPE = "system/Patient.member-match"


def timed(n: int, call: Callable[[], httpx.Response]) -> list[float]:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        response = call()
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.text
    return times


def report(name: str, ms: list[float]) -> None:
    q = statistics.quantiles(ms, n=100)
    print(f"{name}: p50 {q[49]:.2f} ms, p95 {q[94]:.2f} ms, {len(ms) / (sum(ms) / 1000):.0f}/s sequential")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tokens", type=int, default=300)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "P2P_NEO4J_HOME": f"{tmp}/neo4j", "P2P_NEO4J_BOLT_PORT": str(free_port()),
            "P2P_NEO4J_HTTP_PORT": str(free_port()), "P2P_DATA_DIR": tmp, "P2P_API_RATE_PER_S": "1000000",
            "P2P_API_RATE_BURST": "1000000",
        }  # fmt: skip
        settings = load_settings(**{k[4:].lower(): v for k, v in env.items()})
        ensure_neo4j(settings)
        port = free_port()
        api = subprocess.Popen([sys.executable, "-m", "p2p", "serve", "--port", str(port)], env=os.environ | env)
        try:
            with graph_store(settings) as store:
                apply_schema(store)
                key, kid = new_key()
                keys = partners.key_set(public_jwks(key, kid), None, ())
                partner = partners.register(
                    store,
                    partner_id="bench",
                    name="Bench",
                    scopes=[SCOPE],
                    identifiers=[],
                    keys=keys,
                    approval=APPROVAL,
                )
                partners.set_status(store, "bench", PartnerStatus.ACTIVE, APPROVAL)
            me = RegisteredPartner("bench", partner.client_id, key, kid)
            base = f"http://127.0.0.1:{port}"
            with httpx.Client(base_url=base, timeout=30) as http:
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    try:
                        http.get("/.well-known/smart-configuration")
                        break
                    except httpx.TransportError:
                        time.sleep(0.2)

                def token() -> httpx.Response:
                    form = {"grant_type": GRANT_TYPE, "scope": SCOPE, "client_assertion_type": ASSERTION_TYPE,
                            "client_assertion": assertion_for(me, f"{base}/auth/token")}  # fmt: skip
                    return http.post("/auth/token", data=form)

                report("POST /auth/token (incl. signing the assertion)", timed(args.tokens, token))
                bearer = {"Authorization": f"Bearer {token().json()['access_token']}"}
                open_ms = timed(args.requests, lambda: http.get("/.well-known/smart-configuration"))
                auth_ms = timed(args.requests, lambda: http.get("/auth/me", headers=bearer))
                report("GET /.well-known/smart-configuration (no token)", open_ms)
                report("GET /auth/me (token verified, status cached, rate limited)", auth_ms)
            tokens = AccessTokens(load_signing_key(settings), settings.auth_issuer, 0)
            issued = tokens.issue(person_principal(Role.STEWARD, "bench"), 300)[0]
            t = time.perf_counter()
            for _ in range(args.requests):
                tokens.verify(issued)
            per_token = (time.perf_counter() - t) / args.requests * 1e6
            print(f"verifying one access token (ES384) in process: {per_token:.0f} µs")
        finally:
            api.terminate()
            api.wait(timeout=30)
            server.stop(settings)


if __name__ == "__main__":
    main()
