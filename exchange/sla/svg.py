"""Small line charts drawn on the server as SVG text (the dashboard works offline: no chart
library, no CDN). Pure: points in, markup out; every text is escaped."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from exchange.domain.sla_trends import Point

WIDTH, HEIGHT, PAD_L, PAD_R, PAD_T, PAD_B = 480, 180, 48, 12, 24, 28


def _segments(xy: Sequence[tuple[float, float | None]]) -> list[list[tuple[float, float]]]:
    """Runs of consecutive known points (an interval with nothing to show breaks the line)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for x, y in xy:
        if y is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((x, y))
    return [r for r in runs if r]


def line_chart(
    title: str, points: Sequence[Point], *, fmt: Callable[[float], str] = "{:.0f}".format, y_max: float | None = None
) -> str:
    """A titled line chart of ``points``; its ``data-points`` attribute says how many values it holds."""
    values = [v for _, v in points if v is not None]
    top = y_max if y_max is not None else max([*values, 0.0]) or 1.0
    plot_w, plot_h = WIDTH - PAD_L - PAD_R, HEIGHT - PAD_T - PAD_B
    step = plot_w / max(len(points) - 1, 1)

    def y_of(v: float) -> float:
        return PAD_T + plot_h - (min(v, top) / top) * plot_h

    xy = [(PAD_L + i * step, None if v is None else y_of(v)) for i, (_, v) in enumerate(points)]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" data-points="{len(values)}">',
        f'<text x="{PAD_L}" y="16" class="chart-title">{escape(title)}</text>',
        f'<line x1="{PAD_L}" y1="{PAD_T + plot_h}" x2="{WIDTH - PAD_R}" y2="{PAD_T + plot_h}" class="axis"/>',
        f'<line x1="{PAD_L}" y1="{PAD_T}" x2="{PAD_L}" y2="{PAD_T + plot_h}" class="axis"/>',
        f'<text x="{PAD_L - 4}" y="{PAD_T + 4}" text-anchor="end" class="tick">{escape(fmt(top))}</text>',
        f'<text x="{PAD_L - 4}" y="{PAD_T + plot_h}" text-anchor="end" class="tick">{escape(fmt(0.0))}</text>',
    ]
    if points:
        first, last = points[0][0][11:16], points[-1][0][11:16]  # HH:MM of ISO moments
        parts.append(f'<text x="{PAD_L}" y="{HEIGHT - 8}" class="tick">{escape(first)}</text>')
        parts.append(f'<text x="{WIDTH - PAD_R}" y="{HEIGHT - 8}" text-anchor="end" class="tick">{escape(last)}</text>')
    for run in _segments(xy):
        coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
        parts.append(f'<polyline points="{coords}" class="series" fill="none"/>')
        parts.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" class="point"/>' for x, y in run)
    if not values:
        parts.append(f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" class="empty">no data yet</text>')
    parts.append("</svg>")
    return "".join(parts)
