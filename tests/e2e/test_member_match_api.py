"""$member-match over real HTTP: every 200 and 422 path, malformed input (400 with an
OperationOutcome and nothing written), both HRex output versions, the Patient search that
resolves a returned identifier, brute force (429), and the steward's explanation."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from audit.search import Criteria
from audit.service import search_events
from exchange.member_match import queries
from exchange.member_match.service import MatchContext
from exchange.member_match.setup import match_context
from graph.loading import load_run
from graph.maintenance import delete_all_data
from graph.store import GraphStore
from matching.canonical.validation import CanonicalRecord
from matching.linkage import jobs
from matching.realtime.features import features
from p2p.settings import Settings
from security.principal import Role
from tests.support.partners import NPI, bearer, person_token, register_partner, token_for
from tests.support.servers import running_api

pytestmark = pytest.mark.integration

HL7 = Path(__file__).resolve().parents[1] / "fixtures" / "hl7"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "fhir"
OLD_PLAN = f"{NPI}|9876543210"  # the official examples' "Old Health Plan": us
NEW_PLAN = f"{NPI}|0123456789"  # their "New Health Plan": the requester
FHIR = {"Content-Type": "application/fhir+json"}
IN_CONSENT_PERIOD = datetime(2022, 1, 15, 12, tzinfo=UTC)  # the official example's consent: January 2022


def canonical(
    record_id: str, member_id: str, first: str, middle: str | None, last: str, dob: str, sex: str
) -> dict[str, Any]:
    row = {"record_id": record_id, "payer_id": "payer-a", "member_id": member_id, "first_name": first,
           "middle_name": middle, "last_name": last, "dob": dob, "sex": sex}  # fmt: skip
    return features(CanonicalRecord.model_validate(row, context={"issues": []}).model_dump(exclude_none=True))


RECORDS = [
    canonical("A-1", "55678", "Patricia", "Ann", "Person", "1974-12-25", "F"),
    canonical("A-2", "X100", "Chris", None, "Doe", "1990-01-01", "M"),  # two members alike in everything
    canonical("A-3", "X100", "Chris", None, "Doe", "1990-01-01", "M"),
    canonical("A-4", "H200", "Dana", None, "Held", "1985-03-03", "F"),  # a member with a link under review
    canonical("A-5", "H201", "Dana", None, "Helde", "1985-03-03", "F"),
]


def _run(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(RECORDS), folder / "records.parquet")
    pair = {"left_record_id": "A-4", "right_record_id": "A-5", "match_weight": 8.0, "match_probability": 0.996,
            "blocking_rule": "SAME_DOB_SAME_FIRST_NAME", "must_not_link": None, "decision": "review"}  # fmt: skip
    pq.write_table(pa.Table.from_pylist([pair]), folder / "pairs.parquet")
    (folder / "run.json").write_text(json.dumps({"run_id": "e2e-member-match", "model_version": "e2e"}))
    return folder


@dataclass
class Server:
    url: str
    ctx: MatchContext
    version: str


@pytest.fixture(scope="module")
def graph(session_store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    delete_all_data(session_store)
    load_run(session_store, _run(tmp_path_factory.mktemp("mm") / "run"))
    yield session_store
    delete_all_data(session_store)


def _settings(settings: Settings, version: str) -> Settings:
    return settings.model_copy(update={"payer_id": "payer-a", "payer_identifiers": [OLD_PLAN], "hrex_version": version})


@pytest.fixture(scope="module")
def servers(graph: GraphStore, settings: Settings, trained_model: jobs.TrainResult) -> Iterator[dict[str, Server]]:
    running = {}
    contexts = []
    for version in ("1.0.0", "1.1.0"):
        cfg = _settings(settings, version)
        ctx = match_context(cfg, graph, trained_model.model)
        contexts.append((version, cfg, ctx))
    with running_api(contexts[0][1], member_match=contexts[0][2]) as stu1, running_api(
        contexts[1][1], member_match=contexts[1][2]
    ) as stu11:  # fmt: skip
        running["1.0.0"] = Server(stu1, contexts[0][2], "1.0.0")
        running["1.1.0"] = Server(stu11, contexts[1][2], "1.1.0")
        yield running


@pytest.fixture(scope="module")
def tokens(graph: GraphStore, servers: dict[str, Server]) -> dict[str, str]:
    """The official examples' new plan (the consent's recipient), and another partner."""
    new_plan = register_partner(graph, "new-health-plan", identifiers=[NEW_PLAN])
    other = register_partner(graph, "other-plan", identifiers=[f"{NPI}|5555555555"])
    reader = register_partner(graph, "no-match-scope", scopes=["system/Patient.read"], identifiers=[f"{NPI}|1"])
    with httpx.Client(base_url=servers["1.1.0"].url, timeout=30) as http:
        return {"new": token_for(http, new_plan), "other": token_for(http, other), "no_scope": token_for(http, reader)}


def official(name: str = "hrex-1.0.0__parameters-member-match-in.json") -> dict[str, Any]:
    data: dict[str, Any] = json.loads((HL7 / name).read_text())
    return data


def param(body: dict[str, Any], name: str) -> dict[str, Any]:
    resource: dict[str, Any] = next(p["resource"] for p in body["parameter"] if p["name"] == name)
    return resource


def stu11_request(first: str, last: str, dob: str, gender: str, member_id: str) -> dict[str, Any]:
    """The official example reshaped for 1.1.0 (MB-typed member id) and for another person."""
    body = official()
    patient = param(body, "MemberPatient")
    patient.update(name=[{"family": last, "given": [first]}], birthDate=dob, gender=gender)
    patient.pop("identifier")
    card = param(body, "CoverageToMatch")
    card["identifier"] = [{"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203",
                                                 "code": "MB"}]}, "value": member_id}]  # fmt: skip
    return body


def post(server: Server, body: Any, token: str, headers: dict[str, str] | None = None) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    with httpx.Client(base_url=server.url, timeout=30) as http:
        return http.post(
            "/fhir/Patient/$member-match", content=content, headers={**FHIR, **bearer(token), **(headers or {})}
        )


def decisions(store: GraphStore) -> int:
    return queries.decision_count(store)


@pytest.fixture
def in_consent_period(servers: dict[str, Server]) -> Iterator[None]:
    for server in servers.values():
        server.ctx.now = lambda: IN_CONSENT_PERIOD
    yield
    for server in servers.values():
        server.ctx.now = lambda: datetime.now(UTC)


def issue(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert body["resourceType"] == "OperationOutcome", body
    assert response.headers["content-type"].startswith("application/fhir+json")
    first: dict[str, Any] = body["issue"][0]
    return first


def reason(response: httpx.Response) -> str:
    code: str = issue(response)["details"]["coding"][0]["code"]
    return code


def test_the_capability_statement_declares_member_match(servers: dict[str, Server]) -> None:
    body = httpx.get(f"{servers['1.1.0'].url}/fhir/metadata").json()
    operations = body["rest"][0]["resource"][0]["operation"]
    assert {"name": "member-match",
            "definition": "http://hl7.org/fhir/us/davinci-hrex/OperationDefinition/member-match"} in operations  # fmt: skip


def test_the_official_1_0_0_example_matches_and_its_identifier_resolves_to_one_patient(
    servers: dict[str, Server], tokens: dict[str, str], in_consent_period: None, graph: GraphStore
) -> None:
    """Also audited: one event in the decision's transaction, with hashes of what was sent and answered."""
    server = servers["1.0.0"]
    response = post(server, official(), tokens["new"], {"X-Correlation-ID": "corr-official-0001"})
    assert response.status_code == 200, response.text
    assert response.headers["X-Correlation-ID"] == "corr-official-0001"
    events = search_events(graph, Criteria(correlation_id="corr-official-0001")).events
    assert [(e["action"], e["outcome"], e["reason_code"]) for e in events] == [
        ("member_match.decide", "success", "MATCHED")
    ]
    sent = json.dumps(official()).encode()
    assert events[0]["request_sha256"] == hashlib.sha256(sent).hexdigest()
    assert events[0]["response_sha256"] == hashlib.sha256(response.content).hexdigest()
    assert events[0]["member_keys"] == [response.json()["parameter"][0]["valueIdentifier"]["value"]]
    out = response.json()
    assert [p["name"] for p in out["parameter"]] == ["MemberIdentifier"]  # STU1 allows only this one
    identifier = out["parameter"][0]["valueIdentifier"]
    assert identifier["type"]["coding"] == [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MB"}]

    with httpx.Client(base_url=server.url, timeout=30) as http:
        found = http.get("/fhir/Patient", params={"identifier": f"{identifier['system']}|{identifier['value']}"},
                         headers=bearer(tokens["new"])).json()  # fmt: skip
        assert found["resourceType"] == "Bundle" and found["total"] == 1
        patient = found["entry"][0]["resource"]
        assert patient["id"] == identifier["value"] and patient["birthDate"] == "1974-12-25"
        stranger = http.get(
            "/fhir/Patient", params={"identifier": identifier["value"]}, headers=bearer(tokens["other"])
        )
        assert stranger.json()["total"] == 0, "a partner sees only members it was told about"
        assert http.get(f"/fhir/Patient/{identifier['value']}", headers=bearer(tokens["other"])).status_code == 404


def test_the_1_1_0_output_names_the_member_by_umb_and_reference(
    servers: dict[str, Server], tokens: dict[str, str], in_consent_period: None
) -> None:
    response = post(
        servers["1.1.0"], stu11_request("Patricia", "Person", "1974-12-25", "female", "55678"), tokens["new"]
    )
    assert response.status_code == 200, response.text
    identifier, member = response.json()["parameter"]
    assert identifier["valueIdentifier"]["type"]["coding"][0]["code"] == "UMB"
    assert member["valueReference"]["reference"] == f"Patient/{identifier['valueIdentifier']['value']}"


def test_today_the_official_example_consent_has_expired_so_no_member_is_named(
    servers: dict[str, Server], tokens: dict[str, str]
) -> None:
    response = post(servers["1.0.0"], official(), tokens["new"])
    assert response.status_code == 422 and reason(response) == "consent_period_ended"
    assert "MemberIdentifier" not in response.text


def test_a_requester_the_consent_does_not_name_is_refused(
    servers: dict[str, Server], tokens: dict[str, str], in_consent_period: None
) -> None:
    response = post(servers["1.0.0"], official(), tokens["other"])
    assert response.status_code == 422 and reason(response) == "consent_recipient_not_requester"


@pytest.mark.parametrize(
    ("who", "status", "code", "why"),
    [
        (("Nobody", "Known", "2001-01-01", "male", "Z999"), 422, "not-found", "no_candidates"),
        (("Chris", "Doe", "1990-01-01", "male", "X100"), 422, "multiple-matches", "several_members_above_auto_confirm"),
        (("Dana", "Held", "1985-03-03", "female", "H200"), 422, "business-rule", "member_identity_under_review"),
    ],
)
def test_each_refusal_is_a_422_with_its_reason(
    servers: dict[str, Server], tokens: dict[str, str], in_consent_period: None, who: tuple[str, ...], status: int,
    code: str, why: str,
) -> None:  # fmt: skip
    response = post(servers["1.1.0"], stu11_request(*who), tokens["new"])
    assert response.status_code == status, response.text
    assert (issue(response)["code"], reason(response)) == (code, why)
    assert response.headers["X-Decision-ID"] in issue(response)["diagnostics"]


def test_the_steward_sees_why_with_each_comparisons_contribution(
    servers: dict[str, Server], tokens: dict[str, str], settings: Settings, in_consent_period: None
) -> None:

    server = servers["1.1.0"]
    response = post(server, stu11_request("Chris", "Doe", "1990-01-01", "male", "X100"), tokens["new"])
    decision_id = response.headers["X-Decision-ID"]
    steward = person_token(settings, Role.STEWARD, "ana")
    with httpx.Client(base_url=server.url, timeout=30) as http:
        explained = http.get(f"/steward/decisions/{decision_id}", headers=bearer(steward)).json()
        assert explained["outcome"] == "multiple_matches" and len(explained["candidates"]) == 2
        contributions = explained["candidates"][0]["contributions"]
        assert {c["comparison"] for c in contributions} >= {"first_name", "last_name", "dob"}
        chart = http.get(f"/steward/decisions/{decision_id}", params={"format": "html"}, headers=bearer(steward))
        assert chart.status_code == 200 and "vegaEmbed" in chart.text
        assert http.get(f"/steward/decisions/{decision_id}", headers=bearer(tokens["new"])).status_code == 403


@pytest.mark.parametrize(
    ("body", "headers", "status", "expected"),
    [
        (b"{not json", {}, 400, "not JSON"),
        (b'{"resourceType": "Patient"}', {}, 400, "must be a FHIR Parameters"),
        (json.dumps(official()).encode(), {"Content-Type": "text/plain"}, 415, "application/fhir+json"),
        ("official-1.0.0", {}, 400, "us-core-15"),  # the 1.0.0 example breaks a 1.1.0 rule (SOURCES.md)
        ("fixture-1.1.0", {}, 400, "mm-6"),  # the 1.1.0 example's references are not local (SOURCES.md)
        ("bad-date", {}, 400, "birthDate"),
        ("future-dob", {}, 400, "not a plausible date of birth"),
    ],
)
def test_malformed_requests_are_400s_that_write_nothing(
    servers: dict[str, Server], tokens: dict[str, str], graph: GraphStore, body: Any, headers: dict[str, str],
    status: int, expected: str,
) -> None:  # fmt: skip
    if body == "official-1.0.0":
        body = official()
    elif body == "fixture-1.1.0":
        body = json.loads((FIXTURES / "hrex-1.1.0__member-match-in.json").read_text())
    elif body == "bad-date":
        body = stu11_request("Pat", "Person", "1974-02-30", "female", "55678")
    elif body == "future-dob":
        body = stu11_request("Pat", "Person", "2999-01-01", "female", "55678")
    before = decisions(graph)
    response = post(servers["1.1.0"], body, tokens["new"], headers)
    assert response.status_code == status, response.text
    assert expected in json.dumps(response.json())
    assert decisions(graph) == before, "nothing is written for a request that is refused as malformed"


def test_a_coverage_to_link_identifier_too_long_to_record_is_a_400_that_writes_nothing(
    servers: dict[str, Server], tokens: dict[str, str], in_consent_period: None, graph: GraphStore
) -> None:
    """A unique match records the CoverageToLink under partner|system|value, a unique index whose
    entries Neo4j caps near 8 KB: 9,000 characters there failed the recording transaction (a 500)."""
    body = official()
    param(body, "CoverageToLink")["identifier"][0]["value"] = "7" * 9000
    before = decisions(graph)
    response = post(servers["1.0.0"], body, tokens["new"])
    assert response.status_code == 400, response.text
    assert issue(response)["expression"] == ["Parameters.parameter[CoverageToLink].resource.identifier[0].value"]
    assert decisions(graph) == before


def test_injection_strings_are_only_values(
    servers: dict[str, Server], tokens: dict[str, str], graph: GraphStore
) -> None:
    hostile = stu11_request("x'}) MATCH (n) DETACH DELETE n //", "Person\\u0000", "1974-12-25", "female", "' OR 1=1")
    response = post(servers["1.1.0"], hostile, tokens["new"])
    assert response.status_code == 422
    assert queries.decision_count(graph) > 0, "the graph is still there"


def test_authentication_and_scope_are_required(servers: dict[str, Server], tokens: dict[str, str]) -> None:
    with httpx.Client(base_url=servers["1.1.0"].url, timeout=30) as http:
        anonymous = http.post("/fhir/Patient/$member-match", json=official(), headers=FHIR)
        assert anonymous.status_code == 401 and "WWW-Authenticate" in anonymous.headers
    assert post(servers["1.1.0"], official(), tokens["no_scope"]).status_code == 403


def test_an_oversized_body_is_413(servers: dict[str, Server], tokens: dict[str, str], settings: Settings) -> None:
    huge = copy.deepcopy(official())
    param(huge, "MemberPatient")["text"] = {"div": "x" * (settings.api_max_body_bytes + 1)}
    assert post(servers["1.1.0"], huge, tokens["new"]).status_code == 413


def test_brute_force_is_refused_with_retry_after(servers: dict[str, Server], tokens: dict[str, str]) -> None:
    server = servers["1.1.0"]
    server.ctx.now = lambda: datetime(2033, 3, 3, tzinfo=UTC)  # a window of its own
    try:
        statuses = [
            post(server, stu11_request("Guess", "Target", "1960-06-06", "female", f"G{n}"), tokens["new"])
            for n in range(server.ctx.config.brute_force.max_coverage_variants + 1)
        ]
    finally:
        server.ctx.now = lambda: datetime.now(UTC)
    assert [r.status_code for r in statuses[:-1]] == [422] * (len(statuses) - 1)
    assert statuses[-1].status_code == 429 and int(statuses[-1].headers["Retry-After"]) > 0
    assert reason(statuses[-1]) == "too_many_card_variants"
