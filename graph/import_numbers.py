"""Numbers for the offline importer's nodes (``--id-type=integer``): a record is numbered by
its rank in record-id order. Integer ids spare the importer sorting and checking a million
string ids; the keys themselves (record_id, link_id, member_key) are written as ordinary
properties, so the graph is the one a Bolt load writes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

Numbers = npt.NDArray[np.int64]


@dataclass(frozen=True)
class RecordNumbers:
    sorted_ids: pa.Array  # record ids in order: a record's number is its place here
    of_rows: Numbers  # the number of each record of the run's table, in table order

    @classmethod
    def of(cls, record_ids: pa.ChunkedArray) -> RecordNumbers:
        order = pc.sort_indices(record_ids).to_numpy()
        numbers = np.empty(len(order), dtype=np.int64)
        numbers[order] = np.arange(len(order), dtype=np.int64)
        return cls(record_ids.combine_chunks().take(pa.array(order)), numbers)

    def lookup(self, *columns: pa.ChunkedArray) -> list[Numbers]:
        """The numbers of the records each column names (every id must be a record's), with
        one hash table of the ids for all the columns."""
        sizes = [len(c) for c in columns]
        joined = pa.concat_arrays([c.combine_chunks().cast(self.sorted_ids.type) for c in columns])
        found = pc.index_in(joined, value_set=self.sorted_ids)
        if found.null_count:
            raise ValueError("a pair names a record the run does not hold")
        numbers = found.to_numpy(zero_copy_only=False).astype(np.int64)
        return np.split(numbers, np.cumsum(sizes)[:-1])


def row_numbers(count: int) -> pa.Array:
    """0, 1, … count - 1: the ids of a file's rows (links, their first events, members)."""
    return pa.array(np.arange(count, dtype=np.int64))
