"""Which requests the Idempotency-Key layer handles: listed method and path template, nothing else."""

from __future__ import annotations

import pytest

from api.idempotent_routes import OPTIONAL, REQUIRED, RouteTable
from exchange.domain.idempotency import Need
from p2p.settings import ConfigurationError, load_settings

TABLE = RouteTable()


@pytest.mark.parametrize(
    ("method", "path", "need"),
    [
        ("POST", "/fhir/Patient/$member-match", Need.OPTIONAL),
        ("POST", "/transfers", Need.REQUIRED),
        ("POST", "/transfers/8f2c-11/cancel", Need.REQUIRED),
        ("POST", "/operations/transfers/8f2c-11/replay", Need.REQUIRED),
        ("POST", "/operations/transfers/8f2c-11/supersede", Need.REQUIRED),
        ("GET", "/operations/transfers", None),
        ("POST", "/fhir/$transfer-acknowledgment", Need.REQUIRED),
        ("POST", "/steward/links/L-1/confirm", Need.REQUIRED),
        ("POST", "/steward/members/M-9/split", Need.REQUIRED),
        ("GET", "/transfers/8f2c-11", None),  # not state-changing
        ("GET", "/fhir/Patient/$member-match", None),
        ("POST", "/transfers/a/b/cancel", None),  # {id} is one path segment
        ("POST", "/transfers//cancel", None),
        ("POST", "/transfers/", None),  # the router would redirect it: not this route
        ("POST", "/fhir/Patient/$member-matchX", None),
        ("POST", "/auth/token", None),
    ],
)
def test_routes_match_by_method_and_template(method: str, path: str, need: Need | None) -> None:
    assert TABLE.need(method, path) is need


def test_a_route_is_registered_in_one_line() -> None:
    table = RouteTable((("POST", "/things/{thing_id}/approve", REQUIRED), ("POST", "/things", OPTIONAL)))
    assert table.need("POST", "/things/t.1/approve") is Need.REQUIRED
    assert table.need("POST", "/things") is Need.OPTIONAL
    assert table.need("POST", "/fhir/Patient/$member-match") is None


def test_the_published_retention_is_two_days_by_default_and_never_under_24_hours(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert load_settings().idempotency_retention_s == 172_800
    monkeypatch.setenv("P2P_IDEMPOTENCY_RETENTION_S", "86399")
    with pytest.raises(ConfigurationError, match="P2P_IDEMPOTENCY_RETENTION_S"):
        load_settings()
    monkeypatch.setenv("P2P_IDEMPOTENCY_RETENTION_S", "86400")
    assert load_settings().idempotency_retention_s == 86_400
