"""Technical logs never hold PHI: two payers run several transfers (transient faults, a
member held for identity, a refused request) while every log record of every logger
(uvicorn, httpx, httpcore, the neo4j driver, ours) is taken at DEBUG through the project's
JSON logging (p2p/logs.py); every line is then searched for every name, date of birth,
address part and card member id of the test persons. Member keys (surrogates) may appear."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from graph.store import GraphStore
from matching.linkage import jobs
from p2p.logs import UVICORN_LOGGERS, dict_config
from p2p.settings import Settings
from tests.e2e.transfers.test_transfer_workflow import run_until_finished, submit
from tests.support.two_payers import HELD, PEOPLE, Person, a_member_id, two_payers

pytestmark = pytest.mark.integration
FAULTS = {"faults": "503=0.2,429=0.1,reset=0.1,duplicate=0.1", "faults_seed": 5, "faults_retry_after_s": 0}
LOGGERS = ("", *UVICORN_LOGGERS, "httpx", "httpcore", "neo4j", "api", "exchange", "audit", "security", "graph")


def phi_patterns(people: list[Person]) -> dict[str, re.Pattern[str]]:
    """What identifies a test person, as it could be written: names, DOB in three notations,
    ZIP, card member ids of both payers."""
    terms: dict[str, re.Pattern[str]] = {}
    for p in people:
        year, month, day = p.dob.split("-")
        for name in (p.first, p.last):
            terms[name] = re.compile(rf"\b{name}\b", re.IGNORECASE)
        for dob in (p.dob, f"{year}{month}{day}", f"{month}/{day}/{year}"):
            terms[dob] = re.compile(re.escape(dob))
        for member_id in (a_member_id(p), f"B{p.key}0001", f"B{p.key}0002"):
            terms[member_id] = re.compile(rf"\b{member_id}\b")
    terms["Gustav"] = re.compile(r"\bGustav\b", re.IGNORECASE)
    terms["zip 45200"] = re.compile(r"(?<![\d:])45200(?!\d)")  # not a port number in a URL
    return terms


class Counting(logging.Handler):
    """Counts records per top-level logger before any filter, to show each library did log."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.seen: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        self.seen[record.name.split(".")[0]] += 1


@contextmanager
def debug_logs(stream: io.StringIO, counting: Counting) -> Iterator[None]:
    """The project's logging config at DEBUG for every logger; the previous config restored after."""
    saved = [(lg, lg.handlers[:], lg.level, lg.propagate) for lg in map(logging.getLogger, LOGGERS)]
    logging.config.dictConfig(dict_config("DEBUG", stream))
    root = logging.getLogger()
    root.addHandler(counting)
    for name in LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield
    finally:
        for lg, handlers, level, propagate in saved:
            lg.handlers[:], lg.level, lg.propagate = handlers, level, propagate


def test_no_log_line_of_a_two_payer_run_holds_a_test_persons_phi(
    graphs: tuple[GraphStore, GraphStore], settings_a: Settings, settings_b: Settings, trained_model: jobs.TrainResult
) -> None:
    stream, counting = io.StringIO(), Counting()
    with (
        two_payers(settings_a, settings_b, *graphs, trained_model, a_overrides=FAULTS) as t,
        debug_logs(stream, counting),
    ):
        ids = [submit(t, t.transfer_request(p, f"ENR-LOG-{p.key}"), **{"X-Correlation-ID": f"corr-log-{p.key}"})
               .json()["transfer_id"] for p in [*PEOPLE[:4], HELD]]  # fmt: skip
        refused = submit(t, {**t.transfer_request(PEOPLE[4], "ENR-LOG-bad"), "previous_payer": "Ada Quill 1961"})
        assert refused.status_code in (400, 422)
        run_until_finished(t, ids, transfer_max_attempts=12)
    lines = stream.getvalue().splitlines()
    for library in ("uvicorn", "httpx", "httpcore", "neo4j", "exchange"):
        assert counting.seen[library] > 0, f"{library} logged nothing: the scan would prove nothing"
    parsed = [json.loads(line) for line in lines]  # every line is one JSON object
    assert any(p.get("correlation_id") == "corr-log-1" for p in parsed)
    assert any(p["logger"] == "uvicorn.access" for p in parsed)
    patterns = phi_patterns([*PEOPLE, HELD])
    hits = [(term, line[:300]) for line in lines for term, pattern in patterns.items() if pattern.search(line)]
    assert hits == [], f"{len(hits)} log lines hold PHI, e.g. {hits[:5]}"
