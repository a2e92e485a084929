"""SLA monitoring over HTTP: /metrics (Prometheus), /dashboard (the page, its script and its
data) and /operations/alerts. Operators only (``user/audit``); /metrics may be opened to
loopback clients by a setting. The page itself holds no data: its script asks for a token,
keeps it in sessionStorage and fetches /dashboard/data with it."""

from __future__ import annotations

from datetime import UTC, datetime
from ipaddress import ip_address
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from api.auth import Forbidden, authenticate, require
from api.deps import Store
from api.limits import page_size
from api.metrics import exposition, figures_of
from exchange.sla import dashboard
from exchange.sla.monitor import recent_snapshots
from security.principal import Principal, Scope

router = APIRouter(tags=["operations"])
Operator = Annotated[Principal, require(Scope.AUDIT)]
ASSETS = Path(__file__).resolve().parent.parent / "dashboard_assets"
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    "Cache-Control": "no-store",
}


def _loopback(request: Request) -> bool:
    try:
        return request.client is not None and ip_address(request.client.host).is_loopback
    except ValueError:
        return False


async def metrics_reader(request: Request) -> None:
    if request.app.state.settings.metrics_loopback_open and _loopback(request):
        return
    if not (await authenticate(request)).may(Scope.AUDIT):
        raise Forbidden(f"this token does not carry the scope {Scope.AUDIT}", scope=Scope.AUDIT)


@router.get("/metrics", summary="Prometheus metrics (text format)", dependencies=[Depends(metrics_reader)])
async def metrics(request: Request) -> Response:
    body = await run_in_threadpool(exposition, request.app)
    return Response(body, media_type=CONTENT_TYPE_LATEST)


@router.get("/dashboard", summary="The SLA dashboard page (asks for an operator token)", include_in_schema=False)
def page() -> FileResponse:
    return FileResponse(ASSETS / "dashboard.html", media_type="text/html", headers=PAGE_HEADERS)


@router.get("/dashboard/{asset}", include_in_schema=False)
def asset(asset: Literal["dashboard.js", "dashboard.css"]) -> FileResponse:
    kind = "text/javascript" if asset.endswith(".js") else "text/css"
    return FileResponse(ASSETS / asset, media_type=kind, headers=PAGE_HEADERS)


def _alerts(store: Store, status: str | None, limit: int) -> list[dict[str, Any]]:
    return [r["alert"] for r in store.read("metrics/list_alerts", {"status": status, "limit": limit})]


@router.get("/operations/sla", summary="The SLA dashboard's figures, charts (SVG), scorecards and open alerts")
def dashboard_data(request: Request, store: Store, _: Operator) -> dict[str, Any]:
    interval = request.app.state.settings.sla_snapshot_interval_s
    snapshots = recent_snapshots(store, datetime.now(UTC), interval)
    return dashboard.data(figures_of(request.app), snapshots, _alerts(store, "open", 100))


@router.get("/operations/alerts", summary="Pattern alerts (open and resolved), most recent first")
def alerts(
    store: Store, _: Operator, status: Annotated[Literal["open", "resolved"] | None, Query()] = None,
    limit: Annotated[int, page_size()] = 50,
) -> dict[str, Any]:  # fmt: skip
    return {"alerts": _alerts(store, status, limit)}
