"""Server-drawn SVG charts: well-formed, escaped, with gaps where an interval had nothing."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from exchange.sla.svg import line_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_a_chart_is_well_formed_svg_with_one_point_per_known_value() -> None:
    root = ET.fromstring(line_chart("Match rate", [("2026-11-29T10:00:00", 0.5), ("2026-11-29T10:01:00", 1.0)]))
    assert root.tag == f"{SVG}svg" and root.get("data-points") == "2"
    assert len(root.findall(f"{SVG}circle")) == 2
    assert len(root.findall(f"{SVG}polyline")) == 1


def test_an_interval_without_data_breaks_the_line_instead_of_drawing_zero() -> None:
    points = [("t0", 1.0), ("t1", 2.0), ("t2", None), ("t3", 3.0), ("t4", 1.0)]
    root = ET.fromstring(line_chart("Latency", points))
    assert len(root.findall(f"{SVG}polyline")) == 2 and root.get("data-points") == "4"


def test_titles_are_escaped_and_an_empty_chart_says_so() -> None:
    text = line_chart("<script>x</script>", [])
    root = ET.fromstring(text)
    assert "<script>" not in text
    assert "no data yet" in "".join(root.itertext())
