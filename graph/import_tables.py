"""The node and relationship files of an initial import, property for property what the
Cypher files in ``cypher/identity/`` write for a run loaded into an empty graph.

Nodes are numbered for the importer (``--id-type=integer``, see ``import_numbers``): the id
column has no property name, so it is not stored; every key is an ordinary property."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graph.domain.clustering_arrays import NumberedClusters
from graph.import_files import ImportFiles, header_type
from graph.import_numbers import Numbers, row_numbers
from graph.run_rows import EXCLUDED_PROPERTIES

STRING = pa.string()
LINK_HEADER = [
    ":ID(Link)", "link_id", "pair_key", "state", "decided_by", "actor", "reason", "run_id", "model_version",
    "match_weight:double", "match_probability:double", "contributions", "blocking_rule", "must_not_link",
    "created_at:datetime", "updated_at:datetime", "queue_rank:long", "queue_weight:double",
]  # fmt: skip
NO_WEIGHT_LAST = 1.0e308  # queue_weight of an open link without a match weight, as identity/refresh_queue_ranks sets it
EVENT_HEADER = [":ID(LinkEvent)", "seq:long", "to_state", "at:datetime", "actor", "reason", "evidence"]
MEMBER_HEADER = [":ID(Member)", "member_key", "status", "created_at:datetime", "created_by", "record_count:long"]
IN_MEMBER_HEADER = [":START_ID(SourceRecord)", ":END_ID(Member)", "since:datetime", "actor", "reason"]
RUN_HEADER = [":ID(MatchRun)", "run_id", "model_version", "records:long", "pairs:long", "started_at:datetime", "status"]


def write_records(
    files: ImportFiles, records: pa.Table, numbers: Numbers, hashes: list[str], run_id: str, now: str
) -> None:
    """``numbers``: each record's number, in table order."""
    kept = records.drop_columns([c for c in EXCLUDED_PROPERTIES if c in records.column_names])
    header = [":ID(SourceRecord)"] + [name + header_type(kept.column(name)) for name in kept.column_names]
    digests = pa.chunked_array([pa.array(hashes, STRING)])
    prefixes = pc.utf8_slice_codeunits(digests, 0, 12)
    extra = {
        "content_hash": digests,
        "record_key": pc.binary_join_element_wise(kept.column("record_id"), prefixes, "#"),  # as run_rows.record_key
        "first_run": pa.repeat(pa.scalar(run_id), kept.num_rows),
        "created_at": pa.repeat(pa.scalar(now), kept.num_rows),
    }
    for name, column in extra.items():
        kept = kept.append_column(name, column)
    kept = kept.add_column(0, "number", pa.array(numbers))
    header += ["content_hash", "record_key", "first_run", "created_at:datetime"]
    files.add("nodes", "SourceRecord", kept, header)


def write_links(
    files: ImportFiles,
    links: pa.Table,
    ends: tuple[Numbers, Numbers],
    meta: tuple[str, str, str],
    impact: pa.Array,
) -> None:
    """``links``: the rows ``import_plan`` plans, numbered by row; ``ends``: the numbers of
    their left and right records; ``meta``: run id, model version, now; ``impact``: the
    steward queue's impact of each open link, null for the others (see
    identity/refresh_queue_ranks)."""
    run_id, model_version, now = meta
    count = links.num_rows
    rows = row_numbers(count)  # a link's id, and its first event's
    at = pa.repeat(pa.scalar(now), count)
    weights = pc.fill_null(pc.negate(links["match_weight"]), NO_WEIGHT_LAST)
    names = ["link_id", "pair_key", "state", "decided_by", "actor", "reason"]
    table = pa.table(
        {"number": rows, **{n: links[n] for n in names}, "run_id": pa.repeat(pa.scalar(run_id), count),
         "model_version": pa.repeat(pa.scalar(model_version), count),
         "match_weight": links["match_weight"], "match_probability": links["match_probability"],
         "contributions": links["contributions"], "blocking_rule": links["blocking_rule"],
         "must_not_link": links["must_not_link"], "created_at": at, "updated_at": at,
         "queue_rank": pc.negate(impact),
         "queue_weight": pc.if_else(pc.is_valid(impact), weights, pa.scalar(None, pa.float64()))}
    )  # fmt: skip
    files.add("nodes", "Link", table, LINK_HEADER)
    events = pa.table(
        {"number": rows, "seq": pa.repeat(pa.scalar(1), count), "to_state": links["state"], "at": at,
         "actor": links["actor"], "reason": links["reason"], "evidence": links["evidence"]}
    )  # fmt: skip
    files.add("nodes", "LinkEvent", events, EVENT_HEADER)
    sides = pa.table(
        {"link": pa.concat_arrays([rows, rows]), "record": pa.array(np.concatenate(ends)),
         "side": pa.concat_arrays([pa.repeat(pa.scalar("left"), count), pa.repeat(pa.scalar("right"), count)])}
    )  # fmt: skip
    files.add("relationships", "LINKS", sides, [":START_ID(Link)", ":END_ID(SourceRecord)", "side"])
    files.add(
        "relationships", "HAS_EVENT", pa.table({"link": rows, "event": rows}),
        [":START_ID(Link)", ":END_ID(LinkEvent)"],
    )  # fmt: skip


def write_members(files: ImportFiles, clusters: NumberedClusters, actor: str, reason: str, now: str) -> None:
    """Members numbered by cluster; each record (by number) in the member of its cluster."""
    count, records = len(clusters.keys), len(clusters.member_of)
    members = pa.table(
        {"number": row_numbers(count), "member_key": pa.array(clusters.keys, STRING),
         "status": pa.repeat(pa.scalar("active"), count), "created_at": pa.repeat(pa.scalar(now), count),
         "created_by": pa.repeat(pa.scalar(actor), count), "record_count": pa.array(clusters.sizes())}
    )  # fmt: skip
    files.add("nodes", "Member", members, MEMBER_HEADER)
    memberships = pa.table(
        {"record": row_numbers(records), "member": pa.array(clusters.member_of),
         "since": pa.repeat(pa.scalar(now), records), "actor": pa.repeat(pa.scalar(actor), records),
         "reason": pa.repeat(pa.scalar(reason), records)}
    )  # fmt: skip
    files.add("relationships", "IN_MEMBER", memberships, IN_MEMBER_HEADER)


def write_never(files: ImportFiles, never: pa.Table, ends: tuple[Numbers, Numbers], run_id: str) -> None:
    """Must-not-link pairs between the numbered records."""
    files.add(
        "relationships", "MUST_NOT_LINK",
        pa.table({"left": pa.array(ends[0]), "right": pa.array(ends[1]), "rule": never["rule"],
                  "run_id": pa.repeat(pa.scalar(run_id), never.num_rows), "match_weight": never["match_weight"]}),
        [":START_ID(SourceRecord)", ":END_ID(SourceRecord)", "rule", "run_id", "match_weight:double"],
    )  # fmt: skip


def write_run_and_schema(
    files: ImportFiles, meta: dict[str, Any], records: int, pairs: int, applied: list[dict[str, Any]], now: str
) -> None:
    """The run as `identity/run_start` records it (run_finish completes it after the import),
    and the schema record, which the import would otherwise wipe."""
    run = pa.table(
        {"number": [0], "run_id": [meta["run_id"]], "model_version": [meta["model_version"]], "records": [records],
         "pairs": [pairs], "started_at": [now], "status": ["loading"]}
    )  # fmt: skip
    files.add("nodes", "MatchRun", run, RUN_HEADER)
    schema = pa.table(
        {"number": row_numbers(len(applied)),
         **{field: pa.array([m[field] for m in applied], STRING) for field in ("name", "checksum", "applied_at")}}
    )  # fmt: skip
    files.add("nodes", "SchemaMigration", schema, [":ID(SchemaMigration)", "name", "checksum", "applied_at:datetime"])
