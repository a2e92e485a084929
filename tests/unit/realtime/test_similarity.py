"""String similarities used by real-time levels agree with DuckDB's, value for value."""

from __future__ import annotations

import random

import duckdb
import pyarrow as pa

from matching.similarity import jaro_winkler, within_one_edit

NAMES = ["katherine", "katharine", "john", "joan", "jon", "jack", "smith", "smtih", "garcia lopez", "o neil",
         "mcdonald", "macdonald", "1600 pennsylvania ave nw", "1600 pensylvania ave", "a", "ab", "ba", "",
         "1974-12-25", "1974-12-52", "1974-21-12", "A123456789", "A123456798", "A12345678"]  # fmt: skip


def _mutations(rng: random.Random, word: str) -> list[str]:
    if len(word) < 2:
        return [word + "x"]
    i = rng.randrange(len(word) - 1)
    return [word[:i] + word[i + 1] + word[i] + word[i + 2 :], word[:i] + word[i + 1 :], word[:i] + "z" + word[i + 1 :],
            word[:i] + "q" + word[i:]]  # fmt: skip


def _pairs() -> list[tuple[str, str]]:
    rng = random.Random(11)
    pairs = [(a, b) for a in NAMES for b in NAMES]
    for word in NAMES:
        pairs += [(word, m) for m in _mutations(rng, word)]
        pairs += [(m, n) for m in _mutations(rng, word) for n in _mutations(rng, word)]
    return pairs


def test_jaro_winkler_and_one_edit_agree_with_duckdb() -> None:
    pairs = [(a, b) for a, b in _pairs() if a and b]
    table = pa.table({"a": [p[0] for p in pairs], "b": [p[1] for p in pairs]})
    con = duckdb.connect()
    con.register("t", table)
    expected = con.sql("SELECT jaro_winkler_similarity(a, b), damerau_levenshtein(a, b) FROM t").fetchall()
    for (a, b), (jw, dl) in zip(pairs, expected, strict=True):
        assert abs(jaro_winkler(a, b) - jw) <= 1e-12, (a, b)
        assert within_one_edit(a, b) == (dl <= 1), (a, b)
