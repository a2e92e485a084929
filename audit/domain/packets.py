"""Evidence packets: a subject, when it was made, and a list of sections (each a titled table).

Generic on purpose: a member's packet has events, identity links and the chain proof; a
transfer's will add its own sections (timeline, consent checks, attempts) the same way.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

Cell = str | int | float | bool | None


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    description: str
    columns: list[str]
    rows: list[dict[str, Cell]] = field(default_factory=list)


@dataclass(frozen=True)
class Packet:
    subject_type: str  # "member" (later: "transfer", "correlation")
    subject_id: str
    generated_at: str
    verified: bool  # every event listed is proven to be in the verified chain
    sections: list[Section] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
