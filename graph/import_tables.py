"""The node and relationship files of an initial import, property for property what the
Cypher files in ``cypher/identity/`` write for a run loaded into an empty graph."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from graph.import_files import ImportFiles, header_type
from graph.run_rows import EXCLUDED_PROPERTIES

STRING = pa.string()
LINK_HEADER = [
    "link_id:ID(Link)", "pair_key", "state", "decided_by", "actor", "reason", "run_id", "model_version",
    "match_weight:double", "match_probability:double", "contributions", "blocking_rule", "must_not_link",
    "created_at:datetime", "updated_at:datetime", "queue_rank:long", "queue_weight:double",
]  # fmt: skip
NO_WEIGHT_LAST = 1.0e308  # queue_weight of an open link without a match weight, as identity/refresh_queue_ranks sets it
EVENT_HEADER = [":ID(LinkEvent)", "seq:long", "to_state", "at:datetime", "actor", "reason", "evidence"]
MEMBER_HEADER = ["member_key:ID(Member)", "status", "created_at:datetime", "created_by", "record_count:long"]
IN_MEMBER_HEADER = [":START_ID(SourceRecord)", ":END_ID(Member)", "since:datetime", "actor", "reason"]
RUN_HEADER = ["run_id:ID(MatchRun)", "model_version", "records:long", "pairs:long", "started_at:datetime", "status"]


def write_records(files: ImportFiles, records: pa.Table, hashes: list[str], run_id: str, now: str) -> None:
    kept = records.drop_columns([c for c in EXCLUDED_PROPERTIES if c in records.column_names])
    header = [
        "record_id:ID(SourceRecord)" if name == "record_id" else name + header_type(kept.column(name))
        for name in kept.column_names
    ]
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
    header += ["content_hash", "record_key", "first_run", "created_at:datetime"]
    files.add("nodes", "SourceRecord", kept, header)


def write_links(
    files: ImportFiles, links: pa.Table, run_id: str, model_version: str, now: str, impact: list[int | None]
) -> None:
    """``links``: the rows ``import_plan`` plans; ``impact``: the steward queue's impact of each
    open link, None for the others (see identity/refresh_queue_ranks)."""
    count = links.num_rows
    at = pa.repeat(pa.scalar(now), count)
    weights = pc.fill_null(pc.negate(links["match_weight"]), NO_WEIGHT_LAST)
    ranked = pc.is_valid(pa.array(impact, pa.int64()))
    names = ["link_id", "pair_key", "state", "decided_by", "actor", "reason"]
    table = pa.table(
        {**{n: links[n] for n in names}, "run_id": pa.repeat(pa.scalar(run_id), count),
         "model_version": pa.repeat(pa.scalar(model_version), count),
         "match_weight": links["match_weight"], "match_probability": links["match_probability"],
         "contributions": links["contributions"], "blocking_rule": links["blocking_rule"],
         "must_not_link": links["must_not_link"], "created_at": at, "updated_at": at,
         "queue_rank": pa.array([None if i is None else -i for i in impact], pa.int64()),
         "queue_weight": pc.if_else(ranked, weights, pa.scalar(None, pa.float64()))}
    )  # fmt: skip
    files.add("nodes", "Link", table, LINK_HEADER)
    events = pa.table(
        {"id": links["link_id"], "seq": pa.repeat(pa.scalar(1), count), "to_state": links["state"], "at": at,
         "actor": links["actor"], "reason": links["reason"], "evidence": links["evidence"]}
    )  # fmt: skip
    files.add("nodes", "LinkEvent", events, EVENT_HEADER)
    ends = pa.table(
        {"link": pa.concat_arrays([*links["link_id"].chunks, *links["link_id"].chunks]),
         "record": pa.concat_arrays([*links["left"].chunks, *links["right"].chunks]),
         "side": pa.concat_arrays([pa.repeat(pa.scalar("left"), count), pa.repeat(pa.scalar("right"), count)])}
    )  # fmt: skip
    files.add("relationships", "LINKS", ends, [":START_ID(Link)", ":END_ID(SourceRecord)", "side"])
    files.add(
        "relationships", "HAS_EVENT", pa.table({"link": links["link_id"], "event": links["link_id"]}),
        [":START_ID(Link)", ":END_ID(LinkEvent)"],
    )  # fmt: skip


def write_members(files: ImportFiles, member_of: dict[str, str], actor: str, reason: str, now: str) -> None:
    sizes: dict[str, int] = {}
    for key in member_of.values():
        sizes[key] = sizes.get(key, 0) + 1
    count = len(sizes)
    members = pa.table(
        {"member_key": pa.array(list(sizes), STRING), "status": pa.repeat(pa.scalar("active"), count),
         "created_at": pa.repeat(pa.scalar(now), count), "created_by": pa.repeat(pa.scalar(actor), count),
         "record_count": pa.array(list(sizes.values()), pa.int64())}
    )  # fmt: skip
    files.add("nodes", "Member", members, MEMBER_HEADER)
    records = len(member_of)
    memberships = pa.table(
        {"record": pa.array(list(member_of), STRING), "member": pa.array(list(member_of.values()), STRING),
         "since": pa.repeat(pa.scalar(now), records), "actor": pa.repeat(pa.scalar(actor), records),
         "reason": pa.repeat(pa.scalar(reason), records)}
    )  # fmt: skip
    files.add("relationships", "IN_MEMBER", memberships, IN_MEMBER_HEADER)


def write_run_and_schema(
    files: ImportFiles, meta: dict[str, Any], records: int, pairs: int, applied: list[dict[str, Any]], now: str
) -> None:
    """The run as `identity/run_start` records it (run_finish completes it after the import),
    and the schema record, which the import would otherwise wipe."""
    run = pa.table(
        {"run_id": [meta["run_id"]], "model_version": [meta["model_version"]], "records": [records],
         "pairs": [pairs], "started_at": [now], "status": ["loading"]}
    )  # fmt: skip
    files.add("nodes", "MatchRun", run, RUN_HEADER)
    schema = pa.table(
        {field: pa.array([m[field] for m in applied], STRING) for field in ("name", "checksum", "applied_at")}
    )
    files.add("nodes", "SchemaMigration", schema, ["name:ID(SchemaMigration)", "checksum", "applied_at:datetime"])
