"""m and u parameters of a really trained model, as the notebooks show them."""

from __future__ import annotations

import math

import pytest

from matching.linkage import jobs
from matching.linkage.inspection import m_u_rows


def test_m_u_rows_cover_every_comparison_with_weights_log2_m_over_u(trained_model: jobs.TrainResult) -> None:
    model = trained_model.model.splink_model
    rows = m_u_rows(model)
    assert {r["comparison"] for r in rows} == {c["output_column_name"] for c in model["comparisons"]}
    trained = [r for r in rows if r["m_probability"] and r["u_probability"]]
    assert len(trained) > len(model["comparisons"])
    for row in trained:
        assert row["match_weight"] == pytest.approx(math.log2(row["m_probability"] / row["u_probability"]), abs=1e-6)
