"""``p2p worker``: run transfer steps until Ctrl-C (or until nothing is left, with --drain)."""

from __future__ import annotations

import os
import signal
import socket
import threading
from datetime import timedelta
from types import FrameType
from typing import Annotated

import typer

from exchange.transfers.worker import Worker
from p2p.bootstrap import ensure_neo4j, graph_store, transfer_runtime
from p2p.cli.common import console, friendly_errors, settings
from p2p.cli.common import log_level as checked_level
from p2p.logs import configure


@friendly_errors
def worker(
    concurrency: Annotated[
        int | None, typer.Option(min=1, max=64, help="Steps at once (default from settings).")
    ] = None,
    name: Annotated[str | None, typer.Option(help="Worker name in leases, attempts and audit events.")] = None,
    log_level: Annotated[str, typer.Option(help="Technical log level (JSON lines on stderr).")] = "INFO",
) -> None:
    """Claim due transfer steps with leases and run them; start as many as you like."""
    cfg = settings()
    configure(checked_level(log_level))
    ensure_neo4j(cfg)
    worker_id = name or f"worker-{socket.gethostname()}-{os.getpid()}"
    with graph_store(cfg) as store, transfer_runtime(cfg, store, worker_id) as rt:
        runner = Worker(rt, concurrency=concurrency or cfg.transfer_worker_concurrency,
                        lease=timedelta(seconds=cfg.transfer_lease_s), poll_s=cfg.transfer_poll_s)  # fmt: skip

        def stop(_signum: int, _frame: FrameType | None) -> None:
            runner.stop.set()

        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
        console.print(f"{worker_id}: claiming transfer steps (Ctrl-C to stop)", highlight=False)
        runner.run()
        console.print(f"{worker_id}: stopped; steps run: {runner.counts}")
