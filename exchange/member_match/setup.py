"""Wiring the ``$member-match`` use case from settings (the API and benchmarks share it)."""

from __future__ import annotations

from datetime import timedelta

from exchange.domain import brute_force
from exchange.domain.identity import Policy
from exchange.member_match.engine import IdentityEngine, load_model
from exchange.member_match.service import MatchConfig, MatchContext
from graph.store import GraphStore
from matching.linkage.registry import ModelFile
from p2p.settings import Settings


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
