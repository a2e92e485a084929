"""A saved model's SQL, written for DuckDB, rewritten for Spark SQL (pure: no Spark needed).

A published model is Splink's JSON with every level's condition and blocking rule in DuckDB
SQL. Splink does not translate a saved model to another backend (it takes the conditions as
they are), so the Spark backend runs this translation first. sqlglot (Splink's own SQL
library) does most of it; what it leaves in DuckDB's words is rewritten here:

- ``list_intersect(a, b)`` -> ``array_intersect(a, b)``;
- ``list_has_any(a, b)`` (sqlglot's ``a && b``) -> ``arrays_overlap(a, b)``;
- ``jaro_winkler_similarity(a, b)`` -> ``jaro_winkler(a, b)``, the function Splink registers
  from its similarity jar (``damerau_levenshtein`` keeps its name there).

The weights (m, u, term-frequency settings) are not touched, so the same model scores alike.
"""

from __future__ import annotations

import copy
from typing import Any

import sqlglot
from sqlglot import exp

SPARK_DIALECT = "spark"
# Splink's jar registers Jaro-Winkler similarity under this name (splink.backends.spark).
SPARK_JARO_WINKLER = "jaro_winkler"


class UntranslatableSql(ValueError):
    """A level or rule uses a function the Spark backend has no equivalent for."""


def _rewrite(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Anonymous) and node.name.upper() == "LIST_INTERSECT":
        return exp.Anonymous(this="ARRAY_INTERSECT", expressions=node.expressions)
    if isinstance(node, exp.ArrayOverlaps):
        return exp.Anonymous(this="ARRAYS_OVERLAP", expressions=[node.this, node.expression])
    if isinstance(node, exp.JarowinklerSimilarity):
        return exp.Anonymous(this=SPARK_JARO_WINKLER, expressions=[node.this, node.expression])
    return node


# DuckDB's list functions that sqlglot passes through unchanged: Spark has none of these names.
_DUCKDB_ONLY = "LIST_"


def spark_sql(duckdb_sql: str) -> str:
    """One condition (a level's ``sql_condition`` or a blocking rule) in Spark SQL."""
    if duckdb_sql.strip().upper() == "ELSE":
        return duckdb_sql
    tree = sqlglot.parse_one(duckdb_sql, read="duckdb").transform(_rewrite)
    for call in tree.find_all(exp.Anonymous):
        if call.name.upper().startswith(_DUCKDB_ONLY):
            raise UntranslatableSql(f"{call.name} has no Spark equivalent here (in {duckdb_sql!r})")
    return tree.sql(dialect=SPARK_DIALECT)


def spark_model(splink_model: dict[str, Any]) -> dict[str, Any]:
    """A copy of the saved model with every condition and blocking rule in Spark SQL."""
    model = copy.deepcopy(splink_model)
    model["sql_dialect"] = SPARK_DIALECT
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            level["sql_condition"] = spark_sql(level["sql_condition"])
    rules = model["blocking_rules_to_generate_predictions"]
    for index, rule in enumerate(rules):
        text = rule["blocking_rule"] if isinstance(rule, dict) else rule
        rules[index] = {"blocking_rule": spark_sql(text), "sql_dialect": SPARK_DIALECT}
    return model
