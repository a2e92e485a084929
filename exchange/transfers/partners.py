"""The partners we call as the new payer: where each one's FHIR API and token endpoint are,
the client id it gave us, and one SMART Backend Services client per partner (tokens reused
until they expire). Endpoints are kept with the partner registry (``p2p partner endpoint``)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from exchange.domain.consent import OrgId
from graph.store import GraphStore, Queries
from security.client import SmartClient
from security.domain.errors import OAuthError
from security.domain.scopes import parse_requested
from security.keys import SigningKey

DEFAULT_SCOPE = "system/Patient.member-match system/Patient.read"


class PartnerUnavailable(Exception):
    """Unknown, inactive or unreachable partner; ``reason`` is a normalised code."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Endpoint:
    partner_id: str
    fhir_base_url: str
    token_url: str
    client_id: str
    scope: str
    identifiers: tuple[OrgId, ...]


def check_url(url: str, name: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.username or parts.query:
        raise ValueError(f"{name} must be an http(s) URL with a host, no credentials and no query")
    return url.rstrip("/")


def check_client_id(client_id: str) -> str:
    """The client id a partner gave us goes into every assertion we sign (``iss``, ``sub``): a pasted
    id with a space or line break in it would be refused at each token request, far from here."""
    if not 0 < len(client_id) <= 255 or not all(33 <= ord(c) <= 126 for c in client_id):
        raise ValueError("the client id must be 1-255 visible ASCII characters, without spaces")
    return client_id


def check_scope(scope: str) -> str:
    """Space-separated SMART scopes (``system/Patient.read``), at least one: what a token request
    may carry (``security.domain.scopes.parse_requested``, RFC 6749's scope tokens)."""
    try:
        parse_requested(scope)
    except OAuthError:
        raise ValueError("the scope must be SMART scopes separated by single spaces (system/Patient.read …)") from None
    return scope


def set_endpoint(store: GraphStore, partner_id: str, *, fhir_base_url: str, token_url: str, client_id: str,
                 scope: str = DEFAULT_SCOPE) -> None:  # fmt: skip
    endpoint = {"partner_id": partner_id, "fhir_base_url": check_url(fhir_base_url, "the FHIR base URL"),
                "token_url": check_url(token_url, "the token URL"), "client_id": check_client_id(client_id),
                "scope": check_scope(scope)}  # fmt: skip
    if not store.write("transfers/set_partner_endpoint", {"endpoint": endpoint}):
        raise PartnerUnavailable("unknown_partner", f"no registered partner {partner_id!r}")


def endpoint(store: Queries, partner_id: str) -> Endpoint:
    rows = store.read("transfers/partner_endpoint", {"partner_id": partner_id})
    if not rows:
        raise PartnerUnavailable("unknown_partner", f"{partner_id!r} is not a registered partner")
    row = rows[0]
    if row["status"] != "active":
        raise PartnerUnavailable("partner_not_active", f"partner {partner_id!r} is {row['status']}")
    e = row["endpoint"]
    if not e:
        raise PartnerUnavailable("partner_endpoint_missing", f"no endpoint for {partner_id!r} (p2p partner endpoint)")
    identifiers = tuple((i.split("|", 1)[0], i.split("|", 1)[1]) for i in row["identifiers"] or [] if "|" in i)
    return Endpoint(partner_id, e["fhir_base_url"], e["token_url"], e["client_id"], e["scope"], identifiers)


class PartnerClients:
    """One token client per partner endpoint, shared by a worker's threads."""

    def __init__(self, http: httpx.Client, key: SigningKey) -> None:
        self._http, self._key = http, key
        self._clients: dict[Endpoint, SmartClient] = {}
        self._lock = threading.Lock()

    def smart(self, e: Endpoint) -> SmartClient:
        with self._lock:
            client = self._clients.get(e)
            if client is None:
                client = SmartClient(self._http, self._key, token_url=e.token_url, client_id=e.client_id,
                                     scope=e.scope)  # fmt: skip
                self._clients[e] = client
            return client
