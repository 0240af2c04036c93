"""Where replications run, behind one ``concurrent.futures.Executor`` interface:
``serial`` (this process), ``process`` (a local process pool, the default) and ``dask``
(dask.distributed: a LocalCluster on this machine, or ``--scheduler tcp://HOST:PORT`` to
attach to a running cluster). Seeds do not depend on the backend, so results do not.

Workers never outlive the run: pool workers are killed by the kernel when their parent
dies (``PR_SET_PDEATHSIG`` on Linux, a watchdog thread elsewhere) and leave signals from
the terminal to it; dask's own worker processes exit when the process that started them
does. Waiting on a dask cluster is bounded: a scheduler that does not answer, or a
cluster left without workers, ends the run with one line, not a hang.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import multiprocessing.context
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sim.experiment.interrupts import terminal_signals_held

CONNECT_SECONDS = 10  # to reach a --scheduler
# Our own LocalCluster restarts a lost worker in seconds; with none for this long it is
# broken, and the run stops rather than wait for ever. (A cluster given with --scheduler
# may scale from zero workers: there only a lost scheduler stops the run.)
NO_WORKERS_SECONDS = 30
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


class Backend(StrEnum):
    SERIAL = "serial"
    PROCESS = "process"
    DASK = "dask"


class BackendError(Exception):
    """The workers cannot be reached or were lost (one line)."""


class SerialExecutor(Executor):
    """Runs each task at once in this process (debugging, profiling, tiny runs)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # delivered through the future, as a pool would
            future.set_exception(error)
        return future


@dataclass
class Workers:
    """An executor, and a check that its workers are still there (raises BackendError)."""

    executor: Executor
    check: Callable[[], None] = field(default=lambda: None)


def in_process(backend: Backend, workers: int) -> bool:
    """Whether tasks run in this process (a process pool of one would only add start-up)."""
    return backend is Backend.SERIAL or (backend is Backend.PROCESS and workers <= 1)


def _start_context() -> multiprocessing.context.BaseContext:
    """How pool workers start. Importing Mesa 3.3 forces "spawn" for the whole program
    (mesa/batchrunner.py), so every worker would import the package afresh (about 2 s of
    CPU each). On Linux "fork" - Python's own default there up to 3.13 - starts them at
    once, but is only safe from a process running no other thread; otherwise a fork
    server, which imports the package once and forks workers from its own clean process.
    Elsewhere (macOS: fork is unsafe with system frameworks) the platform's default."""
    methods = multiprocessing.get_all_start_methods()
    if not sys.platform.startswith("linux"):
        return multiprocessing.get_context()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["sim.experiment.runner", "sim.experiment.sweep"])
        return context
    return multiprocessing.get_context("spawn")


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _worker_start(parent: int | None) -> None:
    """In each pool worker: die with the parent - ``parent``, when forked from this
    process, else a fork server, which dies with this process and takes its children
    along - and leave Ctrl-C, SIGTERM and SIGHUP to the parent, which stops cleanly after
    the running chunks."""
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, signal.SIG_IGN)
    if parent is None:
        parent = os.getppid()
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)
    else:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _dask_check(client: Any, own_cluster: bool) -> Callable[[], None]:
    """A check that the cluster still has its scheduler and - when it is our own - at
    least one worker within NO_WORKERS_SECONDS."""
    since = [time.monotonic()]

    def check() -> None:
        if client.status != "running":
            raise BackendError(f"lost the dask scheduler (client {client.status})")
        if not own_cluster:
            return
        try:
            workers = len(client.nthreads())
        except (OSError, TimeoutError) as error:
            raise BackendError(f"lost the dask scheduler ({error})") from None
        if workers:
            since[0] = time.monotonic()
        elif time.monotonic() - since[0] > NO_WORKERS_SECONDS:
            raise BackendError(f"the dask cluster has had no worker for "
                               f"{NO_WORKERS_SECONDS} s")
    return check


@contextmanager
def _dask(workers: int, scheduler: str | None) -> Iterator[Workers]:
    try:
        import dask.distributed  # noqa: F401
    except ImportError:
        raise BackendError("the dask backend needs dask.distributed: "
                           "pip install 'dask[distributed]'") from None
    # Dask's own logs (worker restarts, cancelled tasks) would bury the one line that says
    # how the run ended.
    logging.getLogger("distributed").setLevel(logging.CRITICAL)
    client = None
    try:
        # Dask's event loop thread, the threads it starts worker processes from (now and
        # when it restarts one) and so its worker processes inherit the held signals: a
        # Ctrl-C at the terminal stops the run, not each worker with a traceback.
        with terminal_signals_held():
            client = _client(workers, scheduler)
        yield Workers(client.get_executor(), _dask_check(client, scheduler is None))
    finally:
        if client is not None:
            _close(client)


def _client(workers: int, scheduler: str | None) -> Any:
    from dask.distributed import Client
    try:
        # One thread per worker process: the model is pure Python (the GIL).
        return Client(scheduler, timeout=CONNECT_SECONDS) if scheduler else Client(
            n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
            # Its HTTP server (started even without a dashboard) on a free loopback port:
            # the default, 8787, may be taken, which dask reports with a warning.
            dashboard_address="127.0.0.1:0", silence_logs=logging.CRITICAL)
    except (OSError, TimeoutError, ValueError) as error:
        where = f"the dask scheduler at {scheduler}" if scheduler else "a dask LocalCluster"
        raise BackendError(f"cannot start or reach {where}: "
                           f"{str(error).splitlines()[0] if str(error) else error!r}"
                           ) from None


def _close(client: Any) -> None:
    try:
        client.close(timeout=CONNECT_SECONDS)
    except (TimeoutError, OSError):
        # A cluster that lost its workers may not close in time. Its worker processes
        # exit with this process anyway; marked closed, the client's finaliser does
        # not wait for it once more (a minute) as the program exits.
        client.status = "closed"


@contextmanager
def open_executor(backend: Backend, workers: int, scheduler: str | None = None
                  ) -> Iterator[Workers]:
    """The workers of the backend, shut down on exit."""
    if backend is Backend.SERIAL:
        yield Workers(SerialExecutor())
    elif backend is Backend.PROCESS:
        context = _start_context()
        parent = os.getpid() if context.get_start_method() == "fork" else None
        with ProcessPoolExecutor(max_workers=workers, initializer=_worker_start,
                                 initargs=(parent,), mp_context=context) as pool:
            yield Workers(pool)
    else:
        with _dask(workers, scheduler) as dask_workers:
            yield dask_workers
