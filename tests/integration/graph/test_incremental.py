"""Incremental matching: new records scored against the graph and added, nothing else rewritten."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graph.loading import load_run
from graph.store import GraphStore
from matching.linkage import jobs
from services.incremental import fetch_candidates, match_incremental
from tests.integration.graph.test_loading import counts, q

pytestmark = pytest.mark.integration


def test_new_records_join_existing_members_without_touching_existing_links(
    store: GraphStore, population: Path, trained_model: jobs.TrainResult, tmp_path: Path
) -> None:
    payers = sorted((population / "payers").glob("*.parquet"))
    jobs.run_model(payers[:2], trained_model.model, tmp_path / "base")
    load_run(store, tmp_path / "base")
    before_links = q(store, "MATCH (l:Link) RETURN l.link_id AS id, l.state AS s ORDER BY id")

    report = match_incremental(store, payers[2], trained_model.model, tmp_path / "inc")
    assert report.new_records == pq.read_table(payers[2]).num_rows and report.candidates > 0
    assert report.load.transitions == 0 and report.load.links_created > 0
    after = {r["id"]: r["s"] for r in q(store, "MATCH (l:Link) RETURN l.link_id AS id, l.state AS s")}
    assert all(after[row["id"]] == row["s"] for row in before_links)  # earlier links untouched

    truth = {r["record_id"]: r["person_id"] for r in pq.read_table(population / "truth.parquet").to_pylist()}
    joined = q(
        store,
        """MATCH (n:SourceRecord {payer_id: 'payer-c'})-[x:IN_MEMBER]->(m)<-[y:IN_MEMBER]-(o:SourceRecord)
                         WHERE x.until IS NULL AND y.until IS NULL AND o.payer_id <> 'payer-c'
                         RETURN n.record_id AS new, o.record_id AS old""",
    )
    assert joined, "some payer-c records should join members of the other payers"
    wrong = [j for j in joined if truth[j["new"]] != truth[j["old"]]]
    assert len(wrong) <= len(joined) // 100  # precision of what the incremental run merged

    snapshot = counts(store)
    again = match_incremental(store, payers[2], trained_model.model, tmp_path / "inc")
    assert again.load.already_loaded and counts(store) == snapshot


def test_candidates_come_back_as_the_stored_values_of_the_model_columns(
    store: GraphStore, population: Path, trained_model: jobs.TrainResult, tmp_path: Path
) -> None:
    payers = sorted((population / "payers").glob("*.parquet"))
    jobs.run_model(payers[:2], trained_model.model, tmp_path / "base")
    load_run(store, tmp_path / "base")
    new = jobs.combined(jobs.load_inputs([payers[2]], None, lambda _msg: None))
    used = set(trained_model.model.notes["columns"]) | {"record_id"}
    scored = new.select([c for c in new.column_names if c in used])
    # a record already in the graph sent again: it finds itself by its keys, and is left out
    again = pq.read_table(tmp_path / "base" / "records.parquet").slice(0, 1).select(scored.column_names)
    scored = pa.concat_tables([scored, again.cast(scored.schema)])

    candidates = fetch_candidates(store, scored, scored.schema)

    assert candidates.schema == scored.schema and candidates.num_rows > 0
    ids = candidates.column("record_id").to_pylist()
    assert len(ids) == len(set(ids)) and not set(ids) & set(scored.column("record_id").to_pylist())
    stored = {
        r["id"]: r["props"]
        for r in q(
            store, "MATCH (r:SourceRecord) WHERE r.record_id IN $ids RETURN r.record_id AS id, r {.*} AS props", ids=ids
        )
    }
    assert candidates.to_pylist() == [{c: stored[rid].get(c) for c in scored.column_names} for rid in ids]
    lists = [c for c in scored.column_names if pa.types.is_list(scored.schema.field(c).type)]
    assert lists and any(row[lists[0]] for row in candidates.to_pylist())  # list values come back as lists
    assert any(v is None for c in scored.column_names for v in candidates.column(c).to_pylist())  # and nulls as nulls
