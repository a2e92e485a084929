"""The new payer's side of a bulk pull, without a partner: the matched Group mapped back to our
members, each resource attributed to its member, files refused when their bytes do not have
the hash they are named by, polling that honours Retry-After, exported resources named by
the member key the match returned, a job the previous payer forgot (404, 410) told apart from a
failed one, and the keys a forgotten step is kicked off again under."""

from __future__ import annotations

import hashlib
import json

import httpx
import pytest

from exchange.bulk.assemble import as_member
from exchange.bulk.groups import MATCH_PARAMETERS_EXT
from exchange.bulk.manifest import SHA256_EXTENSION
from exchange.bulk.pull import (
    JobForgotten,
    Partner,
    PullError,
    PullReport,
    by_member,
    fetch_verified,
    kick_off,
    member_map,
    owner_of,
    wait,
)
from exchange.domain.bulk_pull import Restart, Step, forgotten, kick_off_key, restart

PARTNER = Partner("payer-a", "https://a.example/fhir", lambda: "token")


def entity(theirs: str, ours: str) -> dict[str, object]:
    extension = [{"url": MATCH_PARAMETERS_EXT, "valueReference": {"reference": f"#{ours}"}}]
    return {"entity": {"reference": f"Patient/{theirs}", "extension": extension}}


def test_the_matched_group_maps_their_member_keys_to_the_patient_ids_we_sent() -> None:
    group = {"member": [entity("A-KEY-1", "our-1"), entity("A-KEY-2", "our-2"), {"entity": {"reference": "#x"}}]}
    assert member_map(group) == {"A-KEY-1": "our-1", "A-KEY-2": "our-2"}


def test_each_resource_goes_to_the_member_it_names_and_strangers_are_counted_not_kept() -> None:
    assert owner_of({"resourceType": "Patient", "id": "K1"}) == "K1"
    assert owner_of({"resourceType": "Encounter", "subject": {"reference": "Patient/K1"}}) == "K1"
    assert owner_of({"resourceType": "ExplanationOfBenefit", "patient": {"reference": "Patient/K2"}}) == "K2"
    assert owner_of({"resourceType": "Coverage", "beneficiary": {"reference": "Patient/K2"}}) == "K2"
    assert owner_of({"resourceType": "Observation", "subject": {"reference": "Group/G"}}) is None
    lines = b"\n".join(json.dumps(r).encode() for r in [
        {"resourceType": "Encounter", "id": "e1", "subject": {"reference": "Patient/K1"}},
        {"resourceType": "Encounter", "id": "e2", "subject": {"reference": "Patient/K9"}},
    ]) + b"\n"  # fmt: skip
    report = PullReport()
    assert {k: [r["id"] for r in v] for k, v in by_member([lines], {"K1": "ours-1"}, report).items()} == {
        "ours-1": ["e1"]}  # fmt: skip
    assert (report.resources, report.unattributed) == (1, 1)


def serving(content: bytes) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(200, content=content)))


def test_a_file_is_accepted_only_with_the_hash_it_is_named_and_listed_by() -> None:
    content = b'{"resourceType":"Encounter","id":"e1"}\n'
    digest = hashlib.sha256(content).hexdigest()
    entry = {"url": f"https://a.example/fhir/bulk-files/j/{digest}.ndjson", "extension": {SHA256_EXTENSION: digest}}
    with serving(content) as http:
        assert fetch_verified(http, PARTNER, entry) == content
    with serving(content + b"tampered") as http, pytest.raises(PullError) as caught:
        fetch_verified(http, PARTNER, entry)
    assert caught.value.reason == "file_hash_mismatch"


def test_polling_waits_what_retry_after_asks_until_the_answer_is_ready() -> None:
    answers = iter([httpx.Response(202, headers={"Retry-After": "3"}), httpx.Response(202, headers={"Retry-After": "60"}),
                    httpx.Response(200, json={"done": True})])  # fmt: skip
    slept: list[float] = []
    with httpx.Client(transport=httpx.MockTransport(lambda request: next(answers))) as http:
        assert wait(http, PARTNER, "https://a.example/fhir/bulk-status/j", 60, slept.append).json() == {"done": True}
    assert slept == [3.0, 10.0]  # never more than 10 s at a time
    gone = httpx.MockTransport(lambda request: httpx.Response(404))
    with httpx.Client(transport=gone) as http, pytest.raises(PullError):
        wait(http, PARTNER, "https://a.example/fhir/bulk-status/j", 60, slept.append)


def test_exported_resources_name_the_member_by_its_key_never_by_our_record_id() -> None:
    encounter = '{"resourceType":"Encounter","id":"R-1-enc1","subject":{"reference":"Patient/R-1"}}'
    assert as_member("Encounter", encounter, "R-1", "M-7") == (
        '{"resourceType":"Encounter","id":"R-1-enc1","subject":{"reference":"Patient/M-7"}}')  # fmt: skip
    patient = '{"resourceType":"Patient","id":"R-1","link":[{"other":{"reference":"Patient/R-10"}}]}'
    assert as_member("Patient", patient, "R-1", "M-7") == (
        '{"resourceType":"Patient","id":"M-7","link":[{"other":{"reference":"Patient/R-10"}}]}')  # fmt: skip


def answering(status: int) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(status)))


@pytest.mark.parametrize("status", [404, 410])
def test_a_job_or_file_the_previous_payer_no_longer_has_is_told_apart_from_a_failed_one(status: int) -> None:
    with answering(status) as http, pytest.raises(JobForgotten) as polled:
        wait(http, PARTNER, "https://a.example/fhir/bulk-status/j", 60)
    entry = {"url": "https://a.example/fhir/bulk-files/j/x.ndjson"}
    with answering(status) as http, pytest.raises(JobForgotten) as fetched:
        fetch_verified(http, PARTNER, entry)
    assert (polled.value.reason, polled.value.status) == (fetched.value.reason, fetched.value.status) == (
        "job_forgotten", status)  # fmt: skip
    for other, reason in ((500, "job_failed"), (403, "job_failed")):
        with answering(other) as http, pytest.raises(PullError) as failed:
            wait(http, PARTNER, "https://a.example/fhir/bulk-status/j", 60)
        assert not isinstance(failed.value, JobForgotten) and failed.value.reason == reason
    with answering(404) as http, pytest.raises(PullError) as refused:
        kick_off(http, PARTNER, "/Group/g/$davinci-data-export", key="k")
    assert (refused.value.reason, refused.value.status) == ("kick_off_refused", 404)


def test_a_forgotten_step_is_kicked_off_again_once_under_a_new_key_of_the_same_derivation() -> None:
    assert [kick_off_key("P-1", Step.MATCH, g) for g in (0, 1)] == ["P-1-match", "P-1-match.r1"]
    assert kick_off_key("P-1", Step.EXPORT, 1) == "P-1-export.r1"
    assert [forgotten(s) for s in (404, 410, 403, 500, 503)] == [True, True, False, False, False]
    again = restart(Step.EXPORT, 0, "files")
    assert again == Restart(Step.EXPORT, 1, "EXPORT_FILES_FORGOTTEN") and again.key_name == "export_restarts"
    assert restart(Step.MATCH, 0, "group") == Restart(Step.MATCH, 1, "MATCH_GROUP_FORGOTTEN")
    assert restart(Step.MATCH, 1, "job") is None  # forgotten again after the re-kick-off: the pull fails
