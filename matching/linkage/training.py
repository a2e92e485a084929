"""Training a Splink model: the prior, u by random sampling, then EM sessions.

Training runs on one DuckDB thread with a fixed linker id, so the same data and settings
give a byte-identical model (and so the same version).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
from splink import block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.exceptions import EMTrainingException

from matching.linkage import splink_adapter
from matching.linkage.blocking import BlockingRule, blocking_rules_for, training_rules_for
from matching.linkage.features import feature_columns, fingerprint, model_table
from matching.linkage.splink_adapter import LinkType

U_SAMPLE_PAIRS = 3e6  # enough to see each level of every comparison; one thread, ~15 s
U_SEED = 20261128
EM_MAX_PAIRS = 2e6
# Deterministic rules for the prior: pairs this strict are almost always the same person.
PRIOR_RULES = (("first_name_norm", "last_name_norm", "dob"), ("ssn",), ("email",))
PRIOR_RECALL = 0.7  # share of true pairs those rules are believed to find across payers

Step = Callable[[str], None]


@dataclass
class TrainedModel:
    splink_model: dict[str, Any]
    columns: list[str]
    rules: list[BlockingRule]
    link_type: LinkType
    training_fingerprint: str
    skipped_sessions: list[str]
    comparisons_by_rule: dict[str, int]


# Fewer comparable pairs than this cannot estimate a model's parameters.
MIN_TRAINING_PAIRS = 1_000


class TooLittleDataError(ValueError):
    """The input is too small to train on."""


def possible_pairs(tables: Sequence[pa.Table]) -> int:
    if len(tables) == 2:
        return int(tables[0].num_rows) * int(tables[1].num_rows)
    n = sum(int(t.num_rows) for t in tables)
    return n * (n - 1) // 2


def train(
    tables: Sequence[pa.Table], link_type: LinkType, step: Step | None = None, charts: Path | None = None
) -> TrainedModel:
    step = step or (lambda _msg: None)
    if possible_pairs(tables) < MIN_TRAINING_PAIRS:
        raise TooLittleDataError(
            f"too few records to train a model ({possible_pairs(tables)} possible pairs, at least "
            f"{MIN_TRAINING_PAIRS} needed); pass --model with a trained model version"
        )
    columns = feature_columns(tables)
    rules = blocking_rules_for(columns)
    shaped = [model_table(t, columns) for t in tables]
    con = splink_adapter.connection(threads=1)
    skipped: list[str] = []
    try:
        linker = splink_adapter.build_linker(con, shaped, splink_adapter.settings_for(columns, rules, link_type))
        step("counting the pairs each blocking rule makes")
        comparisons = splink_adapter.blocking_counts(linker, [r.name for r in rules])
        step("estimating the prior")
        prior_rules: list[str | BlockingRuleCreator] = [
            block_on(*cols) for cols in PRIOR_RULES if set(cols) <= set(columns)
        ]
        if prior_rules:
            linker.training.estimate_probability_two_random_records_match(prior_rules, recall=PRIOR_RECALL)
        step("estimating u by random sampling")
        linker.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=U_SEED)
        for rule in training_rules_for(columns):
            step(f"EM session blocked on {', '.join(rule.columns)}")
            before = splink_adapter.model_json(linker)
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    rule.creator(), max_pairs=EM_MAX_PAIRS
                )
            except (EMTrainingException, ValueError):
                # Too little data for this session (no pairs, or a level never seen): keep the
                # parameters from before it, on a fresh linker, since a failed session can leave
                # the linker's settings half-changed.
                skipped.append(rule.name)
                linker = splink_adapter.build_linker(con, shaped, before)
        model = splink_adapter.model_json(linker)
        if charts is not None:
            step("saving the model charts")
            splink_adapter.save_model_charts(linker, charts)
    finally:
        con.close()
    return TrainedModel(model, columns, rules, link_type, fingerprint(shaped), skipped, comparisons)
