"""The OpenAPI document says what errors really look like: FHIR OperationOutcome bodies, and the
401/403/429 every bearer-protected operation may answer."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api.errors import FHIR_JSON

OPERATION_OUTCOME: dict[str, Any] = {
    "type": "object",
    "required": ["resourceType", "issue"],
    "properties": {
        "resourceType": {"type": "string", "enum": ["OperationOutcome"]},
        "issue": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["severity", "code"],
                "properties": {
                    "severity": {"type": "string"},
                    "code": {"type": "string"},
                    "diagnostics": {"type": "string"},
                },
            },
        },
    },
}
ALWAYS = {"400": "Malformed request", "413": "Request body too large", "503": "The graph is unavailable; retry later"}
PROTECTED = {
    "401": "No valid bearer token",
    "403": "The token may not do this",
    "429": "Too many requests; see Retry-After",
}
VALIDATION_SCHEMA = "#/components/schemas/HTTPValidationError"


def _outcome(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {FHIR_JSON: {"schema": {"$ref": "#/components/schemas/OperationOutcome"}}},
    }


def _document(operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    default_422 = responses.get("422", {}).get("content", {}).get("application/json", {}).get("schema", {})
    if default_422.get("$ref") == VALIDATION_SCHEMA:  # FastAPI's default; ours answers 400 and uses 422 for rules
        responses["422"] = _outcome("A business rule refused the request")
    codes = ALWAYS | (PROTECTED if operation.get("security") else {})
    if "requestBody" in operation:
        codes = codes | {"415": "The body is not of the media type the operation reads"}
    for code, description in codes.items():
        responses.setdefault(code, _outcome(description))


def install_error_documentation(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            schema.setdefault("components", {}).setdefault("schemas", {})["OperationOutcome"] = OPERATION_OUTCOME
            for path in schema.get("paths", {}).values():
                for operation in path.values():
                    _document(operation)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
