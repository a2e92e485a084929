"""One call to a partner's FHIR endpoint, whose every ending is an outcome, never an exception.

    outcome = call_partner(http, smart, "POST", f"{base}/Patient/$member-match", json_body=params,
                           idempotency_key=f"{transfer_id}.match", correlation_id=correlation_id)
    if not outcome.ok: step = next_step(policy, ..., error=outcome.error, retry_after_s=outcome.retry_after_s)

The call carries our SMART token, the transfer's correlation id and the step's idempotency key. A 401
drops the cached token and tries once more at once with a fresh one. Transport failures become
``timeout`` (the request was sent; the partner may have done it) or ``connection`` (refused, reset,
closed mid-answer; a connect or pool timeout is ``connection`` too, since nothing was sent).
Configuration errors (a URL httpx cannot use) are bugs and still raise.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from audit.domain.context import body_sha256
from exchange.domain.retry import ErrorClass, classify_answer, parse_retry_after
from security.client import PartnerTokenError, SmartClient

FHIR_JSON = "application/fhir+json"
REPLAYED_HEADER = "Idempotent-Replayed"


@dataclass(frozen=True)
class CallOutcome:
    status: int | None  # None when no answer arrived
    error: ErrorClass | None  # None when the partner answered 2xx with a readable body
    latency_ms: float  # the whole call: token, request, answer and the one retry after a 401
    retry_after_s: float | None
    body: Any  # the parsed JSON answer, or None
    response_sha256: str | None  # of the answer's bytes as received (the audit ledger's body_sha256)
    replayed: bool  # the partner answered from its idempotency store (Idempotent-Replayed: true)

    @property
    def ok(self) -> bool:
        return self.error is None


def call_partner(
    http: httpx.Client,
    smart: SmartClient | None,
    method: str,
    url: str,
    *,
    json_body: dict[str, Any] | None,
    idempotency_key: str,
    correlation_id: str,
    timeout_s: float | None = None,
) -> CallOutcome:
    """``timeout_s`` replaces the client's timeouts for this call; ``smart`` None sends no token."""
    started = time.perf_counter()
    headers = {
        "X-Correlation-ID": correlation_id,
        "Idempotency-Key": idempotency_key,
        "Accept": FHIR_JSON,
    }
    content = None if json_body is None else json.dumps(json_body, separators=(",", ":")).encode()
    if content is not None:
        headers["Content-Type"] = FHIR_JSON
    timeout: Any = httpx.USE_CLIENT_DEFAULT if timeout_s is None else httpx.Timeout(timeout_s)

    def attempt() -> httpx.Response | ErrorClass:
        try:
            auth = smart.auth_headers() if smart is not None else {}
        except PartnerTokenError as exc:
            return ErrorClass.TOKEN_UNAVAILABLE if exc.transient else ErrorClass.TOKEN_REFUSED
        try:
            return http.request(method, url, content=content, headers={**headers, **auth}, timeout=timeout)
        except httpx.TimeoutException as exc:
            unsent = isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout)
            return ErrorClass.CONNECTION if unsent else ErrorClass.TIMEOUT
        except (httpx.NetworkError, httpx.RemoteProtocolError, httpx.ProxyError):
            return ErrorClass.CONNECTION

    answer = attempt()
    if smart is not None and isinstance(answer, httpx.Response) and answer.status_code == 401:
        smart.forget()
        answer = attempt()
    elapsed_ms = (time.perf_counter() - started) * 1000.0
    if isinstance(answer, ErrorClass):
        return CallOutcome(None, answer, elapsed_ms, None, None, None, False)
    return _outcome(answer, elapsed_ms)


def _outcome(response: httpx.Response, latency_ms: float) -> CallOutcome:
    raw = response.content
    body, readable = _parsed(raw)
    error = classify_answer(response.status_code, first_issue(body)[1])
    if error is None and not readable:
        error = ErrorClass.BAD_RESPONSE
    return CallOutcome(
        status=response.status_code,
        error=error,
        latency_ms=latency_ms,
        retry_after_s=parse_retry_after(response.headers.get("Retry-After"), datetime.now(UTC)),
        body=body,
        response_sha256=body_sha256(raw),
        replayed=response.headers.get(REPLAYED_HEADER, "").strip().lower() == "true",
    )


def first_issue(body: Any) -> tuple[str | None, list[str]]:
    """The code of an OperationOutcome's first issue and its reason codes (``details.coding``);
    ``(None, [])`` when the body holds no issue."""
    issues = body.get("issue") if isinstance(body, dict) else None
    first = issues[0] if isinstance(issues, list) and issues and isinstance(issues[0], dict) else {}
    details = first.get("details")
    codings = details.get("coding") if isinstance(details, dict) else None
    codes = [c["code"] for c in codings or [] if isinstance(c, dict) and isinstance(c.get("code"), str)]
    code = first.get("code")
    return (code if isinstance(code, str) else None), codes


def _parsed(raw: bytes) -> tuple[Any, bool]:
    """The JSON answer and whether it could be read (an empty body reads as None)."""
    if not raw.strip():
        return None, True
    try:
        return json.loads(raw), True
    except ValueError:  # includes UnicodeDecodeError
        return None, False
