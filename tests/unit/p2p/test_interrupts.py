"""SIGTERM during a bulk pull unwinds like Ctrl-C, so its lease is given back on the way out."""

from __future__ import annotations

import os
import signal

import pytest

from p2p.cli.interrupts import sigterm_as_interrupt


def test_sigterm_inside_the_block_raises_keyboard_interrupt_and_the_handler_is_restored() -> None:
    before = signal.getsignal(signal.SIGTERM)
    released = []
    with pytest.raises(KeyboardInterrupt), sigterm_as_interrupt():
        try:
            os.kill(os.getpid(), signal.SIGTERM)  # the handler runs as soon as the call returns
            pytest.fail("SIGTERM did not interrupt")
        finally:
            released.append("lease")  # what run_pull's finally does
    assert released == ["lease"] and signal.getsignal(signal.SIGTERM) == before
