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


def json_body_only(request: Request) -> None:
    """For routers whose POST bodies are JSON models: a body not declared as JSON is a 415 naming the
    media type to send. FastAPI (strict about it) reads such a body as bytes and answers 'Input
    should be a valid dictionary', which sends a client that forgot -H 'Content-Type:
    application/json' (curl -d sends a form type) looking in the wrong place."""
    if request.method != "POST":
        return
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json")):
        return
    issue = Issue("Content-Type", f"send application/json (got {media_type or 'none'})", "not-supported")
    raise FhirInputError([issue], status=415)
