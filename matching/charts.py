"""Charts as self-contained HTML: a Vega-Lite spec plus the Vega scripts inlined, so a
chart opens with no network (the scripts are the copies bundled in the splink package)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import splink

_SCRIPTS = ("vega@5.31.0", "vega-lite@5.2.0", "vega-embed@6.20.2")


@cache
def _inline_scripts() -> str:
    base = Path(splink.__file__).parent / "internals" / "files" / "external_js"
    parts = []
    for name in _SCRIPTS:
        source = base / name  # files named like "vega@5.31.0"
        if not source.is_file():
            raise FileNotFoundError(f"bundled script {name} not found under {base}")
        parts.append(f"<script>{source.read_text(encoding='utf-8')}</script>")
    return "\n".join(parts)


def html_page(title: str, spec: dict[str, Any]) -> str:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>"
        f"{_inline_scripts()}</head><body><h2 style='font-family:sans-serif'>{title}</h2><div id='chart'></div>"
        f"<script>vegaEmbed('#chart', {json.dumps(spec)}, {{actions: false}});</script></body></html>"
    )


def save_chart(spec: dict[str, Any], path: Path, title: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html_page(title, spec), encoding="utf-8")
    return path


def line_chart(
    rows: list[dict[str, Any]], x: str, y: str, *, color: str | None = None, x_title: str = "", y_title: str = ""
) -> dict[str, Any]:
    """A Vega-Lite line chart with tooltips."""
    encoding: dict[str, Any] = {
        "x": {"field": x, "type": "quantitative", "title": x_title or x, "scale": {"zero": False}},
        "y": {"field": y, "type": "quantitative", "title": y_title or y, "scale": {"zero": False}},
        "tooltip": [
            {"field": k, "type": "quantitative" if isinstance(v, int | float) else "nominal"}
            for k, v in rows[0].items()
        ]
        if rows
        else [],
    }
    if color:
        encoding["color"] = {"field": color, "type": "nominal"}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": 640,
        "height": 400,
        "data": {"values": rows},
        "mark": {"type": "line", "point": True},
        "encoding": encoding,
    }


def waterfall_chart(prior: float, steps: list[tuple[str, float]], title: str = "") -> dict[str, Any]:
    """A Vega-Lite waterfall of a match weight: the prior, then each comparison's contribution
    (level weight plus term-frequency adjustment) as a bar from the running total, then the total."""
    rows = [{"step": "prior", "start": 0.0, "end": prior, "weight": prior}]
    total = prior
    for name, weight in steps:
        rows.append({"step": name, "start": total, "end": total + weight, "weight": weight})
        total += weight
    rows.append({"step": "match weight", "start": 0.0, "end": total, "weight": total})
    order = [r["step"] for r in rows]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "width": 640,
        "height": 360,
        "data": {"values": rows},
        "mark": {"type": "bar"},
        "encoding": {
            "x": {"field": "step", "type": "nominal", "sort": order, "title": None},
            "y": {"field": "start", "type": "quantitative", "title": "match weight (bits)"},
            "y2": {"field": "end"},
            "color": {"condition": {"test": "datum.weight < 0", "value": "#c0392b"}, "value": "#2e86c1"},
            "tooltip": [{"field": "step", "type": "nominal"}, {"field": "weight", "type": "quantitative"}],
        },
    }
