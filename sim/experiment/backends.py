"""Where replications run, behind one ``concurrent.futures.Executor`` interface:
``serial`` (this process), ``process`` (a local process pool, the default) and ``dask``
(dask.distributed: a LocalCluster on this machine, or ``--scheduler tcp://HOST:PORT`` to
attach to a running cluster). Seeds do not depend on the backend, so results do not."""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from enum import StrEnum
from typing import Any


class Backend(StrEnum):
    SERIAL = "serial"
    PROCESS = "process"
    DASK = "dask"


class SerialExecutor(Executor):
    """Runs each task at once in this process (debugging, profiling, tiny runs)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # delivered through the future, as a pool would
            future.set_exception(error)
        return future


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


@contextmanager
def open_executor(backend: Backend, workers: int, scheduler: str | None = None,
                  initializer: Callable[[], None] | None = None) -> Iterator[Executor]:
    """An executor for the backend, shut down on exit."""
    if backend is Backend.SERIAL:
        yield SerialExecutor()
    elif backend is Backend.PROCESS:
        with ProcessPoolExecutor(max_workers=workers, initializer=initializer,
                                 mp_context=_start_context()) as pool:
            yield pool
    else:
        try:
            from dask.distributed import Client
        except ImportError:
            raise RuntimeError("the dask backend needs dask.distributed: "
                               "pip install 'dask[distributed]'") from None
        # One thread per worker process: the model is pure Python (the GIL).
        client = Client(scheduler) if scheduler else Client(
            n_workers=workers, threads_per_worker=1, processes=True,
            dashboard_address=None, host="127.0.0.1")
        try:
            yield client.get_executor()
        finally:
            client.close()
