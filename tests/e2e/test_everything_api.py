"""Patient $everything over real HTTP: a partner gets a $member-match answer, then the member's
history from a generated member data store (real DuckDB, real Neo4j, real uvicorn): another
partner gets 404, a #regular consent hides sensitive data, an expired consent is refused,
`_since` is clamped to five years, `_type` filters, and paging covers every resource once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from audit.search import Criteria
from audit.service import search_events
from exchange.domain import release_rules as rules
from exchange.domain.consent import REGULAR, SENSITIVE
from exchange.member_match.service import MatchContext
from exchange.member_match.setup import match_context
from graph.maintenance import delete_all_data
from graph.store import GraphStore
from matching.linkage import jobs
from p2p.ports import free_port
from p2p.settings import Settings
from tests.support.member_data import generated_histories, load_records, richest_records, stored_rows
from tests.support.partners import NPI, bearer, register_partner, token_for
from tests.support.servers import running_api

pytestmark = pytest.mark.integration

HL7 = Path(__file__).resolve().parents[1] / "fixtures" / "hl7"
OLD_PLAN, NEW_PLAN = f"{NPI}|9876543210", f"{NPI}|0123456789"  # the official example's plans: us, the requester
FHIR = {"Content-Type": "application/fhir+json"}
TODAY = datetime.now(UTC).date()
PATRICIA = ("Patricia", None, "Person", "1974-12-25", "F", "55678")  # the official example's member
MORGAN = ("Morgan", "Lee", "Example", "1981-06-14", "F", "M7781")


class Api:
    def __init__(self, url: str, ctx: MatchContext, tokens: dict[str, str], records: dict[str, str]) -> None:
        self.url, self.ctx, self.tokens, self.records = url, ctx, tokens, records


@pytest.fixture(scope="module")
def fhir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_histories(tmp_path_factory.mktemp("everything") / "pop")


@pytest.fixture(scope="module")
def api(
    session_store: GraphStore, settings: Settings, fhir: Path, trained_model: jobs.TrainResult,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Api]:  # fmt: skip
    delete_all_data(session_store)
    patricia, morgan = richest_records(fhir, 2)
    demographics = {patricia: PATRICIA, morgan: MORGAN}
    load_records(session_store, tmp_path_factory.mktemp("run") / "run", [patricia, morgan], demographics)
    port = free_port()
    cfg = settings.model_copy(update={"payer_id": "payer-a", "payer_identifiers": [OLD_PLAN], "hrex_version": "1.1.0",
                                      "member_data_dir": fhir, "fhir_base_url": f"http://127.0.0.1:{port}/fhir"})  # fmt: skip
    ctx = match_context(cfg, session_store, trained_model.model)
    new_plan = register_partner(session_store, "new-health-plan", identifiers=[NEW_PLAN])
    other = register_partner(session_store, "other-plan", identifiers=[f"{NPI}|5555555555"])
    with running_api(cfg, port, member_match=ctx) as url, httpx.Client(base_url=url, timeout=30) as http:
        tokens = {"new": token_for(http, new_plan), "other": token_for(http, other)}
        yield Api(url, ctx, tokens, {"patricia": patricia, "morgan": morgan})
    delete_all_data(session_store)


def match_request(who: tuple[str | None, ...], policy: str, period: tuple[date, date]) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((HL7 / "hrex-1.0.0__parameters-member-match-in.json").read_text())
    first, middle, last, dob, sex, member_id = who
    resources = {p["name"]: p["resource"] for p in body["parameter"]}
    patient = resources["MemberPatient"]
    patient.update(name=[{"family": last, "given": [g for g in (first, middle) if g]}], birthDate=dob,
                   gender={"F": "female", "M": "male"}[str(sex)])  # fmt: skip
    patient.pop("identifier")
    resources["CoverageToMatch"]["identifier"] = [{"type": {"coding": [
        {"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MB"}]}, "value": member_id}]  # fmt: skip
    consent = resources["Consent"]
    consent["policy"] = [{"uri": {"regular": REGULAR, "sensitive": SENSITIVE}[policy]}]
    consent["provision"]["period"] = {"start": period[0].isoformat(), "end": period[1].isoformat()}
    return body


def matched(api: Api, who: tuple[str | None, ...], policy: str, period: tuple[date, date]) -> str:
    with httpx.Client(base_url=api.url, timeout=30) as http:
        response = http.post("/fhir/Patient/$member-match", content=json.dumps(match_request(who, policy, period)),
                             headers={**FHIR, **bearer(api.tokens["new"])})  # fmt: skip
    assert response.status_code == 200, response.text
    key: str = response.json()["parameter"][0]["valueIdentifier"]["value"]
    return key


def everything(api: Api, key: str, token: str = "new", **params: Any) -> httpx.Response:
    with httpx.Client(base_url=api.url, timeout=30) as http:
        return http.get(f"/fhir/Patient/{key}/$everything", params=params, headers=bearer(api.tokens[token]))


def follow(api: Api, key: str, **params: Any) -> tuple[list[tuple[str, str]], int]:
    """Every page, following `next` links as a partner would; the resources and the page count."""
    response = everything(api, key, **params)
    got, pages = [], 0
    with httpx.Client(timeout=30, headers=bearer(api.tokens["new"])) as http:
        while True:
            assert response.status_code == 200, response.text
            assert response.headers["content-type"].startswith("application/fhir+json")
            body = response.json()
            assert body["resourceType"] == "Bundle" and body["type"] == "searchset"
            got += [(e["resource"]["resourceType"], e["resource"]["id"]) for e in body["entry"]]
            pages += 1
            nxt = [link["url"] for link in body["link"] if link["relation"] == "next"]
            if not nxt:
                return got, pages
            response = http.get(nxt[0])


def in_store(fhir: Path, record_id: str, sensitive_too: bool, since: date | None = None) -> set[tuple[str, str]]:
    earliest = rules.clamped_since(since, TODAY)
    return {(r["resource_type"], r["resource_id"]) for r in stored_rows(fhir, [record_id])
            if (r["resource_type"] in rules.UNDATED_TYPES or r["service_date"] >= earliest)
            and (sensitive_too or not r["sensitive"])}  # fmt: skip


NOW_ON = (TODAY - timedelta(days=10), TODAY + timedelta(days=365))


def test_a_consent_that_has_expired_since_the_match_is_refused(api: Api) -> None:
    api.ctx.now = lambda: datetime(2022, 1, 15, 12, tzinfo=UTC)
    try:
        key = matched(api, PATRICIA, "sensitive", (date(2022, 1, 1), date(2022, 1, 31)))
    finally:
        api.ctx.now = lambda: datetime.now(UTC)
    response = everything(api, key)
    assert response.status_code == 403
    assert response.json()["issue"][0]["details"]["coding"][0]["code"] == "consent_period_ended"
    assert "entry" not in response.text


def test_paging_releases_five_years_of_everything_once_to_the_matched_partner_only(api: Api, fhir: Path) -> None:
    key = matched(api, MORGAN, "sensitive", NOW_ON)
    got, pages = follow(api, key, _count=3, _since="2000-01-01")
    assert len(got) == len(set(got)), "every resource once"
    assert set(got) == in_store(fhir, api.records["morgan"], sensitive_too=True)
    assert pages > 2
    assert set(follow(api, key, _count=500)[0]) == set(got), "a _since before the look-back is clamped to it"
    events = search_events(api.ctx.store, Criteria(member_key=key)).events
    released = [e for e in events if e["action"] == "member_data.release"]
    assert len(released) == pages + 1 and sum(e["details"]["resources"] for e in released[:pages]) == len(got)
    stranger = everything(api, key, token="other")
    assert stranger.status_code == 404 and stranger.json()["resourceType"] == "OperationOutcome"
    assert everything(api, "no-such-member").status_code == 404


def test_a_regular_consent_never_releases_sensitive_data(api: Api, fhir: Path) -> None:
    key = matched(api, MORGAN, "regular", NOW_ON)
    got, _ = follow(api, key, _count=500)
    sensitive = {(r["resource_type"], r["resource_id"]) for r in stored_rows(fhir, [api.records["morgan"]])
                 if r["sensitive"]}  # fmt: skip
    assert sensitive and not sensitive & set(got)
    assert set(got) == in_store(fhir, api.records["morgan"], sensitive_too=False)


def test_type_and_since_filter(api: Api, fhir: Path) -> None:
    key = matched(api, MORGAN, "sensitive", NOW_ON)
    since = TODAY - timedelta(days=730)
    got, _ = follow(api, key, _type="Condition,Patient", _since=since.isoformat())
    wanted = {e for e in in_store(fhir, api.records["morgan"], True, since) if e[0] in ("Condition", "Patient")}
    assert got and set(got) == wanted


@pytest.mark.parametrize(
    ("params", "where"),
    [({"_type": "Condition,Bogus"}, "_type"), ({"_since": "last tuesday"}, "_since"), ({"_page_after": "x"}, "_page_after"),
     ({"_count": "0"}, "_count")],
)  # fmt: skip
def test_bad_parameters_are_a_400_naming_them(api: Api, params: dict[str, str], where: str) -> None:
    key = matched(api, MORGAN, "sensitive", NOW_ON)
    response = everything(api, key, **params)
    assert response.status_code == 400, response.text
    assert where in json.dumps(response.json()["issue"][0])
