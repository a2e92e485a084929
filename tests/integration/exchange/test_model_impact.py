"""`p2p match impact OLD NEW` before publishing a model: the unfinished transfer of a member whose
record is in a pair that changes decision is named; a finished one is not."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from exchange.transfers import operations
from exchange.transfers import partners as endpoints
from exchange.transfers.contract import TransferRequest
from exchange.transfers.initiate import initiate
from graph.loading import load_run
from graph.store import GraphStore
from p2p.cli.main import app
from tests.integration.graph.conftest import RunMaker, pair
from tests.support.partners import register_partner

pytestmark = pytest.mark.integration


def _transfer(store: GraphStore, record_id: str, source_request_id: str) -> str:
    member = store.read("identity/current_members", {"record_ids": [record_id]})[0]["member_key"]
    body = {"member_key": member, "previous_payer": "payer-zz", "previous_coverage": {"member_id": "Z1"},
            "new_coverage": {"member_id": "N1", "start": "2026-11-01"},
            "consent": {"policy": "regular", "start": "2026-11-01", "end": "2030-01-01"},
            "source_request_id": source_request_id}  # fmt: skip
    return initiate(store, "payer-a", TransferRequest.model_validate(body), correlation_id="corr-impact-0001",
                    actor="partner:enrollment", client_id="enrollment-client").transfer_id  # fmt: skip


def test_impact_names_the_unfinished_transfers_a_new_model_would_touch(store: GraphStore, make_run: RunMaker) -> None:
    old = make_run("impact-old-1", [pair("r1", "r2", "review", 8.0), pair("r4", "r5", "confirm", 20.0)])
    new = make_run("impact-new-2", [pair("r1", "r2", "confirm", 16.0), pair("r4", "r5", "confirm", 21.0)])
    load_run(store, old)
    register_partner(store, "payer-zz")
    endpoints.set_endpoint(store, "payer-zz", fhir_base_url="https://zz.example/fhir",
                           token_url="https://zz.example/auth/token", client_id="us-at-zz")  # fmt: skip
    touched = _transfer(store, "r1", "ENR-1")
    untouched = _transfer(store, "r4", "ENR-2")
    finished = _transfer(store, "r2", "ENR-3")
    operations.cancel(store, finished, "operator:olu", "member left before the transfer")

    result = CliRunner().invoke(app, ["match", "impact", str(old), str(new)])

    assert result.exit_code == 0, result.output
    assert "review" in result.output and "confirm" in result.output
    assert "Unfinished transfers touched: 1 of 2" in result.output
    assert touched in result.output and untouched not in result.output and finished not in result.output


def test_impact_refuses_a_folder_that_is_not_a_run(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["match", "impact", str(tmp_path), str(tmp_path)])
    assert result.exit_code == 1 and "not a matching run" in result.output


def test_impact_refuses_a_run_whose_pairs_are_damaged_without_a_traceback(make_run: RunMaker) -> None:
    old = make_run("impact-old-3", [pair("r1", "r2", "review", 8.0)])
    new = make_run("impact-new-4", [pair("r1", "r2", "confirm", 16.0)])
    for damage, message in [
        (b"cut", "pairs.parquet is not a readable Parquet file"),
        (None, "pairs.parquet lacks the columns left_record_id"),
    ]:
        if damage is None:
            pq.write_table(pa.table({"x": [1]}), new / "pairs.parquet")
        else:
            (new / "pairs.parquet").write_bytes(damage)
        result = CliRunner().invoke(app, ["match", "impact", str(old), str(new)])
        assert result.exit_code == 1 and result.stderr.count("\n") == 1, result.output
        assert message in result.stderr
