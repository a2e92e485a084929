"""Over real HTTP, without a token: the CapabilityStatement points each operation we support in part
(or define ourselves) to an OperationDefinition this server answers, based on the published one, with
its parameters (``$davinci-data-export``'s ``_typeFilter`` among them); an unknown one is a 404
OperationOutcome."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx

from tests.support.checks import assert_outcome


def test_each_operation_we_define_is_served_with_the_parameters_we_read(http: httpx.Client) -> None:
    statement = http.get("/fhir/metadata").json()
    rest = statement["rest"][0]
    operations = [o for r in rest["resource"] for o in r["operation"]] + rest["operation"]
    ours = {o["name"]: o["definition"] for o in operations if "/OperationDefinition/" in urlsplit(o["definition"]).path
            and o["definition"].startswith(statement["implementation"]["url"])}  # fmt: skip
    assert set(ours) == {"everything", "davinci-data-export", "transfer-acknowledgment"}
    for name, url in ours.items():
        answer = http.get(urlsplit(url).path)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/fhir+json")
        definition = answer.json()
        assert (definition["resourceType"], definition["url"], definition["code"]) == ("OperationDefinition", url, name)
    export = http.get(urlsplit(ours["davinci-data-export"]).path).json()
    assert export["base"] == "http://hl7.org/fhir/us/davinci-atr/OperationDefinition/davinci-data-export"
    assert [p["name"] for p in export["parameter"]] == ["exportType", "_since", "_until", "_type", "_typeFilter",
                                                        "patient", "_outputFormat"]  # fmt: skip
    assert_outcome(http.get("/fhir/OperationDefinition/export"), 404)
