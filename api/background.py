"""Periodic jobs of an API process (term-frequency refresh, audit checkpoints): each on its own
daemon thread, stopped with the app. A failed run is logged by kind, never with data, and the
next run tries again."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


def every(seconds: float, name: str, job: Callable[[], object]) -> Callable[[], None]:
    """Run ``job`` every ``seconds`` (first after one interval); returns a function that stops it."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(seconds):
            try:
                job()
            except Exception as exc:  # keep the process serving; the next run tries again
                log.warning("periodic job %s failed: %s", name, type(exc).__name__)

    thread = threading.Thread(target=loop, name=name, daemon=True)
    thread.start()

    def stop_job() -> None:
        stop.set()
        thread.join(timeout=5)

    return stop_job
