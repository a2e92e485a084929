"""Two payers on one machine, for the demo, the benchmarks and the reliability runs.

Each payer gets a local Neo4j of its own under ``<root>/<payer>/neo4j`` (the project's own
database is never touched): payer A is the previous payer, payer B the new payer. Each loads
the identity graph of its own records of one generated population (one model for both); A
releases the generated histories. Their APIs and B's workers run as separate processes
(``p2p serve``, ``p2p worker``) configured through ``P2P_*`` variables, so any of them can be
killed and restarted. The payers are introduced to each other as partners would be: B's
service key registered at A, A's endpoint recorded at B.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from exchange.transfers import partners as endpoints
from graph.loading import load_run
from graph.maintenance import delete_all_data
from graph.run_rows import LoadReport
from graph.schema import apply_schema
from matching.linkage import jobs
from matching.linkage.registry import ModelFile, ModelRegistry, RegistryError
from p2p.bootstrap import ensure_neo4j, graph_store
from p2p.partner_setup import partner_with_fresh_key, register_or_rotate
from p2p.ports import free_port
from p2p.settings import Settings, as_environment
from security.keys import SigningKey, generate_private_key, load_signing_key
from synthetic import GeneratorConfig, HistoryScope, generate
from synthetic.switch_requests import payer_identifier

A, B = "payer-a", "payer-b"
OFFLINE = "payer-c"  # a previous payer whose endpoint is down, for dead letters in the demo
ENROLLMENT = "payer-b-enrollment"
Step = Callable[[str], None]


def _quiet(_message: str) -> None:
    return None


def _identifier(payer: str) -> str:
    system, value = payer_identifier(payer)
    return f"{system}|{value}"


@dataclass(frozen=True)
class PayerPair:
    root: Path
    population: Path
    a: Settings
    b: Settings

    def url(self, side: Settings) -> str:
        return f"http://127.0.0.1:{side.api_port}"


def _own_server(base: Settings, folder: Path, offset: int) -> dict[str, Any]:
    return {"neo4j_uri": None, "neo4j_home": folder / "neo4j", "neo4j_bolt_port": base.neo4j_bolt_port + offset,
            "neo4j_http_port": base.neo4j_http_port + offset, "neo4j_heap": "1g",
            "neo4j_pagecache": "256m"}  # fmt: skip


def pair_settings(
    base: Settings, root: Path, population: Path, api_ports: tuple[int, int] | None = None, **b_overrides: Any
) -> PayerPair:
    """A and B each on a Neo4j server of its own (base ports + 101 and + 102, homes under
    ``root``), with its own data folder inside the population's (a model, its runs and the
    payers' keys belong to one population) and API port (``api_ports``, or free ones)."""
    port_a, port_b = api_ports or (free_port(), free_port())
    a = base.model_copy(update={
        "payer_id": A, "payer_name": "Payer A", "payer_identifiers": [_identifier(A)], "data_dir": population / A,
        "api_port": port_a, "fhir_base_url": f"http://127.0.0.1:{port_a}/fhir", "member_data_dir": population / "fhir",
        **_own_server(base, root / A, 101),
    })  # fmt: skip
    b = base.model_copy(update={
        "payer_id": B, "payer_name": "Payer B", "payer_identifiers": [_identifier(B)], "data_dir": population / B,
        "api_port": port_b, "fhir_base_url": f"http://127.0.0.1:{port_b}/fhir", **_own_server(base, root / B, 102),
        **b_overrides,
    })  # fmt: skip
    return PayerPair(root, population, a, b)


@dataclass(frozen=True)
class Prepared:
    model: ModelFile
    trained: bool  # False when the published model of an earlier run was reused
    loads: dict[str, LoadReport]  # payer id -> its identity graph load


def prepare(pair: PayerPair, members: int, seed: int, step: Step = _quiet) -> Prepared:
    """Population, model and both identity graphs, in databases emptied first (the population,
    model and matching run are kept between runs)."""
    if not (pair.population / "manifest.json").is_file():
        step(f"generating {members:,} persons with histories")
        generate(GeneratorConfig(members=members, seed=seed, history=HistoryScope.SWITCHERS), pair.population,
                 overwrite=True)  # fmt: skip
    files = sorted((pair.population / "payers").glob("*.parquet"))
    models = ModelRegistry(pair.a.data_dir / "models")  # A's API answers $member-match with it
    trained = False
    try:
        model = models.published()
    except RegistryError:  # no model published yet: train one
        step("training the matching model")
        model = jobs.train_model(files, models, truth=pair.population / "truth.parquet",
                                 persons=pair.population / "persons.parquet").model  # fmt: skip
        models.publish(model.version)
        trained = True
    loads = {}
    for side in (pair.a, pair.b):  # each payer's graph holds its own records only, as in production
        run_dir = pair.population / "runs" / model.version / side.payer_id
        if not (run_dir / "run.json").is_file():
            step(f"matching {side.payer_id}'s records")
            jobs.run_model([pair.population / "payers" / f"{side.payer_id}.parquet"], model, run_dir)
        step(f"starting Neo4j and loading {side.payer_id}'s identity graph")
        ensure_neo4j(side)
        with graph_store(side) as store:
            apply_schema(store)
            delete_all_data(store)
            loads[side.payer_id] = load_run(store, run_dir)
    return Prepared(model, trained, loads)


@dataclass(frozen=True)
class Enrollment:
    """B's enrollment system: a client of B's own API (scope system/Transfer.write)."""

    client_id: str
    key: SigningKey


def introduce(pair: PayerPair) -> Enrollment:
    """Register B at A (B's service key), A at B with A's endpoint, and B's enrollment client."""
    b_key = load_signing_key(pair.b)
    with graph_store(pair.a) as store_a:
        b_at_a = register_or_rotate(store_a, B, b_key, ["system/Patient.member-match", "system/Patient.read"], B)
    with graph_store(pair.b) as store_b:
        partner_with_fresh_key(store_b, A)
        endpoints.set_endpoint(store_b, A, fhir_base_url=f"{pair.url(pair.a)}/fhir",
                               token_url=f"{pair.url(pair.a)}/auth/token", client_id=b_at_a)  # fmt: skip
        enrollment_key = SigningKey(generate_private_key())
        client_id = register_or_rotate(store_b, ENROLLMENT, enrollment_key, ["system/Transfer.write"], B)
    return Enrollment(client_id, enrollment_key)


def introduce_offline(pair: PayerPair) -> None:
    """Register payer-c at B with an endpoint where nothing listens: a partner that is down."""
    url = f"http://127.0.0.1:{free_port()}"
    with graph_store(pair.b) as store_b:
        partner_with_fresh_key(store_b, OFFLINE)
        endpoints.set_endpoint(store_b, OFFLINE, fhir_base_url=f"{url}/fhir", token_url=f"{url}/auth/token",
                               client_id="payer-b-at-payer-c")  # fmt: skip


def spawn(side: Settings, *args: str, log: Path | None = None) -> subprocess.Popen[bytes]:
    """A ``p2p`` command as a child process with exactly ``side``'s settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("P2P_", "NEO4J_"))}
    env.update(as_environment(side))
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - the child owns it
    return subprocess.Popen([sys.executable, "-m", "p2p", *args], env=env, stdout=out, stderr=out)


def wait_until_up(url: str, timeout_s: float = 60, exit_code: Callable[[], int | None] = lambda: None) -> None:
    """Until the API at ``url`` answers; gives up early when its process has an ``exit_code``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if exit_code() is not None:
            raise RuntimeError(f"the API for {url} exited before answering")
        try:
            if httpx.get(f"{url}/fhir/metadata", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the API at {url} did not answer within {timeout_s:.0f}s")


def done_twice(side: Settings, action: str, *, by_transfer: bool) -> int:
    """How many transfers (or correlation ids) saw ``action`` recorded more than once on ``side``."""
    with graph_store(side) as store:
        return len(store.read("audit/repeated_actions", {"action": action, "by_transfer": by_transfer}))
