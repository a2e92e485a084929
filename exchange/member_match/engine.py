"""The identity engine of one API process: the published model compiled for real time, the
term frequencies of our current records, and the candidate search in the graph."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from exchange.domain.brute_force import Attempt
from exchange.domain.identity import Candidate
from graph.store import GraphStore
from matching.linkage.constraints import broken_rule
from matching.linkage.guard import auto_confirm_blockers
from matching.linkage.registry import ModelFile, ModelRegistry
from matching.realtime.scorer import CompiledModel, PairScore
from matching.realtime.term_frequencies import ColumnFrequencies, TermFrequencies
from matching.similarity import within_one_edit

CANDIDATE_LIMIT = 200  # more records than this for one person's keys means the keys are not selective
# Frequencies counted over fewer values than this say more about the sample than about names:
# below it a column is scored with the model's average u (no term-frequency adjustment).
MIN_TF_POPULATION = 1_000
ID_COMPARISONS = ("member_id", "subscriber_id")


@dataclass(frozen=True)
class Attempts:
    """Whose earlier attempts to look up: one partner, one demographic fingerprint, since when."""

    fingerprint: str
    partner_id: str
    since: datetime

    def params(self) -> dict[str, Any]:
        return {"fingerprint": self.fingerprint, "partner_id": self.partner_id, "since": self.since.isoformat()}


@dataclass(frozen=True)
class Lookup:
    attempts: list[Attempt]
    candidates: list[dict[str, Any]]


@dataclass(frozen=True)
class Scored:
    candidate: Candidate
    score: PairScore


def load_model(data_dir: Path, model: str | None) -> ModelFile:
    registry = ModelRegistry(data_dir / "models")
    return registry.load(model) if model else registry.published()


def ids_agree(card_ids: Sequence[str], record: Mapping[str, Any]) -> bool:
    """A card id equals, or is one keyed character from, the record's member or subscriber id."""
    ours = [v for v in (record.get("member_id_norm"), record.get("subscriber_id_norm")) if v]
    return any(within_one_edit(card, mine) for card in card_ids for mine in ours)


class IdentityEngine:
    def __init__(self, model: ModelFile, payer_ids: Sequence[str]) -> None:
        self.model = CompiledModel(model)
        self.columns = tuple(model.notes.get("columns", ()))  # the must-not-link rules batch matching used
        self.payer_ids = list(payer_ids)
        self._frequencies = TermFrequencies.empty()
        self._lock = threading.Lock()

    @property
    def frequencies(self) -> TermFrequencies:
        return self._frequencies

    def refresh_frequencies(self, store: GraphStore) -> TermFrequencies:
        """Term frequencies of our current records, one indexed aggregation per column."""
        columns = {}
        for column in self.model.tf_columns:
            row = store.read(
                "exchange/term_frequencies", {"payer_ids": self.payer_ids, "column": column, "min_count": 2}
            )[0]
            if int(row["total"]) >= MIN_TF_POPULATION:
                columns[column] = ColumnFrequencies({v: int(n) for v, n in row["repeated"]}, int(row["total"]))
        fresh = TermFrequencies(columns)
        with self._lock:
            self._frequencies = fresh
        return fresh

    def lookup(
        self, store: GraphStore, features: Mapping[str, Any], card_ids: Sequence[str], attempts_of: Attempts
    ) -> Lookup:
        """The partner's recent attempts for these demographics and our candidate records, in one query."""
        params = {
            **attempts_of.params(),
            "payer_ids": self.payer_ids,
            "ids": list(card_ids),
            "dob": features.get("dob"),
            "first_name": features.get("first_name_norm"),
            "last_name": features.get("last_name_norm"),
            "last_name_key": features.get("last_name_key"),
            "zip5": features.get("zip5"),
            "phone": features.get("phone"),
            "email": features.get("email"),
            "limit": CANDIDATE_LIMIT,
        }
        row = store.read("exchange/member_match_candidates", params)[0]
        attempts = [
            Attempt(datetime.fromisoformat(a["at"]), a["coverage_fingerprint"]) for a in row["attempts"] if a["at"]
        ]
        return Lookup(attempts, row["candidates"])

    def score(
        self, features: Mapping[str, Any], rows: Sequence[Mapping[str, Any]], card_ids: Sequence[str]
    ) -> list[Scored]:
        frequencies = self._frequencies
        scored = []
        for row in rows:
            record = row["record"]
            score = self.model.score(features, record, frequencies)
            levels = score.levels()
            candidate = Candidate(
                record_id=record["record_id"],
                member_key=row["member_key"],
                member_held=bool(row["held"]),
                match_weight=score.match_weight,
                levels=levels,
                coverage_id_agrees=ids_agree(card_ids, record),
                must_not_link=broken_rule(features, record, self.columns),
                blockers=tuple(auto_confirm_blockers(levels, features, record)),
            )
            scored.append(Scored(candidate, score))
        return scored
