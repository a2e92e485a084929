"""Rows of dicts shown as an HTML table in Jupyter (no pandas needed): ``Rows(rows)`` as the
last expression of a cell draws the table; ``str(Rows(rows))`` is plain text."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from typing import Any


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return "" if value is None else str(value)


class Rows:
    def __init__(self, rows: Iterable[Mapping[str, Any]], limit: int = 50) -> None:
        self.rows = [dict(r) for r in rows]
        self.limit = limit
        self.columns = list(dict.fromkeys(k for r in self.rows for k in r))

    def _shown(self) -> list[dict[str, Any]]:
        return self.rows[: self.limit]

    def _more(self) -> str:
        hidden = len(self.rows) - self.limit
        return f"... and {hidden} more rows" if hidden > 0 else ""

    def _repr_html_(self) -> str:
        if not self.rows:
            return "<p>(no rows)</p>"
        head = "".join(f"<th>{escape(c)}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(_cell(r.get(c)))}</td>" for c in self.columns) + "</tr>"
            for r in self._shown()
        )
        more = f"<p>{escape(self._more())}</p>" if self._more() else ""
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"

    def __str__(self) -> str:
        if not self.rows:
            return "(no rows)"
        lines = [" | ".join(self.columns)]
        lines += [" | ".join(_cell(r.get(c)) for c in self.columns) for r in self._shown()]
        return "\n".join(lines + ([self._more()] if self._more() else []))

    __repr__ = __str__
