"""Dependencies shared by routers, as Annotated aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from exchange.fhir.errors import FhirInputError, Issue
from graph.store import GraphStore


def _store(request: Request) -> GraphStore:
    store: GraphStore = request.app.state.store
    return store


Store = Annotated[GraphStore, Depends(_store)]


def media_type(request: Request) -> str:
    """The body's media type as declared, without its parameters, lower-cased ('' when none)."""
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def unsupported_media_type(sent: str, wanted: str) -> FhirInputError:
    """The 415 naming the media type to send and the one that was sent."""
    return FhirInputError([Issue("Content-Type", f"send {wanted} (got {sent or 'none'})", "not-supported")], status=415)


def json_body_only(request: Request) -> None:
    """For routers whose POST bodies are JSON models: a body not declared as JSON is a 415 naming the
    media type to send. FastAPI (strict about it) reads such a body as bytes and answers 'Input
    should be a valid dictionary', which sends a client that forgot -H 'Content-Type:
    application/json' (curl -d sends a form type) looking in the wrong place."""
    if request.method != "POST":
        return
    sent = media_type(request)
    if sent == "application/json" or (sent.startswith("application/") and sent.endswith("+json")):
        return
    raise unsupported_media_type(sent, "application/json")
