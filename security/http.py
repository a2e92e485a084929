"""Every outbound HTTP call goes through a client built here: timeouts always, no redirects."""

from __future__ import annotations

from typing import Any

import httpx

from p2p.settings import Settings


def outbound_timeout(settings: Settings) -> httpx.Timeout:
    return httpx.Timeout(settings.outbound_timeout_s, connect=settings.outbound_connect_timeout_s)


def outbound_client(settings: Settings, **options: Any) -> httpx.Client:
    """An httpx client for calls to partners; redirects are not followed (a partner's URL is registered)."""
    return httpx.Client(timeout=outbound_timeout(settings), follow_redirects=False, **options)
