"""HRex mm-7: the same person tried with ever new card data is refused for a while."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from exchange.domain.brute_force import Attempt, Limit, check

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
LIMIT = Limit(timedelta(hours=1), max_coverage_variants=3)


def tried(*cards: tuple[str, int]) -> list[Attempt]:
    return [Attempt(NOW - timedelta(minutes=ago), card) for card, ago in cards]


def test_new_cards_are_allowed_up_to_the_limit_then_refused_until_the_oldest_leaves_the_window() -> None:
    assert check(tried(("a", 50), ("b", 10)), "c", NOW, LIMIT).allowed
    verdict = check(tried(("a", 50), ("b", 10), ("c", 5)), "d", NOW, LIMIT)
    assert not verdict.allowed and verdict.variants == 3
    assert 10 * 60 <= verdict.retry_after_s <= 10 * 60 + 1  # the oldest attempt leaves in ten minutes


def test_retrying_a_card_already_tried_is_not_a_new_guess() -> None:
    assert check(tried(("a", 50), ("b", 10), ("c", 5)), "b", NOW, LIMIT).allowed


def test_attempts_older_than_the_window_do_not_count() -> None:
    assert check(tried(("a", 61), ("b", 70), ("c", 90)), "d", NOW, LIMIT).allowed
