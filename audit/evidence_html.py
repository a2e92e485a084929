"""An evidence packet as one self-contained HTML page: inline CSS, no script, no CDN."""

from __future__ import annotations

from html import escape

from audit.domain.packets import Cell, Packet, Section

_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#1b1f23}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem;border-bottom:1px solid #ccd}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #dde;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f4f8}td.hash{font-family:monospace;font-size:12px;word-break:break-all}
.ok{color:#17692f;font-weight:600}.bad{color:#a4161a;font-weight:600}.muted{color:#667}
"""


def _cell(column: str, value: Cell) -> str:
    shown = "" if value is None else escape(str(value))
    wide = column.endswith(("hash", "sha256")) or column in ("event_id", "correlation_id")
    return f'<td class="hash">{shown}</td>' if wide else f"<td>{shown}</td>"


def _section(section: Section) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in section.columns)
    body = "".join("<tr>" + "".join(_cell(c, row.get(c)) for c in section.columns) + "</tr>" for row in section.rows)
    empty = '<p class="muted">Nothing recorded.</p>' if not section.rows else ""
    return (
        f'<h2 id="{escape(section.key)}">{escape(section.title)}</h2><p>{escape(section.description)}</p>'
        f"{empty}<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def render_html(packet: Packet) -> str:
    status = (
        '<span class="ok">every listed event is proven to be in the verified chain</span>'
        if packet.verified
        else '<span class="bad">the chain proof FAILED: see the chain proof section</span>'
    )
    title = f"Evidence packet: {packet.subject_type} {packet.subject_id}"
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{_CSS}</style></head><body><h1>{escape(title)}</h1>"
        f"<p>Generated {escape(packet.generated_at)} (UTC). Chain proof: {status}.</p>"
        + "".join(_section(s) for s in packet.sections)
        + "</body></html>"
    )
