"""Every knob of the synthetic population, with its default and meaning.

Shares are probabilities in [0, 1]. The same ``GeneratorConfig`` (all fields, including
``seed``) always produces byte-identical output; the number of worker processes does not
change the output and is therefore not part of the configuration.

Population
- ``members``: persons in the population (each person is enrolled at one payer or more).
- ``payers``: number of payers (``payer-a``, ``payer-b``, ...); market shares decrease
  from the first payer to the last.
- ``source_systems_per_payer``: enrollment systems per payer (``S1`` holds most members);
  each system has its own formatting habits (case, phone format, "St" or "Street", ...).
- ``family_share``: share of persons living in a family of two or more (subscriber,
  spouse, children sharing address, phone and subscriber id).
- ``twin_share``: chance that a child in a family has a twin (same DOB, last name and
  address; often a similar first name).
- ``junior_share``: chance that a family's first son carries his father's first name
  (suffix "Jr").
- ``common_name_share``: share of single persons given one of a few very common names
  ("Maria Garcia", "James Smith", ...) with different DOBs.

Enrollment
- ``switch_share``: share of households that move from one payer to another (new member
  ids; each person who moves is a row of ``switches.parquet``).
- ``second_switch_share``: share of those households that switch a second time.
- ``dual_coverage_share``: share of households also covered at a second payer at the same
  time (for couples the spouse is the subscriber there).
- ``lapsed_share``: share of non-switching households whose coverage ended before "as of".
- ``recycled_share``: share of ended enrollments whose subscriber id is reissued to a
  different household at the same payer later (so member ids are recycled).

Record quality (per source record unless stated)
- ``duplicate_share``: chance that a membership is also recorded in a second source system
  of the same payer, with small differences (stale address or name, other formatting).
- ``name_change_share``: chance that a spouse who took the family name married during the
  covered years, so earlier records carry the maiden name.
- ``move_share``: chance that a switching household moved at the switch (older records
  carry the previous address); a third of it applies to other households.
- ``nickname_share``: chance that a record shows the person's nickname (Bob for Robert).
- ``typo_share``: chance of one or two typos (swaps, deletions, keyboard or OCR errors).
- ``dob_transposed_share``: chance of day and month swapped (only when day <= 12).
- ``missing_share``: chance that one to three usually present fields are empty.
- ``member_id_typo_share``: chance that the member id is mistyped (higher in duplicates).

Switch requests and history
- ``opt_in_share``: share of switchers who consent to the payer-to-payer exchange.
- ``sensitive_consent_share``: share of opted-in switchers whose consent covers sensitive
  data (policy ``#sensitive`` rather than ``#regular``).
- ``history``: FHIR histories for ``all`` members, only ``switchers`` or ``none``.
- ``as_of``: the date the data is "as of"; never the wall clock.
- ``history_years``: service dates fall in the last ``history_years`` years before as_of.
- ``encounters_per_year``: mean encounters per covered year (each brings claims,
  conditions, observations, procedures and dispenses).
- ``sensitive_share``: share of encounters about behavioural health or substance use,
  whose resources are security-labelled.
- ``prior_auth_share``: chance that a membership has prior authorizations.
- ``fhir_part_members``: memberships per FHIR part file (output layout only).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict, Field

AS_OF: Final = date(2026, 11, 1)
GENERATOR: Final = "payer-exchange-synthetic"
GENERATOR_VERSION: Final = "1.0.0"


class HistoryScope(StrEnum):
    ALL = "all"
    SWITCHERS = "switchers"
    NONE = "none"


class GeneratorConfig(BaseModel):
    """Parameters of one generated population (see the module docstring)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    members: int = Field(default=10_000, ge=1, le=50_000_000)
    seed: int = Field(default=42, ge=0, le=2**63 - 1)
    payers: int = Field(default=3, ge=2, le=26)
    source_systems_per_payer: int = Field(default=3, ge=1, le=9)
    family_share: float = Field(default=0.5, ge=0.0, le=0.95)
    twin_share: float = Field(default=0.03, ge=0.0, le=1.0)
    junior_share: float = Field(default=0.15, ge=0.0, le=1.0)
    common_name_share: float = Field(default=0.01, ge=0.0, le=1.0)
    switch_share: float = Field(default=0.3, ge=0.0, le=1.0)
    second_switch_share: float = Field(default=0.15, ge=0.0, le=1.0)
    dual_coverage_share: float = Field(default=0.04, ge=0.0, le=1.0)
    lapsed_share: float = Field(default=0.08, ge=0.0, le=1.0)
    recycled_share: float = Field(default=0.05, ge=0.0, le=1.0)
    duplicate_share: float = Field(default=0.1, ge=0.0, le=1.0)
    name_change_share: float = Field(default=0.3, ge=0.0, le=1.0)
    move_share: float = Field(default=0.35, ge=0.0, le=1.0)
    nickname_share: float = Field(default=0.12, ge=0.0, le=1.0)
    typo_share: float = Field(default=0.08, ge=0.0, le=1.0)
    dob_transposed_share: float = Field(default=0.02, ge=0.0, le=1.0)
    missing_share: float = Field(default=0.1, ge=0.0, le=1.0)
    member_id_typo_share: float = Field(default=0.01, ge=0.0, le=1.0)
    opt_in_share: float = Field(default=0.9, ge=0.0, le=1.0)
    sensitive_consent_share: float = Field(default=0.35, ge=0.0, le=1.0)
    history: HistoryScope = HistoryScope.ALL
    as_of: date = AS_OF
    history_years: int = Field(default=7, ge=6, le=20)
    encounters_per_year: float = Field(default=0.8, ge=0.0, le=12.0)
    sensitive_share: float = Field(default=0.07, ge=0.0, le=1.0)
    prior_auth_share: float = Field(default=0.2, ge=0.0, le=1.0)
    fhir_part_members: int = Field(default=50_000, ge=1)

    def payer_ids(self) -> list[str]:
        return [payer_id(k) for k in range(self.payers)]


def payer_id(index: int) -> str:
    return f"payer-{chr(ord('a') + index)}"


def payer_letter(index: int) -> str:
    return chr(ord("A") + index)
