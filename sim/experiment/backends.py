"""Where replications run, behind one ``concurrent.futures.Executor`` interface:
``serial`` (this process), ``process`` (a local process pool, the default) and ``dask``
(dask.distributed: a LocalCluster on this machine, or ``--scheduler tcp://HOST:PORT`` to
attach to a running cluster). Seeds do not depend on the backend, so results do not."""

from __future__ import annotations

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


@contextmanager
def open_executor(backend: Backend, workers: int, scheduler: str | None = None,
                  initializer: Callable[[], None] | None = None) -> Iterator[Executor]:
    """An executor for the backend, shut down on exit."""
    if backend is Backend.SERIAL:
        yield SerialExecutor()
    elif backend is Backend.PROCESS:
        with ProcessPoolExecutor(max_workers=workers, initializer=initializer) as pool:
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
