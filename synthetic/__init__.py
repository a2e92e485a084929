"""Synthetic payer populations whose truth is known: several payers' overlapping members
with every hard case of member matching, the truth of each record, the payer-switch list
with consent, and each member's FHIR R4 history.

    from synthetic import GeneratorConfig, generate
    result = generate(GeneratorConfig(members=10_000, seed=42), "out/population")

Knobs and defaults: ``synthetic.config``. The same configuration always writes
byte-identical files; nothing depends on the wall clock ("as of" is a parameter).

Output folder
- ``payers/<payer_id>.parquet``: canonical records (``matching.canonical.schema``), all
  strings, raw as payers hold them, sorted by ``record_id`` (``A-S1-0000123``: payer A,
  source system 1).
- ``truth.parquet``: ``record_id, person_id, payer_id, source_system`` and boolean tags:
  ``is_twin``, ``in_family`` (household of two or more), ``common_name`` (very common name,
  or a full name shared by three persons or more), ``name_changed`` (record shows the
  maiden name), ``moved`` (record shows the address before a move), ``nickname_used``,
  ``typo``, ``dob_transposed``, ``missing_fields`` (usually present fields left empty),
  ``member_id_mistyped``, ``member_id_recycled`` (the member id was or will be held by a
  different person at the same payer; both holders are tagged) and
  ``within_payer_duplicate`` (the person has two records or more at this payer).
- ``persons.parquet``: the true person (names, maiden name, nickname, DOB, sex, family,
  twin).
- ``switches.parquet``: one row per person and payer switch, with the old coverage as a
  ``$member-match`` request carries it, the new payer's demographics and the consent.
- ``fhir/payer_id=<payer>/resource_type=<type>/part-NNNN.parquet``: histories, one JSON
  resource per row, sorted by member id then service date.
- ``manifest.json``: generator version, seed, parameters, as-of date, counts and the
  sha256 of every file.
"""

from synthetic.config import AS_OF, GeneratorConfig, HistoryScope
from synthetic.pipeline import GenerationResult, ProgressCallback, generate
from synthetic.writer import OutputNotEmptyError

__all__ = [
    "AS_OF",
    "GenerationResult",
    "GeneratorConfig",
    "HistoryScope",
    "OutputNotEmptyError",
    "ProgressCallback",
    "generate",
]
