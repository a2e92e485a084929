"""Chain verification in memory: every way of tampering is detected, at the right sequence number."""

from __future__ import annotations

from typing import Any

from audit.domain.chain import ChainVerifier, CheckpointSeen, ProblemKind, verify_events
from audit.domain.events import seal
from tests.unit.audit.factories import T0, chain, draft, rehash, stored


def first(events: list[dict[str, Any]], **kwargs: Any) -> tuple[int, ProblemKind]:
    report = verify_events(events, **kwargs)
    assert not report.ok
    problem = report.first_problem
    assert problem is not None
    return problem.seq, problem.kind


def test_an_untouched_chain_verifies() -> None:
    report = verify_events(stored(chain(30)))
    assert report.ok and report.events == 30 and report.last_seq == 30


def test_an_empty_ledger_verifies_and_a_head_without_events_does_not() -> None:
    assert verify_events([]).ok
    assert first([], head=(3, "a" * 64)) == (1, ProblemKind.MISSING)


def test_an_event_edited_in_place_is_named() -> None:
    events = stored(chain(10))
    events[4]["outcome"] = "refused"
    assert first(events) == (5, ProblemKind.ALTERED)


def test_an_event_edited_and_re_hashed_is_named_through_its_successor() -> None:
    events = stored(chain(10))
    events[4] = rehash({**events[4], "reason_code": "LINK_RETIRED"})
    assert first(events) == (5, ProblemKind.REHASHED)


def test_the_last_event_edited_and_re_hashed_is_named_through_the_head() -> None:
    events = stored(chain(10))
    head = (10, events[-1]["hash"])
    events[-1] = rehash({**events[-1], "outcome": "failed"})
    assert first(events, head=head) == (10, ProblemKind.REHASHED)


def test_a_deleted_event_is_named() -> None:
    events = stored(chain(10))
    del events[3]
    assert first(events) == (4, ProblemKind.MISSING)


def test_a_deleted_event_with_the_later_ones_renumbered_is_named_once() -> None:
    events = stored(chain(10))
    del events[3]
    for event in events[3:]:
        event["seq"] -= 1
    report = verify_events(events, head=(9, events[-1]["hash"]))
    assert [(p.seq, p.kind) for p in report.problems] == [(4, ProblemKind.MISSING)]


def test_deleted_events_at_the_end_are_named_through_the_head() -> None:
    events = stored(chain(10))
    head = (10, events[-1]["hash"])
    assert first(events[:7], head=head) == (8, ProblemKind.MISSING)


def test_an_event_inserted_with_the_later_ones_renumbered_is_named() -> None:
    events = stored(chain(10))
    forged = seal(draft(resource_id="FORGED"), seq=5, event_id="forged", occurred_at=T0, prev_hash=events[3]["hash"])
    for event in events[4:]:
        event["seq"] += 1
    events.insert(4, stored([forged])[0])
    events[4]["occurred_at"] = events[3]["occurred_at"]
    assert first([rehash(e) if e["event_id"] == "forged" else e for e in events]) == (5, ProblemKind.INSERTED)


def test_an_event_appended_past_the_head_is_named() -> None:
    events = stored(chain(10))
    head = (10, events[-1]["hash"])
    extra = seal(draft(), seq=11, event_id="extra", occurred_at=T0, prev_hash=events[-1]["hash"])
    assert first([*events, *stored([extra])], head=head)[0] == 11


def test_two_events_swapped_are_named_as_reordered() -> None:
    events = stored(chain(10))
    events[5]["seq"], events[6]["seq"] = 7, 6
    events[5], events[6] = events[6], events[5]
    assert first(events) == (6, ProblemKind.REORDERED)


def test_an_event_dated_before_its_predecessor_is_named() -> None:
    events = stored(chain(10))
    events[6] = rehash({**events[6], "occurred_at": "2000-01-01T00:00:00.000000Z"})
    assert (7, ProblemKind.TIME_ORDER) in [(p.seq, p.kind) for p in verify_events(events).problems]


def test_a_member_search_index_that_disagrees_with_the_event_is_named() -> None:
    events = stored(chain(5))
    events[2]["indexed_member_keys"] = []
    assert first(events) == (3, ProblemKind.INDEX)


def test_checkpoints_catch_a_chain_rewritten_end_to_end() -> None:
    original = stored(chain(10))
    good = CheckpointSeen(4, original[3]["hash"], "t", "k", True)
    signed = CheckpointSeen(8, original[7]["hash"], "t", "k", True)
    rewritten = stored(chain(10))[:5]  # a tamperer re-seals everything from seq 6 on
    prev = rewritten[-1]["hash"]
    for seq in range(6, 11):
        event = seal(draft(outcome="refused"), seq=seq, event_id=f"x{seq}", occurred_at=T0.replace(hour=10),
                     prev_hash=prev)  # fmt: skip
        rewritten.append(stored([event])[0])
        prev = event.hash
    assert verify_events(rewritten).ok  # the links alone cannot tell
    seq, kind = first(rewritten, checkpoints=[good, signed])
    assert (seq, kind) == (5, ProblemKind.CHECKPOINT_MISMATCH)


def test_a_checkpoint_with_a_bad_signature_is_named() -> None:
    events = stored(chain(6))
    bad = CheckpointSeen(3, events[2]["hash"], "t", "k", signature_valid=False)
    assert first(events, checkpoints=[bad]) == (3, ProblemKind.CHECKPOINT_SIGNATURE)


def test_a_checkpoint_past_the_last_event_means_events_were_cut_off() -> None:
    events = stored(chain(6))
    later = CheckpointSeen(9, "f" * 64, "t", "k", True)
    assert first(events, head=(6, events[-1]["hash"]), checkpoints=[later]) == (7, ProblemKind.MISSING)


def test_pages_give_the_same_verdict_as_one_pass_and_problems_are_capped() -> None:
    events = stored(chain(50))
    for event in events[10:]:
        event["outcome"] = "failed"
    verifier = ChainVerifier(max_problems=5)
    for start in range(0, 50, 7):
        verifier.feed(events[start : start + 7])
    report = verifier.finish(50, events[-1]["hash"])
    assert [p.seq for p in report.problems] == [11, 12, 13, 14, 15] and report.more_problems == 35
