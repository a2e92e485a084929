"""A request that meets a Neo4j server going away (killed, restarting, failing over) gets a 503
OperationOutcome with Retry-After, so clients and partner workers retry, instead of a 500 that
they must treat as final."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired, TransientError

from api import errors


def server_error(code: str) -> Neo4jError:
    """The error the driver raises for a failure the server reports (built the way the driver builds it)."""
    return Neo4jError._hydrate_neo4j(code=code, message="the server said no")


def client_raising(exc: Exception) -> TestClient:
    app = FastAPI()
    errors.install(app)

    @app.get("/thing")
    def thing() -> None:
        raise exc

    return TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize(
    "exc",
    [
        ServiceUnavailable("connection refused"),
        SessionExpired("gone"),
        TransientError("database unavailable"),
        server_error("Neo.ClientError.Transaction.TransactionTimedOut"),
    ],
    ids=["service-unavailable", "session-expired", "transient", "transaction-timed-out"],
)
def test_the_database_going_away_is_a_503_to_retry(exc: Exception) -> None:
    response = client_raising(exc).get("/thing")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.json()["resourceType"] == "OperationOutcome"
    assert response.json()["issue"][0]["code"] == "transient"
    assert "connection refused" not in response.text  # the driver's text stays out of the answer


def test_any_other_database_error_stays_a_server_error() -> None:
    invalid = server_error("Neo.ClientError.Statement.SyntaxError")
    assert client_raising(invalid).get("/thing").status_code == 500
