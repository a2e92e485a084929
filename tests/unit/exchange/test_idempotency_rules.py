"""The Idempotency-Key rules: what a valid key is, what "the same request" means, the decision
table for a key seen before, and which answers are kept for replay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from exchange.domain.idempotency import (
    InvalidKey,
    KeyRecord,
    Need,
    Verdict,
    decide,
    fingerprint,
    parse_key,
    replayed_headers,
    storable,
)

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
FP = fingerprint("POST", "/fhir/Patient/$member-match", b'{"a": 1}')


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("abc", "abc"),
        ("tr-7f3a.member-match", "tr-7f3a.member-match"),
        ("x" * 255, "x" * 255),
        ("!~{}", "!~{}"),
        ('"8e03978e-40d5-43e8-bc93-6894a57f9324"', "8e03978e-40d5-43e8-bc93-6894a57f9324"),
        ('"with space"', "with space"),
        ('"a \\"quoted\\" \\\\ key"', 'a "quoted" \\ key'),
        ("  padded\t", "padded"),
    ],
)
def test_valid_keys_bare_or_as_a_structured_field_string(header: str, key: str) -> None:
    assert parse_key(header, Need.REQUIRED) == key


def test_the_quoted_and_bare_forms_of_a_key_are_the_same_key() -> None:
    assert parse_key('"abc"', Need.OPTIONAL) == parse_key("abc", Need.OPTIONAL)


@pytest.mark.parametrize(
    "header",
    [
        "",
        "x" * 256,
        "has space",
        "tab\tinside",
        "caf\u00e9",
        "nul\x00",
        '""',
        '"' + "x" * 256 + '"',
        '"unterminated',
        '"ends with escape\\"',
        '"bad \\n escape"',
        '"inner " quote"',
        '"non-ascii \u00e9"',
        '"',
    ],
)
def test_malformed_keys_are_refused_whatever_the_need(header: str) -> None:
    for need in Need:
        with pytest.raises(InvalidKey):
            parse_key(header, need)


def test_a_missing_key_is_refused_only_where_required() -> None:
    with pytest.raises(InvalidKey, match="requires an Idempotency-Key"):
        parse_key(None, Need.REQUIRED)
    assert parse_key(None, Need.OPTIONAL) is None


def test_the_fingerprint_covers_method_target_and_body_bytes() -> None:
    assert fingerprint("post", "/fhir/Patient/$member-match", b'{"a": 1}') == FP
    others = [
        fingerprint("PUT", "/fhir/Patient/$member-match", b'{"a": 1}'),
        fingerprint("POST", "/fhir/Patient/$member-match?x=1", b'{"a": 1}'),
        fingerprint("POST", "/fhir/Patient/$member-match", b'{"a":1}'),  # same JSON, other bytes
        fingerprint("POST", "/fhir/Patient/$member-match", b""),
    ]
    assert FP not in others and len(set(others)) == len(others)


def test_the_fingerprint_does_not_confuse_where_path_ends_and_body_begins() -> None:
    assert fingerprint("POST", "/a", b"b/c") != fingerprint("POST", "/ab", b"/c")


def record(*, fp: str = FP, completed: bool = False, lock_s: float = 30, expires_s: float = 86_400) -> KeyRecord:
    return KeyRecord(fp, completed, NOW + timedelta(seconds=lock_s), NOW + timedelta(seconds=expires_s))


@pytest.mark.parametrize(
    ("existing", "verdict"),
    [
        (None, Verdict.RUN),  # a new key
        (record(completed=True), Verdict.REPLAY),  # done: the first answer again
        (record(), Verdict.IN_FLIGHT),  # still running: 409
        (record(lock_s=-1), Verdict.RUN),  # its process died: the lock expired, take it over
        (record(lock_s=0), Verdict.RUN),  # the lock ends now
        (record(fp="other", completed=True), Verdict.MISMATCH),  # another request: 422
        (record(fp="other"), Verdict.MISMATCH),  # ... even while the first is running
        (record(fp="other", lock_s=-1), Verdict.MISMATCH),  # ... or after it crashed
        (record(completed=True, expires_s=-1), Verdict.RUN),  # past retention (not yet purged): a new key
        (record(fp="other", completed=True, expires_s=0), Verdict.RUN),
    ],
)
def test_the_decision_table(existing: KeyRecord | None, verdict: Verdict) -> None:
    assert decide(existing, FP, NOW) is verdict


@pytest.mark.parametrize(("status", "kept"), [(200, True), (201, True), (303, True), (400, True), (404, True),
                                              (409, True), (422, True), (408, False), (429, False), (500, False),
                                              (503, False)])  # fmt: skip
def test_answers_kept_for_replay(status: int, kept: bool) -> None:
    assert storable(status) is kept


def test_a_replay_repeats_the_headers_that_describe_the_answer_not_the_hop() -> None:
    sent = [("Content-Type", "application/fhir+json"), ("Location", "/transfers/t1"), ("X-Decision-ID", "d1"),
            ("X-Correlation-ID", "c1"), ("content-length", "12"), ("date", "today"), ("set-cookie", "s=1")]  # fmt: skip
    assert replayed_headers(sent) == [
        ("content-type", "application/fhir+json"),
        ("location", "/transfers/t1"),
        ("x-decision-id", "d1"),
    ]
