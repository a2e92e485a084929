"""The event model: frozen, validated, sealed with the hash of its canonical form; no PHI slots."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from audit.domain.canonical import event_hash
from audit.domain.context import body_sha256
from audit.domain.events import format_time, seal
from tests.unit.audit.factories import draft


def test_a_sealed_event_carries_its_place_in_the_chain_and_the_hash_of_its_fields() -> None:
    event = seal(draft(), seq=7, event_id="e7", occurred_at=datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
                 prev_hash="a" * 64)  # fmt: skip
    assert (event.seq, event.prev_hash, event.occurred_at) == (7, "a" * 64, "2026-01-02T03:04:05.000006Z")
    assert event.hash == event_hash(event.model_dump(mode="json"))


def test_events_are_frozen() -> None:
    with pytest.raises(ValidationError):
        draft().outcome = "failed"  # type: ignore[misc]


def test_times_are_utc_fixed_width_so_text_order_is_time_order() -> None:
    plus_two = datetime(2026, 1, 2, 5, 0, tzinfo=timezone(timedelta(hours=2)))
    assert format_time(plus_two) == "2026-01-02T03:00:00.000000Z"
    with pytest.raises(ValueError, match="timezone"):
        format_time(datetime(2026, 1, 2))


@pytest.mark.parametrize(
    "actor", ["alice", "robot:alice", "steward:", "steward: alice", "steward:al\nice", "service:" + "x" * 200]
)
def test_actors_must_say_what_kind_of_actor_they_are(actor: str) -> None:
    with pytest.raises(ValidationError, match="actor"):
        draft(actor=actor)


def test_an_actor_may_carry_role_and_client_id_and_a_partner_actor_is_the_partner() -> None:
    event = draft(actor="partner:acme", actor_role="payer", actor_client_id="client-42")
    assert (event.partner_id, event.actor_role, event.actor_client_id) == ("acme", "payer", "client-42")


@pytest.mark.parametrize(
    ("field", "value"),
    [("action", "Confirm"), ("reason_code", "free text reason"), ("resource_id", "Ann Lee"),
     ("correlation_id", "has space"), ("request_sha256", "not-a-hash"), ("member_keys", ("Ann Lee",))],
)  # fmt: skip
def test_fields_hold_codes_ids_and_hashes_never_free_text(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        draft(**{field: value})


def test_member_keys_are_kept_sorted_and_unique() -> None:
    assert draft(member_keys=("M-2", "M-1", "M-2")).member_keys == ("M-1", "M-2")


def test_bodies_are_recorded_as_sha256_of_their_bytes_or_canonical_json() -> None:
    assert body_sha256(b"{}") == "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
    assert body_sha256({"b": 1, "a": 2}) == body_sha256(b'{"a":2,"b":1}')
    assert draft(request_sha256=body_sha256(b"x")).request_sha256 == body_sha256(b"x")
