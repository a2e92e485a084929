"""Which normalised columns a model uses, and tables shaped for Splink."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pyarrow as pa

from matching.linkage.comparisons import COMPARISONS
from matching.linkage.constraints import RULES as MUST_NOT_LINK_RULES

# Kept beside the features: provenance and the inputs of must-not-link rules.
CONTEXT_COLUMNS = ("record_id", "payer_id", "source_system", "relationship")


def feature_columns(tables: Sequence[pa.Table]) -> list[str]:
    """Normalised columns present in every table and used by some comparison or rule."""
    wanted = set().union(*(spec.needs for spec in COMPARISONS), *(rule.needs for rule in MUST_NOT_LINK_RULES))
    wanted |= {"dob", "zip5", "first_name_norm", "last_name_norm", "last_name_key", "phone", "email", "ssn"}
    wanted |= {
        "payer_id",
        "member_id_norm",
        "address_line1_std",
        "first_name_dm",
        "relationship",
        "source_system",
        "suffix_norm",
    }
    common = set.intersection(*(set(t.column_names) for t in tables))
    return sorted(wanted & common)


def model_table(table: pa.Table, columns: Sequence[str]) -> pa.Table:
    keep = [c for c in CONTEXT_COLUMNS if c in table.column_names and c not in columns]
    return table.select(
        ["record_id", *[c for c in columns if c != "record_id"], *[c for c in keep if c != "record_id"]]
    )


def fingerprint(tables: Sequence[pa.Table]) -> str:
    """Content hash of the training data, independent of row order and chunking."""
    digest = hashlib.sha256()
    for table in tables:
        ordered = table.sort_by("record_id").combine_chunks()
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, ordered.schema) as writer:
            writer.write_table(ordered)
        digest.update(sink.getvalue().to_pybytes())
    return digest.hexdigest()
