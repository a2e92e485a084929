"""/steward over real HTTP: decisions, history, routing, and clear FHIR errors for bad input.
Every route needs a steward's token; the steward recorded is the token's."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from graph.loading import load_run
from graph.store import GraphStore
from tests.integration.graph.conftest import RunMaker, pair
from tests.integration.graph.test_loading import link_between, q
from tests.support.partners import bearer

pytestmark = pytest.mark.integration


@pytest.fixture
def steward(api_url: str, steward_token: str) -> Iterator[httpx.Client]:
    """A client that sends the token `p2p token issue --role steward --name ana` prints, and a new
    Idempotency-Key with each POST (the stewards' actions require one)."""
    with httpx.Client(
        base_url=api_url, timeout=30, headers=bearer(steward_token), event_hooks={"request": [new_key]}
    ) as client:
        yield client


def new_key(request: httpx.Request) -> None:
    if request.method == "POST":
        request.headers.setdefault("Idempotency-Key", str(uuid.uuid4()))


RUN = [pair("r1", "r2", "confirm", 20.0), pair("r4", "r5", "review", 5.0)]


@pytest.fixture
def loaded(store: GraphStore, make_run: RunMaker) -> GraphStore:
    load_run(store, make_run("run1", RUN))
    return store


def member(store: GraphStore, record_id: str) -> str:
    return str(
        q(
            store,
            "MATCH (:SourceRecord {record_id: $r})-[x:IN_MEMBER]->(m) WHERE x.until IS NULL RETURN m.member_key AS k",
            r=record_id,
        )[0]["k"]
    )


def test_confirm_over_http_records_the_decision_and_releases_the_member(
    loaded: GraphStore, steward: httpx.Client
) -> None:
    link_id = link_between(loaded, "r4", "r5")["link_id"]
    held = steward.get(f"/steward/members/{member(loaded, 'r4')}/routing").json()
    assert held["routable"] is False and held["reasons"] == ["identity_candidate_link"]

    response = steward.post(f"/steward/links/{link_id}/confirm", json={"reason": "same card"})
    assert response.status_code == 200
    assert response.json()["transitions"] == [{"link_id": link_id, "from_state": "candidate", "to_state": "confirmed"}]

    history = steward.get(f"/steward/links/{link_id}").json()
    assert [e["to_state"] for e in history["events"]] == ["candidate", "confirmed"]
    assert steward.get(f"/steward/members/{member(loaded, 'r4')}/routing").json()["routable"] is True


def test_illegal_transition_is_a_409_operation_outcome_and_changes_nothing(
    loaded: GraphStore, steward: httpx.Client
) -> None:
    link_id = link_between(loaded, "r1", "r2")["link_id"]
    response = steward.post(f"/steward/links/{link_id}/confirm", json={"steward": "ana", "reason": "again"})
    assert response.status_code == 409
    body = response.json()
    assert body["resourceType"] == "OperationOutcome" and "cannot become confirmed" in body["issue"][0]["diagnostics"]
    assert response.headers["content-type"].startswith("application/fhir+json")
    assert link_between(loaded, "r1", "r2")["state"] == "confirmed"


@pytest.mark.parametrize(
    "body",
    [
        {"steward": "ana"},
        {"steward": "", "reason": "x"},
        {"steward": "ana", "reason": "x", "state": "confirmed"},
        "not json",
    ],
)
def test_malformed_bodies_are_400_operation_outcomes(loaded: GraphStore, steward: httpx.Client, body: object) -> None:
    link_id = link_between(loaded, "r4", "r5")["link_id"]
    response = (
        steward.post(f"/steward/links/{link_id}/confirm", json=body)
        if not isinstance(body, str)
        else steward.post(
            f"/steward/links/{link_id}/confirm", content=body, headers={"content-type": "application/json"}
        )
    )
    assert response.status_code == 400
    assert response.json()["resourceType"] == "OperationOutcome"
    assert link_between(loaded, "r4", "r5")["state"] == "candidate"


def test_unknown_ids_and_injection_strings_are_404_not_500(loaded: GraphStore, steward: httpx.Client) -> None:
    for link_id in ("does-not-exist", "x'}) MATCH (n) DETACH DELETE n //"):
        response = steward.post(f"/steward/links/{link_id}/retire", json={"steward": "ana", "reason": "x"})
        assert response.status_code == 404 and response.json()["resourceType"] == "OperationOutcome"
    assert q(loaded, "MATCH (n:SourceRecord) RETURN count(n) AS n")[0]["n"] == 6


def test_split_and_merge_over_http(loaded: GraphStore, steward: httpx.Client) -> None:
    key = member(loaded, "r1")
    split = steward.post(
        f"/steward/members/{key}/split", json={"steward": "ana", "reason": "twin", "record_ids": ["r2"]}
    )
    assert split.status_code == 200 and len(split.json()["members"]) == 2
    merged = steward.post(
        "/steward/merge", json={"steward": "ana", "reason": "no, same", "member_keys": split.json()["members"]}
    )
    assert merged.status_code == 422  # the split retired their link: a steward retirement blocks the merge
    assert "must not link" in merged.json()["issue"][0]["diagnostics"]


def test_the_history_records_the_token_s_steward(loaded: GraphStore, steward: httpx.Client) -> None:
    link_id = link_between(loaded, "r4", "r5")["link_id"]
    assert steward.post(f"/steward/links/{link_id}/retire", json={"reason": "different people"}).status_code == 200
    events = steward.get(f"/steward/links/{link_id}").json()["events"]
    assert events[-1]["actor"] == "steward:ana" and events[-1]["reason"] == "different people"


def test_a_body_naming_another_steward_is_403_and_changes_nothing(loaded: GraphStore, steward: httpx.Client) -> None:
    link_id = link_between(loaded, "r4", "r5")["link_id"]
    response = steward.post(f"/steward/links/{link_id}/confirm", json={"steward": "bob", "reason": "x"})
    assert response.status_code == 403 and "bob" in response.json()["issue"][0]["diagnostics"]
    assert link_between(loaded, "r4", "r5")["state"] == "candidate"


@pytest.mark.parametrize("who", ["nobody", "partner", "operator"])
def test_steward_routes_need_a_steward_token(
    loaded: GraphStore, http: httpx.Client, who: str, token_a: str, operator_token: str
) -> None:
    headers = {"nobody": {}, "partner": bearer(token_a), "operator": bearer(operator_token)}[who]
    link_id = link_between(loaded, "r4", "r5")["link_id"]

    def keyed() -> dict[str, str]:  # a complete request but for the token's rights
        return headers | {"Idempotency-Key": str(uuid.uuid4())}

    for response in (
        http.get("/steward/queue", headers=headers),
        http.get(f"/steward/links/{link_id}", headers=headers),
        http.post(f"/steward/links/{link_id}/confirm", json={"reason": "x"}, headers=keyed()),
        http.post("/steward/merge", json={"reason": "x", "member_keys": ["a", "b"]}, headers=keyed()),
    ):
        assert response.status_code == (401 if who == "nobody" else 403)
        assert response.json()["resourceType"] == "OperationOutcome"
    assert link_between(loaded, "r4", "r5")["state"] == "candidate"
