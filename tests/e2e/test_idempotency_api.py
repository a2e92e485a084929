"""Idempotency-Key over real HTTP (uvicorn, real Neo4j, the real $member-match engine): replay of the
first answer, 422 for another request under the same key, the key optional on $member-match and
required on the stewards' actions, per-client scope, transient answers not kept, and twenty
concurrent identical requests of which exactly one runs."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from exchange.member_match import queries
from exchange.member_match.setup import match_context
from graph.loading import load_run
from graph.maintenance import delete_all_data
from graph.store import GraphStore
from matching.linkage import jobs
from p2p.settings import Settings
from security.principal import Role
from tests.e2e.test_member_match_api import FHIR, IN_CONSENT_PERIOD, NEW_PLAN, OLD_PLAN, _run, official
from tests.support.partners import NPI, bearer, person_token, register_partner, token_for
from tests.support.servers import running_api

pytestmark = pytest.mark.integration
MEMBER_MATCH = "/fhir/Patient/$member-match"
BODY = official()


@dataclass
class Api:
    url: str
    store: GraphStore
    settings: Settings

    def post(self, token: str, key: str | None, body: Any = BODY, path: str = MEMBER_MATCH,
             **headers: str) -> httpx.Response:  # fmt: skip
        sent = {**FHIR, **bearer(token), **headers} | ({"Idempotency-Key": key} if key is not None else {})
        return httpx.post(self.url + path, json=body, headers=sent, timeout=30)

    def decisions(self) -> int:
        return queries.decision_count(self.store)


def _server(api: Settings, graph: GraphStore, trained: jobs.TrainResult) -> Any:
    ctx = match_context(api, graph, trained.model)
    ctx.now = lambda: IN_CONSENT_PERIOD
    return running_api(api, member_match=ctx)


@pytest.fixture(scope="module")
def api(
    session_store: GraphStore,
    settings: Settings,
    trained_model: jobs.TrainResult,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Api]:
    delete_all_data(session_store)
    load_run(session_store, _run(tmp_path_factory.mktemp("idem") / "run"))
    cfg = settings.model_copy(update={"payer_id": "payer-a", "payer_identifiers": [OLD_PLAN], "hrex_version": "1.0.0"})
    with _server(cfg, session_store, trained_model) as url:
        yield Api(url, session_store, cfg)
    delete_all_data(session_store)


@pytest.fixture(scope="module")
def tokens(api: Api) -> dict[str, str]:
    """The official example's new plan (the consent's recipient), and another partner."""
    new_plan = register_partner(api.store, "new-health-plan", identifiers=[NEW_PLAN])
    other = register_partner(api.store, "other-plan", identifiers=[f"{NPI}|5555555555"])
    with httpx.Client(base_url=api.url, timeout=30) as http:
        people = {name: person_token(api.settings, Role.STEWARD, name) for name in ("ana", "bob")}
        return {"new": token_for(http, new_plan), "other": token_for(http, other)} | people


def key() -> str:
    return f"test.{uuid.uuid4()}"


def reason(response: httpx.Response) -> str:
    assert response.headers["content-type"].startswith("application/fhir+json")
    body = response.json()
    assert body["resourceType"] == "OperationOutcome", body
    code: str = body["issue"][0]["details"]["coding"][0]["code"]
    return code


def test_a_repeated_request_gets_the_first_answer_replayed_and_runs_once(api: Api, tokens: dict[str, str]) -> None:
    k, before = key(), api.decisions()
    first = api.post(tokens["new"], k, **{"X-Correlation-ID": "corr-idem-first"})
    assert first.status_code == 200, first.text
    assert "Idempotent-Replayed" not in first.headers
    again = api.post(tokens["new"], k, **{"X-Correlation-ID": "corr-idem-again"})
    assert (again.status_code, again.content) == (200, first.content)
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.headers["X-Decision-ID"] == first.headers["X-Decision-ID"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["X-Correlation-ID"] == "corr-idem-again"  # the id of the request answered now
    assert api.decisions() == before + 1


def test_the_quoted_form_of_a_key_is_the_same_key(api: Api, tokens: dict[str, str]) -> None:
    k = key()
    first = api.post(tokens["new"], k)
    again = api.post(tokens["new"], f'"{k}"')
    assert again.headers["Idempotent-Replayed"] == "true" and again.content == first.content


def test_the_same_key_with_another_body_is_refused_with_422(api: Api, tokens: dict[str, str]) -> None:
    k = key()
    assert api.post(tokens["new"], k).status_code == 200
    before = api.decisions()
    other = api.post(tokens["new"], k, body={**BODY, "id": "another-request"})
    assert other.status_code == 422
    assert reason(other) == "idempotency_key_reused"
    assert api.decisions() == before


def test_the_key_is_optional_on_member_match_each_request_without_one_runs(api: Api, tokens: dict[str, str]) -> None:
    before = api.decisions()
    answers = [api.post(tokens["new"], None) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]
    assert all("Idempotent-Replayed" not in a.headers for a in answers)
    assert api.decisions() == before + 2


@pytest.mark.parametrize("bad", ["", "has space", "x" * 256, '"unterminated'])
def test_a_malformed_key_is_refused_with_400_even_where_optional(api: Api, tokens: dict[str, str], bad: str) -> None:
    before = api.decisions()
    response = api.post(tokens["new"], bad)
    assert response.status_code == 400
    assert reason(response) == "idempotency_key_malformed"
    assert api.decisions() == before


def test_two_clients_using_the_same_key_never_collide(api: Api, tokens: dict[str, str]) -> None:
    k, before = key(), api.decisions()
    mine = api.post(tokens["new"], k)
    theirs = api.post(tokens["other"], k)  # the same key and body from another partner: its own answer
    assert mine.status_code == 200
    assert theirs.status_code == 422 and "Idempotent-Replayed" not in theirs.headers
    assert reason(theirs) == "consent_recipient_not_requester"  # not the first client's 200 replayed
    assert api.decisions() == before + 2


def test_twenty_concurrent_identical_requests_run_once(api: Api, tokens: dict[str, str]) -> None:
    k, before = key(), api.decisions()
    start = threading.Barrier(20)
    answers: list[httpx.Response] = []

    def call() -> None:
        start.wait()
        answers.append(api.post(tokens["new"], k))

    threads = [threading.Thread(target=call) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert api.decisions() == before + 1
    ran = [a for a in answers if a.status_code == 200 and "Idempotent-Replayed" not in a.headers]
    replayed = [a for a in answers if a.headers.get("Idempotent-Replayed") == "true"]
    in_flight = [a for a in answers if a.status_code == 409]
    assert len(ran) == 1 and len(ran) + len(replayed) + len(in_flight) == 20
    assert all(a.content == ran[0].content for a in replayed)
    assert all(a.headers["Retry-After"] and reason(a) == "idempotency_request_in_flight" for a in in_flight)


def test_the_key_is_required_on_steward_actions(api: Api, tokens: dict[str, str]) -> None:
    merge = {"reason": "same person", "member_keys": ["m-none-1", "m-none-2"]}
    missing = api.post(tokens["ana"], None, body=merge, path="/steward/merge")
    assert missing.status_code == 400 and reason(missing) == "idempotency_key_missing"
    malformed = api.post(tokens["ana"], "bad key", body=merge, path="/steward/merge")
    assert malformed.status_code == 400 and reason(malformed) == "idempotency_key_malformed"
    anonymous = httpx.post(api.url + "/steward/merge", json=merge, timeout=30)
    assert anonymous.status_code == 401  # no token: the route's own answer, whatever the key


def test_a_steward_answer_is_kept_per_steward(api: Api, tokens: dict[str, str]) -> None:
    k, merge = key(), {"reason": "same person", "member_keys": ["m-none-1", "m-none-2"]}
    first = api.post(tokens["ana"], k, body=merge, path="/steward/merge")
    refusal = "a merge needs at least two different active members"
    assert first.status_code == 422 and first.json()["issue"][0]["diagnostics"] == refusal  # kept like any 4xx
    again = api.post(tokens["ana"], k, body=merge, path="/steward/merge")
    assert again.headers["Idempotent-Replayed"] == "true" and again.content == first.content
    other_steward = api.post(tokens["bob"], k, body={**merge, "reason": "bob's"}, path="/steward/merge")
    assert "Idempotent-Replayed" not in other_steward.headers  # ana's key is not bob's: no reuse refusal
    assert other_steward.json()["issue"][0]["diagnostics"] == refusal


def test_a_throttled_request_releases_its_key_so_the_retry_runs(
    api: Api, tokens: dict[str, str], trained_model: jobs.TrainResult
) -> None:
    slow = api.settings.model_copy(update={"api_rate_per_s": 1.0, "api_rate_burst": 1})
    with _server(slow, api.store, trained_model) as url:
        throttled_api = Api(url, api.store, slow)
        k = key()
        assert throttled_api.post(tokens["new"], None).status_code == 200  # uses the one token in the bucket
        throttled = throttled_api.post(tokens["new"], k)
        assert throttled.status_code == 429
        time.sleep(float(throttled.headers["Retry-After"]) or 1.0)
        retry = throttled_api.post(tokens["new"], k)
        assert retry.status_code == 200 and "Idempotent-Replayed" not in retry.headers
