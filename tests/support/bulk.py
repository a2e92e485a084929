"""Helpers for bulk exchange tests: MemberBundles built the way our own outbound
``$member-match`` request is (one Patient id per member), and polling a Bulk Data status URL."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import httpx

from exchange.bulk.pull_flow import as_member_bundle
from exchange.domain.consent import OrgId
from exchange.member_match.outbound import Card, Grant, member_match_parameters

TODAY = date.today()


def org(text: str) -> OrgId:
    system, _, value = text.rpartition("|")
    return system, value


def member_bundle(patient_id: str, demographics: dict[str, str | None], previous: Card, ours: Card,
                  grant: Grant | None) -> dict[str, Any]:  # fmt: skip
    """A MemberBundle parameter whose MemberPatient has ``patient_id`` (references follow it)."""
    return as_member_bundle(member_match_parameters(demographics, previous, ours, grant), patient_id)


def grant(source: OrgId, recipient: OrgId, *, sensitive: bool = False, days: int = 365) -> Grant:
    return Grant(sensitive, TODAY - timedelta(days=3), TODAY + timedelta(days=days), source, recipient)


def poll(http: httpx.Client, url: str, headers: dict[str, str], timeout_s: float = 60) -> tuple[httpx.Response, list[httpx.Response]]:  # fmt: skip
    """GET the status URL until it stops answering 202; returns the last answer and the 202s seen."""
    waiting: list[httpx.Response] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        response = http.get(url, headers=headers)
        if response.status_code != 202:
            return response, waiting
        waiting.append(response)
        time.sleep(0.2)
    raise AssertionError(f"{url} still running after {timeout_s} s")


class Crash(RuntimeError):
    """Stands for the process dying right after a step of a bulk pull was recorded."""


def crash_at(step: str) -> Callable[[str], None]:
    """A pull's step callback that 'dies' (raises Crash) once ``step`` is recorded."""

    def stop(done: str) -> None:
        if done == step:
            raise Crash(step)

    return stop
