"""Errors become FHIR OperationOutcome bodies, in one place. Never a 500 for bad input."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from neo4j.exceptions import DriverError, Neo4jError, TransientError
from starlette.exceptions import HTTPException as StarletteHTTPException

from audit.errors import AuditKeyError, LedgerError, SearchError
from exchange.domain.transfer import IllegalTransition as IllegalTransferMove
from exchange.fhir.errors import FhirInputError
from exchange.transfers.initiate import TransferRefused
from exchange.transfers.operations import TransferNotFound, UnknownReplacement
from graph.domain.links import IllegalTransition
from graph.errors import GraphError
from graph.stewardship import StewardError

FHIR_JSON = "application/fhir+json"


def operation_outcome(
    status: int, code: str, diagnostics: str, severity: str = "error", **details: Any
) -> JSONResponse:
    issue: dict[str, Any] = {"severity": severity, "code": code, "diagnostics": diagnostics}
    if details.get("reason_code"):
        issue["details"] = {"coding": [{"system": "urn:payer-exchange:reason", "code": details["reason_code"]}]}
    return JSONResponse(
        {"resourceType": "OperationOutcome", "issue": [issue]}, status_code=status, media_type=FHIR_JSON
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return operation_outcome(400, "invalid", f"{where}: {first.get('msg', 'invalid request')}")

    @app.exception_handler(FhirInputError)
    async def fhir_input(_request: Request, exc: FhirInputError) -> JSONResponse:
        issues = [
            {"severity": "error", "code": i.code, "diagnostics": i.message, "expression": [i.expression]}
            for i in exc.issues
        ]
        headers = {"Retry-After": "30"} if exc.status == 503 else None
        body = {"resourceType": "OperationOutcome", "issue": issues}
        return JSONResponse(body, status_code=exc.status, media_type=FHIR_JSON, headers=headers)

    @app.exception_handler(AuditKeyError)
    async def audit_key(_request: Request, exc: AuditKeyError) -> JSONResponse:
        return operation_outcome(404, "not-found", str(exc), reason_code="audit_key_missing")

    @app.exception_handler(SearchError)
    async def audit_search(_request: Request, exc: SearchError) -> JSONResponse:
        return operation_outcome(400, "invalid", str(exc))

    @app.exception_handler(LedgerError)
    async def ledger_busy(_request: Request, exc: LedgerError) -> JSONResponse:
        response = operation_outcome(503, "transient", str(exc), reason_code="ledger_head_moved")
        response.headers["Retry-After"] = "1"
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not-found", 405: "not-supported", 413: "too-costly", 429: "throttled"}.get(
            exc.status_code, "processing"
        )
        return operation_outcome(exc.status_code, code, str(exc.detail))

    @app.exception_handler(IllegalTransition)
    async def illegal(_request: Request, exc: IllegalTransition) -> JSONResponse:
        return operation_outcome(409, "business-rule", str(exc), reason_code="illegal_transition")

    @app.exception_handler(IllegalTransferMove)
    async def illegal_transfer_move(_request: Request, exc: IllegalTransferMove) -> JSONResponse:
        return operation_outcome(409, "business-rule", str(exc), reason_code="illegal_transition")

    @app.exception_handler(TransferRefused)
    async def transfer_refused(_request: Request, exc: TransferRefused) -> JSONResponse:
        code = "not-found" if exc.status == 404 else "business-rule"
        return operation_outcome(exc.status, code, str(exc), reason_code=exc.reason)

    @app.exception_handler(TransferNotFound)
    async def transfer_not_found(_request: Request, exc: TransferNotFound) -> JSONResponse:
        return operation_outcome(404, "not-found", f"no transfer {exc} for this client")

    @app.exception_handler(UnknownReplacement)
    async def unknown_replacement(_request: Request, exc: UnknownReplacement) -> JSONResponse:
        return operation_outcome(422, "business-rule", str(exc), reason_code="superseded_by_unknown")

    @app.exception_handler(StewardError)
    async def steward(_request: Request, exc: StewardError) -> JSONResponse:
        status = 404 if str(exc).startswith("no ") else 422
        return operation_outcome(status, "not-found" if status == 404 else "business-rule", str(exc))

    @app.exception_handler(GraphError)
    @app.exception_handler(DriverError)  # the server went away mid-request (restart, failover): a retry will do
    async def graph_down(_request: Request, exc: Exception) -> JSONResponse:
        response = operation_outcome(503, "transient", "the identity graph is unavailable; retry later")
        response.headers["Retry-After"] = "5"
        return response

    @app.exception_handler(Neo4jError)
    async def database_error(request: Request, exc: Neo4jError) -> JSONResponse:
        """A transient error or a timed-out transaction (a server recovering or overloaded) is worth
        a retry; any other database error is a bug, left to the 500 below."""
        if isinstance(exc, TransientError) or "TransactionTimedOut" in (exc.code or ""):
            return await graph_down(request, exc)
        raise exc

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, _exc: Exception) -> JSONResponse:
        """A bug, never the caller's input: still an OperationOutcome, as every error here is, and one
        that says nothing of the cause (its text may quote the request). The exception is raised on
        after this answer, so the technical log records its class."""
        return operation_outcome(500, "exception", "an unexpected error occurred on our side; it has been logged")
