"""Stopping a run from outside: Ctrl-C (SIGINT), SIGTERM and SIGHUP all stop it the same
way - after the running chunks, with everything stored kept and the resume command
printed - by raising :class:`Interrupted` in the main thread.

A terminal sends Ctrl-C and its hangup to its whole foreground process group: to the
run's helper processes too. Those this program starts leave the signals to it (pool
workers ignore them; dask's workers and multiprocessing's resource tracker are started
with them held), so that they do not die of them, each with a traceback."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
# What a terminal sends its whole foreground process group: Ctrl-C and a hangup.
TERMINAL_SIGNALS = (signal.SIGINT, signal.SIGHUP)


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


@contextmanager
def terminal_signals_held() -> Iterator[None]:
    """Hold Ctrl-C and hangups from the threads and processes started inside: they
    inherit this thread's signal mask, and keep it (a process across exec too), so the
    signals reach this process's main thread only. One that arrives inside is raised on
    leaving. (Where signal masks are not available, nothing changes.)"""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, TERMINAL_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker, the helper process that the progress
    bar's lock and a process pool would start on first use, with terminal signals held:
    it ignores Ctrl-C itself but not a hangup, which killed it, and the run's exit then
    printed the traceback of the tracker started again in its place."""
    if not hasattr(signal, "SIGHUP"):  # no hangups, and no resource tracker (Windows)
        return
    from multiprocessing import resource_tracker
    with terminal_signals_held():
        resource_tracker.ensure_running()
