"""A member's history at one payer: Patient and Coverage, then encounters with their claims,
conditions, observations, procedures and dispenses, and prior authorizations. Each
membership draws from its own seeded stream, so its history does not depend on which other
members are generated (``--history switchers`` gives switchers the same history as ``all``)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Final

from synthetic import fhir_claims, fhir_member
from synthetic import fhir_resources as fr
from synthetic.fhir_codes import (
    CLASS_DISPLAY,
    CONDITIONS,
    MEASURES,
    MEDICATIONS,
    PRIOR_AUTH_SERVICES,
    PROCEDURES,
    PROVIDERS,
    VISITS,
)
from synthetic.fhir_member import MemberView
from synthetic.rng import Weighted, chance, mix, poisson

RESOURCE_TYPES: Final = ("Patient", "Coverage", "ExplanationOfBenefit", "Encounter", "Condition", "Observation",
                         "Procedure", "MedicationDispense")  # fmt: skip
_TYPE: Final = {name: i for i, name in enumerate(RESOURCE_TYPES)}
_CLASSES: Final = Weighted(["AMB", "VR", "EMER", "IMP"], [78, 8, 10, 4])
_MAX_RESOURCES: Final = 30
_ISO: dict[int, str] = {}

# (type index, service date ordinal, resource id, sensitivity "", "BH" or "SUD", JSON)
Resource = tuple[int, int, str, str, str]


@dataclass(frozen=True)
class HistorySettings:
    seed: int  # the stage seed; each member mixes its key into it
    today: int
    years: int
    encounters_per_year: float
    sensitive_share: float
    prior_auth_share: float


def iso(ordinal: int) -> str:
    text = _ISO.get(ordinal)
    if text is None:
        text = _ISO[ordinal] = date.fromordinal(ordinal).isoformat()
    return text


def member_history(v: MemberView, s: HistorySettings, rng: random.Random) -> list[Resource]:
    """Every resource of one membership, sorted by type then service date."""
    rng.seed(mix(s.seed, v.key))
    return _History(v, s, rng).build()


class _History:
    def __init__(self, v: MemberView, s: HistorySettings, rng: random.Random) -> None:
        self.v, self.s, self.rng, self.pid = v, s, rng, v.record_id
        self.out: list[Resource] = []

    def emit(self, kind: str, day: int, rid: str, sens: str, text: str) -> None:
        self.out.append((_TYPE[kind], day, rid, sens, text))

    def build(self) -> list[Resource]:
        v, s, rng, pid = self.v, self.s, self.rng, self.pid
        updated = f"{iso(min(v.start + rng.randint(0, 30), s.today))}T12:00:00Z"
        patient_meta = {"lastUpdated": updated, "profile": [fr.PROFILES["Patient"]]}
        self.emit("Patient", v.start, pid, "", fhir_member.patient(v, patient_meta))
        coverage_meta = {"lastUpdated": updated, "profile": [fr.PROFILES["Coverage"]]}
        self.emit("Coverage", v.start, f"{pid}-cov", "", fhir_member.coverage(v, coverage_meta))
        low, high = max(v.start, s.today - s.years * 365), min(v.end or s.today, s.today)
        if high < low:
            return self.out
        older = 1.4 if (low - v.true_dob) // 365 >= 50 else 1.0
        visits = poisson(rng, s.encounters_per_year * older * (high - low + 1) / 365.25)
        for k, day in enumerate(sorted(rng.randint(low, high) for _ in range(visits)), 1):
            if len(self.out) + 5 > _MAX_RESOURCES - 2:  # an encounter brings up to 5, room for 2 prior auths
                break
            self.encounter(k, day, high)
        if chance(rng, s.prior_auth_share):
            for j in range(1 if chance(rng, 0.7) else 2):
                self.prior_auth(j + 1, rng.randint(low, high))
        self.out.sort(key=lambda r: (r[0], r[1]))
        return self.out

    def party(self, sens: str) -> fhir_claims.Party:
        npi, name = self.rng.choice(PROVIDERS[sens or "general"])
        return fhir_claims.Party(self.pid, self.v.payer_id, self.v.payer_name, f"{self.pid}-cov", npi, name)

    def sensitivity(self, day: int, share: float) -> str:
        """The kind of sensitive care, "BH" or "SUD", or "" (never before age 12)."""
        if (day - self.v.true_dob) // 365 < 12 or not chance(self.rng, share):
            return ""
        return "BH" if chance(self.rng, 0.6) else "SUD"

    def encounter(self, k: int, day: int, high: int) -> None:
        """A visit on ``day`` with its claim and, often, a diagnosis, a measurement, a procedure and a dispense."""
        rng, pid, today = self.rng, self.pid, self.s.today
        sens = self.sensitivity(day, self.s.sensitive_share)
        pool = sens or ("child" if (day - self.v.true_dob) // 365 < 18 else "adult")
        klass = ("VR" if chance(rng, 0.4) else "AMB") if sens else _CLASSES.pick(rng)
        last = min(day + rng.randint(1, 6), high) if klass == "IMP" else day
        start, end, updated = iso(day), iso(last), iso(min(last + rng.randint(1, 20), today))
        eid, cid = f"{pid}-enc{k}", f"{pid}-cond{k}"
        code = CONDITIONS[pool].pick(rng) if sens or chance(rng, 0.6) else ""
        party, visit = self.party(sens), VISITS[sens or klass].pick(rng)
        meta = fr.meta(updated, "Encounter", sens)
        text = fr.encounter(eid, pid, meta, klass, CLASS_DISPLAY[klass], visit, start, end, code, cid, party.provider)
        self.emit("Encounter", day, eid, sens, text)
        if code:
            active = sens != "" or chance(rng, 0.5)
            text = fr.condition(cid, pid, fr.meta(updated, "Condition", sens), code, eid, start, active)
            self.emit("Condition", day, cid, sens, text)
        if chance(rng, 0.5 if sens else 0.6):
            m, oid, meta = MEASURES[pool].pick(rng), f"{pid}-obs{k}", fr.meta(updated, "Observation", sens)
            value = f"{rng.uniform(m.low, m.high):.{m.decimals}f}"
            text = fr.observation(oid, pid, meta, m.code, m.category, eid, start, value, m.unit)
            self.emit("Observation", day, oid, sens, text)
        if chance(rng, 0.5 if sens else 0.25):
            prid, procedure = f"{pid}-proc{k}", PROCEDURES[sens or "general"].pick(rng)
            text = fr.procedure(prid, pid, fr.meta(updated, "Procedure", sens), procedure, eid, start)
            self.emit("Procedure", day, prid, sens, text)
        if chance(rng, 0.4 if sens else 0.3):
            did, handed, supply = f"{pid}-disp{k}", min(day + rng.randint(0, 3), high), rng.choice((7, 10, 30, 90))
            meta, med = fr.meta(updated, "MedicationDispense", sens), MEDICATIONS[pool].pick(rng)
            text = fr.dispense(did, pid, meta, med, eid, iso(handed), supply, supply)
            self.emit("MedicationDispense", handed, did, sens, text)
        claim_type = "institutional" if klass in ("EMER", "IMP") else "professional"
        created, xid = iso(min(last + rng.randint(3, 30), today)), f"{pid}-eob{k}"
        meta = fr.meta(updated, claim_type, sens)
        text = fhir_claims.claim(xid, meta, party, claim_type, visit, code, start, end, created)
        self.emit("ExplanationOfBenefit", day, xid, sens, text)

    def prior_auth(self, j: int, day: int) -> None:
        """A prior authorization requested on ``day``; some were decided or changed in the last year."""
        rng, today = self.rng, self.s.today
        sens = self.sensitivity(day, 0.12)
        decision = fhir_claims.DECISIONS.pick(rng)
        start = day + rng.randint(3, 20)
        updated = min(day + rng.randint(1, 10), today)
        if today - 730 < day < today and chance(rng, 0.4):
            updated = rng.randint(max(day + 1, today - 365), today)
        rid, end = f"{self.pid}-pa{j}", iso(start + rng.randint(30, 180))
        meta, service = fr.meta(iso(updated), "preauthorization", sens), PRIOR_AUTH_SERVICES[sens or "general"]
        args = (rid, meta, self.party(sens), decision, service.pick(rng), iso(day), iso(start), end, rng.randint(1, 24))
        self.emit("ExplanationOfBenefit", day, rid, sens, fhir_claims.prior_auth(*args))
