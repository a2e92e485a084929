"""What ``p2p demo`` prints and writes: the graphs, the transfers, one evidence packet, and
where to look next (dashboards, steward query, CLI with each payer's settings)."""

from __future__ import annotations

import os
import shlex
from collections import Counter
from pathlib import Path

from rich.table import Table

from audit import service
from audit.evidence_proof import write_packet
from exchange.domain.retry import TRANSIENT
from p2p.bootstrap import audit_keys, graph_store
from p2p.cli.common import console
from p2p.pair_outcome import PairOutcome
from p2p.payer_pair import PayerPair, Prepared
from p2p.settings import Settings, as_environment
from security.keys import load_signing_key
from security.principal import Role
from security.tokens import AccessTokens, person_principal

DASHBOARD_TOKEN_TTL_S = 8 * 3600


def graphs_table(pair: PayerPair, prepared: Prepared, disputes: dict[str, int]) -> Table:
    model = prepared.model
    auto = model.evaluation.get("auto_confirmed_links", {})
    table = Table("", "payer-a (previous payer)", "payer-b (new payer)", title="Two payers, each with its own "
                  "identity graph", title_justify="left")  # fmt: skip
    a, b = (prepared.loads[side.payer_id] for side in (pair.a, pair.b))
    table.add_row("Neo4j", pair.a.bolt_uri, pair.b.bolt_uri)
    table.add_row("source records", f"{a.records:,}", f"{b.records:,}")
    table.add_row("members", f"{a.members:,}", f"{b.members:,}")
    table.add_row("links created", f"{a.links_created:,}", f"{b.links_created:,}")
    table.add_row("cluster-quality disputes opened", str(disputes[pair.a.payer_id]), str(disputes[pair.b.payer_id]))
    trained = "trained now" if prepared.trained else "published earlier, reused"
    precision, recall = auto.get("precision", 0), auto.get("recall", 0)
    table.caption = (f"model {model.version} ({trained}): auto-confirmed links precision {precision:.4f}, "
                     f"recall {recall:.4f} on the generated truth")  # fmt: skip
    return table


def transfers_table(outcome: PairOutcome, answers: Counter[str], faults: float, took: float) -> Table:
    title = "Transfers: payer-b pulls its new members' histories from payer-a"
    table = Table("", "", title=title, title_justify="left")
    extra = sum(answers.values()) - outcome.submitted
    table.add_row("requests", f"{outcome.submitted:,} (+{extra} duplicate submissions)")
    table.add_row("duplicates suppressed", f"{answers['replayed']} replayed by Idempotency-Key, "
                  f"{answers['existing']} found by business intent")  # fmt: skip
    table.add_row("transfers", f"{outcome.transfers:,} (lost: {outcome.lost}, stuck with the service: {outcome.stuck})")
    for state, count in outcome.states.most_common():
        why = {r.split(": ", 1)[1]: n for r, n in outcome.reasons.items() if r.startswith(f"{state}: ")}
        detail = ", ".join(f"{reason} {n}" for reason, n in sorted(why.items(), key=lambda kv: -kv[1]))
        table.add_row(f"  {state.replace('_', ' ')}", f"{count:,}" + (f"  ({detail})" if detail else ""))
    failed = ", ".join(f"{kind} {n}" for kind, n in outcome.attempts.most_common() if kind in TRANSIENT)
    calls = f"{outcome.attempts['ok']:,} answered, {outcome.retries} failed transiently ({failed or 'none'})"
    table.add_row("calls to the previous payer", f"{calls}, {outcome.refusals} refused")
    table.add_row("faults injected at payer-a", f"{faults:.0%} of answers (503, 429, slow, reset) + 5% delivered twice")
    table.add_row("done twice", f"identity decisions at A {outcome.decided_twice}, ingestions at B "
                  f"{outcome.ingested_twice}, acknowledgments at A {outcome.acknowledged_twice}")  # fmt: skip
    p50, p95 = outcome.latency_p(50), outcome.latency_p(95)
    if p50 is not None and p95 is not None:
        table.add_row("request to completion", f"p50 {p50:.1f} s, p95 {p95:.1f} s (all requests arrive at once)")
    completed = outcome.states.get("completed", 0)
    table.add_row("throughput", f"{completed / took:.2f} completed transfers/s ({completed} in {took:.0f} s)")
    return table


def write_evidence(b: Settings, a: Settings, transfer_id: str | None, out: Path) -> list[Path]:
    """The example transfer's evidence at B (its journey) and at A (why A matched the member),
    as HTML pages; empty when no transfer completed."""
    if transfer_id is None:
        return []
    with graph_store(b) as store:
        packet = service.transfer_evidence(store, audit_keys(b), transfer_id=transfer_id)
        # A knows the transfer by the correlation id B sent with its calls
        correlation = store.read("transfers/transfer", {"transfer_id": transfer_id})[0]["transfer"]["correlation_id"]
    if packet is None:
        return []
    pages = [write_packet(packet, out / "payer-b")[1]]
    with graph_store(a) as store:
        at_a = service.transfer_evidence(store, audit_keys(a), correlation_id=correlation)
    if at_a is not None:
        pages.append(write_packet(at_a, out / "payer-a")[1])
    return pages


def write_env_files(pair: PayerPair, root: Path) -> dict[str, Path]:
    """``<root>/<payer>.env``: each payer's settings, so that any ``p2p`` command can act as it
    (owner-only: it holds the local Neo4j password)."""
    files = {}
    for side in (pair.a, pair.b):
        path = root / f"{side.payer_id}.env"
        lines = (f"{k}={shlex.quote(v)}\n" for k, v in sorted(as_environment(side).items()))  # `. file` in a shell
        path.write_text("".join(lines), encoding="utf-8")
        os.chmod(path, 0o600)
        files[side.payer_id] = path
    return files


def operator_token(side: Settings) -> str:
    tokens = AccessTokens(load_signing_key(side), side.auth_issuer, side.auth_clock_skew_s)
    return tokens.issue(person_principal(Role.OPERATOR, "demo"), DASHBOARD_TOKEN_TTL_S)[0]


def next_steps(pair: PayerPair, evidence: list[Path], env: dict[str, Path], logs: Path, outcome: PairOutcome) -> None:
    a, b = pair.url(pair.a), pair.url(pair.b)
    console.print("\nWhere to look next", style="bold")
    console.print(f"  SLA dashboards      {b}/dashboard (payer-b)   {a}/dashboard (payer-a)")
    console.print("  operator tokens     paste into the dashboard's form (valid 8 hours):")
    console.print(f"                      payer-b: {operator_token(pair.b)}", soft_wrap=True)
    console.print(f"                      payer-a: {operator_token(pair.a)}", soft_wrap=True)
    console.print(f"  API documentation   {b}/docs   {a}/docs")
    for page in evidence:
        console.print(f"  evidence packet     {page}")
    example = outcome.example_transfer()
    if example:
        console.print(f"                      or GET {b}/audit/evidence/transfers/{example}?format=html")
    console.print(f"  act as payer-b      set -a; . {env['payer-b']}; set +a")
    console.print("    then              p2p steward query held_transfers -p limit=5  (who waits on identity, why)")
    console.print("                      p2p transfers summary;  p2p transfers list --state dead_lettered")
    console.print("                      p2p audit verify        (the hash chain and its signed checkpoints)")
    console.print(f"  act as payer-a      set -a; . {env['payer-a']}; set +a")
    console.print(f"  service logs        {logs}/  (JSON lines, no member data)")
