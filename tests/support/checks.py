"""Checks shared by end-to-end tests of refused requests: the answer is a FHIR OperationOutcome with
the status and issue code expected, and what the database holds (to show nothing was written)."""

from __future__ import annotations

from typing import Any

import httpx

from graph.store import GraphStore

FHIR_JSON = "application/fhir+json"


def labels(store: GraphStore) -> dict[str, int]:
    """How many nodes carry each label."""
    rows, _, _ = store.driver.execute_query(
        "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n", database_=store.database
    )
    return {row["label"]: row["n"] for row in rows}


def assert_outcome(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """The OperationOutcome body, once its status, media type and first issue code are as expected."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(FHIR_JSON)
    body: dict[str, Any] = response.json()
    assert body["resourceType"] == "OperationOutcome"
    if code is not None:
        assert body["issue"][0]["code"] == code, body
    return body
