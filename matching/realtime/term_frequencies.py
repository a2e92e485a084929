"""Term frequencies for the real-time scorer: how common each value is among the records
candidates come from, as Splink computes them (count of the value / count of non-null values)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass(frozen=True)
class ColumnFrequencies:
    counts: Mapping[str, int]  # values seen more than once (or all values, when built from records)
    total: int  # non-null values in the population

    def tf(self, value: str | None) -> float | None:
        """The value's share of the population. A value the snapshot does not list counts
        as seen once: snapshots keep only repeated values, and a value added after the
        snapshot is as rare as a value can be."""
        if value is None or self.total <= 0:
            return None
        return float(self.counts.get(value, 1)) / float(self.total)


@dataclass(frozen=True)
class TermFrequencies:
    columns: Mapping[str, ColumnFrequencies]
    taken_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def tf(self, column: str, value: str | None) -> float | None:
        frequencies = self.columns.get(column)
        return frequencies.tf(value) if frequencies else None

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, object]], columns: Iterable[str]) -> TermFrequencies:
        """Exact frequencies of ``columns`` over ``records`` (tests, small populations)."""
        wanted = list(columns)
        counters: dict[str, Counter[str]] = {c: Counter() for c in wanted}
        for record in records:
            for column in wanted:
                value = record.get(column)
                if value is not None:
                    counters[column][str(value)] += 1
        return cls({c: ColumnFrequencies(dict(n), sum(n.values())) for c, n in counters.items()})

    @classmethod
    def empty(cls) -> TermFrequencies:
        return cls({})
