"""Wires the security adapters from the settings: one ``Security`` per process (API or CLI)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from graph.store import GraphStore
from p2p.settings import Settings
from security import registry
from security.assertions import AssertionVerifier
from security.guards import RateLimiter, StatusCache
from security.http import outbound_client
from security.jti_store import JtiStore
from security.jwks_fetch import JwksFetcher
from security.keys import SigningKey, load_signing_key
from security.token_service import TokenIssuer
from security.tokens import AccessTokens


@dataclass(frozen=True)
class Security:
    settings: Settings
    key: SigningKey
    tokens: AccessTokens
    issuer: TokenIssuer
    statuses: StatusCache
    rate_limit: RateLimiter


def build_security(settings: Settings, store: Callable[[], GraphStore]) -> Security:
    """``store`` is called when needed (the API opens its driver in the lifespan, after wiring)."""
    key = load_signing_key(settings)
    tokens = AccessTokens(key, settings.auth_issuer, settings.auth_clock_skew_s)
    fetcher = JwksFetcher(
        outbound_client(settings),
        settings.auth_jwks_url_allowlist,
        settings.auth_jwks_cache_s,
        settings.auth_jwks_max_bytes,
    )
    verifier = AssertionVerifier(fetcher, JtiStore(store), settings.auth_clock_skew_s)
    issuer = TokenIssuer(
        verifier, tokens, lambda client_id: registry.by_client_id(store(), client_id), settings.auth_token_ttl_s
    )
    statuses = StatusCache(lambda partner_id: registry.status_of(store(), partner_id), settings.auth_status_cache_s)
    return Security(
        settings, key, tokens, issuer, statuses, RateLimiter(settings.api_rate_per_s, settings.api_rate_burst)
    )
