"""The saved model's DuckDB SQL rewritten for Spark (pure: sqlglot only, no Spark)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import sqlglot
from sqlglot import exp

from matching.linkage.blocking import blocking_rules_for
from matching.linkage.comparisons import COMPARISONS
from matching.linkage.spark_dialect import UntranslatableSql, spark_model, spark_sql
from matching.linkage.splink_adapter import settings_for

COLUMNS = sorted(set().union(*(spec.needs for spec in COMPARISONS)) | {"last_name_key", "payer_id"})


def every_comparison_model() -> dict[str, Any]:
    """A model with every comparison (household in place of address, ZIP and phone) and rule."""
    model: dict[str, Any] = settings_for(COLUMNS, blocking_rules_for(COLUMNS), "dedupe_only").create_settings_dict(
        "duckdb"
    )
    return model


def test_duckdb_list_functions_become_spark_array_functions() -> None:
    assert spark_sql('array_length(list_intersect("a_l", "a_r")) >= 1') == "SIZE(ARRAY_INTERSECT(`a_l`, `a_r`)) >= 1"
    assert spark_sql("list_contains(v_r, n_l) OR list_contains(v_l, n_r)") == (
        "ARRAY_CONTAINS(v_r, n_l) OR ARRAY_CONTAINS(v_l, n_r)"
    )
    overlap = spark_sql("list_has_any(string_split(s_l, ' '), string_split(s_r, ' '))")
    assert overlap.startswith("ARRAYS_OVERLAP(SPLIT(s_l, ")


def test_string_similarity_uses_the_functions_of_splinks_jar() -> None:
    assert spark_sql('jaro_winkler_similarity("f_l", "f_r") >= 0.92') == "JARO_WINKLER(`f_l`, `f_r`) >= 0.92"
    assert spark_sql('damerau_levenshtein("d_l", "d_r") <= 1') == "DAMERAU_LEVENSHTEIN(`d_l`, `d_r`) <= 1"


def test_a_duckdb_function_without_a_spark_twin_is_refused_by_name() -> None:
    with pytest.raises(UntranslatableSql, match="list_reverse has no Spark equivalent"):
        spark_sql("list_reverse(a_l) = a_r")


def test_every_level_and_rule_of_the_model_is_spark_sql_and_the_weights_are_untouched() -> None:
    model = every_comparison_model()
    saved = copy.deepcopy(model)
    translated = spark_model(model)
    assert translated["sql_dialect"] == "spark"
    assert model == saved  # the published model itself is not changed
    assert len(translated["comparisons"]) == len(COMPARISONS) - 3
    for before, after in zip(model["comparisons"], translated["comparisons"], strict=True):
        for old, new in zip(before["comparison_levels"], after["comparison_levels"], strict=True):
            assert {k: v for k, v in new.items() if k != "sql_condition"} == {
                k: v for k, v in old.items() if k != "sql_condition"
            }
            if new["sql_condition"] != "ELSE":
                tree = sqlglot.parse_one(new["sql_condition"], read="spark")
                names = {f.name.upper() for f in tree.find_all(exp.Anonymous)}
                assert not {n for n in names if n.startswith("LIST_")}, new["sql_condition"]
    rules = translated["blocking_rules_to_generate_predictions"]
    assert len(rules) == len(blocking_rules_for(COLUMNS))
    assert all(r["sql_dialect"] == "spark" and "`" in r["blocking_rule"] for r in rules)
