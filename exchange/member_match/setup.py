"""Wiring the ``$member-match`` use case from settings (the API and benchmarks share it)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta

from exchange.domain import brute_force
from exchange.domain.identity import Policy
from exchange.member_match.engine import IdentityEngine, load_model
from exchange.member_match.service import MatchConfig, MatchContext
from graph.store import GraphStore
from matching.linkage.registry import ModelFile
from p2p.settings import Settings

log = logging.getLogger(__name__)


def match_config(settings: Settings, model: ModelFile) -> MatchConfig:
    return MatchConfig(
        payer_id=settings.payer_id,
        our_identifiers=settings.our_identifiers,
        policy=Policy(
            auto_confirm=model.thresholds.auto_confirm,
            review=model.thresholds.review,
            close_second_margin=settings.member_match_close_second_bits,
            require_coverage_id=settings.member_match_require_coverage_id,
        ),
        brute_force=brute_force.Limit(
            timedelta(seconds=settings.member_match_window_s), settings.member_match_max_card_variants
        ),
        fingerprint_key=settings.fingerprint_key.get_secret_value().encode(),
        requires_consent=settings.member_match_requires_consent,
        can_filter_sensitive=settings.sensitive_data_filtering,
        hrex_version=settings.hrex_version,
        identifier_system=settings.member_identifier_system,
    )


def match_context(settings: Settings, store: GraphStore, model: ModelFile | None = None) -> MatchContext:
    """The published (or configured) model compiled, with term frequencies read from the graph."""
    model = model or load_model(settings.data_dir, settings.model)
    engine = IdentityEngine(model, [settings.payer_id])
    engine.refresh_frequencies(store)
    return MatchContext(store, engine, match_config(settings, model))


def start_refresher(ctx: MatchContext, every_s: float) -> Callable[[], None]:
    """Refresh the term frequencies in the background every ``every_s``; returns a stop function.
    A failed refresh keeps the previous frequencies and is logged without data."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(every_s):
            try:
                ctx.engine.refresh_frequencies(ctx.store)
            except Exception as exc:  # keep serving with the last snapshot
                log.warning("term frequency refresh failed: %s", type(exc).__name__)

    thread = threading.Thread(target=loop, name="tf-refresh", daemon=True)
    thread.start()

    def stop_refresher() -> None:
        stop.set()
        thread.join(timeout=5)

    return stop_refresher
