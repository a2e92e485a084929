"""Fetches partners' JWKS documents from allow-listed URLs: timeouts, a size limit, and a cache."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable
from typing import Any

import httpx

from security.domain.jwks import JwksError, check_jwks, url_allowed

MIN_REFRESH_S = 10.0  # an unknown kid refetches a cached JWKS at most this often


class JwksFetcher:
    def __init__(self, client: httpx.Client, allowlist: Iterable[str], cache_s: float, max_bytes: int) -> None:
        self._client = client
        self._allowlist = tuple(allowlist)
        self._cache_s = cache_s
        self._max_bytes = max_bytes
        self._cache: dict[str, tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def get(self, url: str, *, refresh: bool = False) -> dict[str, Any]:
        """The JWKS at ``url`` (cached); ``refresh`` refetches unless the copy is only seconds old."""
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(url)
        if cached is not None:
            age = now - cached[0]
            if age < self._cache_s and not (refresh and age >= MIN_REFRESH_S):
                return cached[1]
        jwks = self._fetch(url)
        with self._lock:
            self._cache[url] = (time.monotonic(), jwks)
        return jwks

    def _fetch(self, url: str) -> dict[str, Any]:
        if not url_allowed(url, self._allowlist):
            raise JwksError(f"{url} is not on the JWKS URL allow-list")
        try:
            with self._client.stream("GET", url, headers={"Accept": "application/json"}) as response:
                if response.status_code != 200:
                    raise JwksError(f"the JWKS URL answered {response.status_code}")
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > self._max_bytes:
                        raise JwksError(f"the JWKS at {url} is larger than {self._max_bytes} bytes")
        except httpx.HTTPError as exc:
            raise JwksError(f"could not fetch the JWKS ({type(exc).__name__})") from None
        try:
            return check_jwks(json.loads(body))
        except ValueError as exc:
            raise JwksError(f"the JWKS at {url} is not usable: {exc}") from None
