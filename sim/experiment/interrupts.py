"""Stopping a run from outside: Ctrl-C (SIGINT), SIGTERM and SIGHUP all stop it the same
way - after the running chunks, with everything stored kept and the resume command
printed - by raising :class:`Interrupted` in the main thread."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(KeyboardInterrupt):
    """A stop signal arrived; ``signal`` is its number (exit status 128 + it)."""

    def __init__(self, number: int = signal.SIGINT) -> None:
        super().__init__(signal.Signals(number).name)
        self.signal = number


def signal_number(interrupt: KeyboardInterrupt) -> int:
    """The signal behind an interrupt (a bare KeyboardInterrupt is Ctrl-C)."""
    return getattr(interrupt, "signal", signal.SIGINT)


def _raise(number: int, frame: FrameType | None) -> None:
    raise Interrupted(number)


@contextmanager
def stop_signals_interrupt() -> Iterator[None]:
    """While inside, each stop signal raises Interrupted (signal handlers can only be set
    from the main thread; elsewhere nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.signal(number, _raise) for number in STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
