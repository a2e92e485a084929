"""The OpenAPI document names the ``Idempotency-Key`` header (required or optional) and the 409 on
every operation listed in ``api.idempotent_routes``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from api.idempotent_routes import RouteTable
from exchange.domain.idempotency import MAX_KEY_LENGTH, Need


def _conflict(operation: dict[str, Any]) -> dict[str, Any]:
    documented = dict(operation.get("responses", {}).get("400", {}))
    return documented | {"description": "A request with this Idempotency-Key is in flight; see Retry-After"}


def document_header(app: FastAPI, table: RouteTable, header: str) -> None:
    document = app.openapi

    def openapi() -> dict[str, Any]:
        schema = document()
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                need = table.need(method.upper(), path)
                parameters = operation.setdefault("parameters", []) if need else []
                if need and not any(p.get("name") == header for p in parameters):
                    schema_of_key = {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH}
                    required = need is Need.REQUIRED
                    parameters.append({"name": header, "in": "header", "required": required, "schema": schema_of_key})
                    operation.setdefault("responses", {}).setdefault("409", _conflict(operation))
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
