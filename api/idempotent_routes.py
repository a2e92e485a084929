"""Which state-changing routes take an ``Idempotency-Key``, and whether it is required.

One line per route: the method, the path template as the router declares it (``{id}`` matches
one path segment), and the need. A route not listed here ignores the header.
"""

from __future__ import annotations

import re

from exchange.domain.idempotency import Need

REQUIRED, OPTIONAL = Need.REQUIRED, Need.OPTIONAL

ROUTES: tuple[tuple[str, str, Need], ...] = (
    # HRex does not require partners to send a key; when sent (our workers always do), it is honoured.
    ("POST", "/fhir/Patient/$member-match", OPTIONAL),
    # Bulk exchange (issue #8): PDex does not require a key either; honoured when sent.
    ("POST", "/fhir/Group/$bulk-member-match", OPTIONAL),
    ("POST", "/fhir/Group/{id}/$davinci-data-export", OPTIONAL),
    # Our own workflow (issue #7).
    ("POST", "/transfers", REQUIRED),
    ("POST", "/transfers/{id}/cancel", REQUIRED),
    ("POST", "/operations/transfers/{id}/{action}", REQUIRED),  # replay, cancel, reopen, supersede
    ("POST", "/fhir/$transfer-acknowledgment", REQUIRED),
    # Stewards' decisions on identity links.
    ("POST", "/steward/links/{link_id}/confirm", REQUIRED),
    ("POST", "/steward/links/{link_id}/retire", REQUIRED),
    ("POST", "/steward/links/{link_id}/dispute", REQUIRED),
    ("POST", "/steward/members/{member_key}/split", REQUIRED),
    ("POST", "/steward/merge", REQUIRED),
)


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}/]+\})", template)
    return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts))


class RouteTable:
    def __init__(self, routes: tuple[tuple[str, str, Need], ...] = ROUTES) -> None:
        self._routes = [(method.upper(), _pattern(template), need) for method, template, need in routes]

    def need(self, method: str, path: str) -> Need | None:
        """REQUIRED or OPTIONAL for a listed route; None for any other request."""
        for route_method, pattern, need in self._routes:
            if route_method == method and pattern.fullmatch(path):
                return need
        return None

    def templates(self) -> list[tuple[str, re.Pattern[str], Need]]:
        return list(self._routes)
