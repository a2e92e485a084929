"""Blocking rules, named for their intent, chosen by the normalised columns present.

A pair is scored when any rule holds. Rules are listed most selective first; Splink
records which rule produced a pair (``match_key``), and we keep the rule's name in each
link's provenance. Every rule must leave true matches a way in when one field changed:
a move (new address, phone), a marriage (new last name), a new member id at a new payer.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from splink import block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator


@dataclass(frozen=True)
class BlockingRule:
    name: str
    columns: tuple[str, ...]

    def creator(self) -> BlockingRuleCreator:
        return block_on(*self.columns)


BLOCKING_RULES: tuple[BlockingRule, ...] = (
    BlockingRule("SAME_FULL_SSN", ("ssn",)),
    BlockingRule("SAME_PHONE", ("phone",)),
    BlockingRule("SAME_EMAIL", ("email",)),
    BlockingRule("SAME_PAYER_MEMBER_ID", ("payer_id", "member_id_norm")),
    BlockingRule("SAME_DOB_SAME_ZIP", ("dob", "zip5")),
    BlockingRule("SAME_DOB_SAME_LAST_NAME_SOUND", ("dob", "last_name_key")),
    BlockingRule("SAME_DOB_SAME_FIRST_NAME", ("dob", "first_name_norm")),  # survives marriage and moves
    BlockingRule("SAME_FIRST_AND_LAST_NAME_SAME_ZIP", ("first_name_norm", "last_name_norm", "zip5")),  # DOB typos
    BlockingRule("SAME_ADDRESS_SAME_FIRST_NAME_SOUND", ("address_line1_std", "first_name_dm")),
)

# EM is trained once per rule below; a session cannot estimate the comparisons its rule
# fixes, so between them every comparison is estimated. Rules that pair up whole
# households (same address, phone or surname and ZIP) are deliberately absent: families
# agree on everything but first name and DOB, and EM would learn that siblings match.
TRAINING_RULES: tuple[BlockingRule, ...] = (
    BlockingRule("TRAIN_SAME_DOB", ("dob",)),
    BlockingRule("TRAIN_SAME_FIRST_AND_LAST_NAME", ("first_name_norm", "last_name_norm")),
)


def _usable(rules: tuple[BlockingRule, ...], columns: Collection[str]) -> list[BlockingRule]:
    present = set(columns)
    return [rule for rule in rules if set(rule.columns) <= present]


def blocking_rules_for(columns: Collection[str]) -> list[BlockingRule]:
    rules = _usable(BLOCKING_RULES, columns)
    if not rules:
        raise ValueError("no blocking rule can be used: the input lacks dob, names, phone, email, ssn and ids")
    return rules


def training_rules_for(columns: Collection[str]) -> list[BlockingRule]:
    return _usable(TRAINING_RULES, columns)
