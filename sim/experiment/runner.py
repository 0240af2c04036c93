"""Run many replications of a scenario in parallel, streaming each chunk to disk.

Workers run chunks of replications and write their tables themselves, so the main process
holds only counters (flat memory however many replications). A killed run resumes with
only the missing replications; Ctrl-C, SIGTERM or SIGHUP stop after the running chunks
and say how to resume; a replication that raises is recorded (index, seed, error) for
``replay``; workers lost or storage failing stop the run with what is stored kept.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, CancelledError, Future, wait
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd
from pydantic import ValidationError
from tqdm import tqdm

from sim.experiment.backends import Backend, BackendError, Workers, in_process, open_executor
from sim.experiment.folder_checks import RunFolderError, stamped
from sim.experiment.interrupts import signal_number, start_resource_tracker
from sim.experiment.seeds import describe, replication_seed
from sim.experiment.statistics import kpi_summary
from sim.experiment.store import TABLES, RunFolder
from sim.results.columns import write_columns
from sim.results.tables import run_replication
from sim.schema import Scenario
from sim.storage_errors import describe_os_error
from sim.writers import build_manifest, code_hash, config_hash, write_csv
from sim.writers.atomic import AtomicParquetWriter

Replicate = Callable[[Scenario, Any], dict[str, pd.DataFrame]]
# Jobs per row group of a streamed table's part: their tables are what a worker holds
# of it. Fewer cost more: Arrow's conversion of a DataFrame costs about 20 us a column.
ROW_GROUP = 10
# How often the main process looks at the health of a dask cluster while it waits.
CHECK_SECONDS = 5.0


@dataclass
class Failure:
    index: int  # the replication (in a run) or the run (in a sweep)
    seed: str
    error: str


@dataclass
class Outcome:
    folder: Path
    jobs: int
    done: int
    failures: list[Failure] = field(default_factory=list)
    signal: int | None = None  # the stop signal that interrupted the run
    stopped: str = ""  # why the run stopped early otherwise (workers lost, disk full)
    seconds: float = 0.0
    already_complete: bool = False  # a resume found nothing left to do

    @property
    def interrupted(self) -> bool:
        return self.signal is not None or bool(self.stopped)

    @property
    def complete(self) -> bool:
        return self.done == self.jobs and not self.failures and not self.interrupted


class ProgressBar(tqdm):
    # No monitor thread: pool workers fork from this process, which must then run no
    # other thread (sim.experiment.backends).
    monitor_interval = 0


class Job(Protocol):
    """The work behind a run folder: numbered jobs, each giving result tables. It travels
    to worker processes, so it must pickle; ``part`` gives what a chunk needs."""

    key: str  # the column numbering the jobs
    tables: tuple[str, ...]

    streamed: tuple[str, ...]  # tables with the same columns and types in every job

    def part(self, indices: list[int]) -> Job: ...

    def run(self, index: int) -> dict[str, pd.DataFrame]: ...

    def seed_of(self, index: int) -> str: ...


# --------------------------------------------------------------------- workers
_VALIDATED: dict[str, Scenario] = {}


def validated(data: dict[str, Any] | Scenario) -> Scenario:
    """A scenario sent as plain data, validated once per worker process."""
    if isinstance(data, Scenario):
        return data
    key = json.dumps(data, sort_keys=True)
    if key not in _VALIDATED:
        _VALIDATED[key] = Scenario.model_validate(data)
    return _VALIDATED[key]


@dataclass
class Replications:
    """Replication i of one scenario runs on ``replication_seed(root_seed, i)``."""

    scenario: dict[str, Any] | Scenario
    root_seed: int
    replicate: Replicate = run_replication
    key: str = "replication"
    tables: tuple[str, ...] = TABLES
    # Built from the model's arrays: the same columns and types in every replication
    # (the programme and milestone tables have object columns when empty).
    streamed: tuple[str, ...] = ("nations",)

    def part(self, indices: list[int]) -> Replications:
        return self

    def run(self, index: int) -> dict[str, pd.DataFrame]:
        self.scenario = validated(self.scenario)
        return self.replicate(self.scenario, replication_seed(self.root_seed, index))

    def seed_of(self, index: int) -> str:
        return describe(self.root_seed, index)


def run_chunk(folder: Path, job: Job, indices: list[int], mark: str
              ) -> tuple[list[int], list[Failure]]:
    """Run jobs ``indices`` and store them as one part stamped with the folder's
    fingerprint ``mark``; return what was done. The large tables ``job.streamed`` are
    written every ``ROW_GROUP`` jobs done and once more at the end (a row group each,
    however small the chunk: one way of writing them), so that a worker holds that many
    jobs' rows of them rather than the chunk's; the rest at the end."""
    store = RunFolder(folder, job.key, job.tables)
    collected: dict[str, list[pd.DataFrame]] = {name: [] for name in job.tables}
    written: dict[str, AtomicParquetWriter] = {}
    done, failures = [], []
    try:
        for index in indices:
            try:
                tables = job.run(index)
            except Exception as error:  # recorded for replay; the run goes on
                failures.append(Failure(index, job.seed_of(index),
                                        f"{type(error).__name__}: {error}"))
                continue
            for name in job.tables:
                collected[name].append(tables[name])
            done.append(index)
            if len(done) % ROW_GROUP == 0:
                _write_row_groups(store, job.streamed, collected, done, written, indices,
                                  mark)
        _write_row_groups(store, job.streamed, collected, done, written, indices, mark)
        parts = {name: _numbered(frames, done, job.key)
                 for name, frames in collected.items() if name not in written}
        store.write_part(indices[0], indices[-1], parts, mark, written)
    except BaseException:
        for writer in written.values():
            writer.discard()
        raise
    return done, failures


def _write_row_groups(store: RunFolder, names: tuple[str, ...],
                      collected: dict[str, list[pd.DataFrame]], done: list[int],
                      written: dict[str, AtomicParquetWriter], indices: list[int],
                      mark: str) -> None:
    """Append the tables ``names`` of the last jobs ``done`` (those ``collected``) to
    the chunk's parts as a row group each, and let go of them. The first row group
    gives a part its schema and pandas metadata: those of the whole chunk, since a
    streamed table has the same columns and types in every job (a mismatch is refused
    by the writer)."""
    for name in names:
        frames = collected[name]
        if not frames:
            continue
        table = stamped(_numbered(frames, done[-len(frames):], store.key), mark)
        frames.clear()
        if name not in written:
            written[name] = store.part_writer(name, indices[0], indices[-1], table.schema)
        written[name].write(table)


def _numbered(frames: list[pd.DataFrame], jobs: list[int], key: str) -> pd.DataFrame:
    """The jobs' tables as one, led by a ``key`` column giving each row's job: inserted
    once into the whole, as inserting it into each job's table cost more than the rest
    of the chunk's bookkeeping."""
    if not frames:
        return pd.DataFrame({key: pd.Series(dtype="int64")})
    table = pd.concat(frames, ignore_index=True)
    table.insert(0, key, np.repeat(np.array(jobs, dtype="int64"),
                                   [len(frame) for frame in frames]))
    return table


# ---------------------------------------------------------------------- driver
def chunks(indices: Iterable[int], size: int) -> Iterator[list[int]]:
    """Runs of consecutive indices, at most ``size`` long."""
    current: list[int] = []
    for index in indices:
        if current and (index != current[-1] + 1 or len(current) == size):
            yield current
            current = []
        current.append(index)
    if current:
        yield current


def chunk_size(jobs: int, workers: int) -> int:
    """Big enough to amortise start-up and file overhead, small enough to balance load
    and to lose little to a kill."""
    return max(1, min(50, jobs // (workers * 8) or 1))


class _StoppedError(Exception):
    """The workers or the storage failed; what is stored stays."""


def _lost(error: BaseException) -> str | None:
    """Why a chunk's future failed, when the cause is outside the job (None: a bug)."""
    if isinstance(error, BrokenExecutor):
        return "a worker process died (killed, or out of memory?)"
    if isinstance(error, CancelledError):  # not by us: a dask client losing its scheduler
        return "the cluster cancelled the work (its scheduler was lost?)"
    if type(error).__module__.split(".")[0] == "distributed":  # KilledWorker and kin
        return f"dask workers were lost ({type(error).__name__}: " \
            f"{str(error).split('. ')[0]})"
    if isinstance(error, OSError):
        return describe_os_error(error)
    return None


def execute(job: Job, folder: RunFolder, jobs: int, *, workers: int, label: str,
            progress: bool = False, backend: Backend = Backend.PROCESS,
            scheduler: str | None = None, claim: Callable[[], None] | None = None
            ) -> Outcome:
    """Run the jobs of ``job`` not yet stored in ``folder``: a folder already reopened
    for a resume, or a new one, which ``claim`` claims once the workers are ready (so a
    backend that cannot start leaves nothing behind)."""
    done = set() if claim is not None else folder.done_jobs()
    missing = jobs - len(done)
    size = chunk_size(missing, workers)
    # Chunks are cut as they are submitted: a list of them grows with the run.
    work = chunks((index for index in range(jobs) if index not in done), size)
    workers = max(1, min(workers, -(-missing // size)))  # never more workers than chunks
    if in_process(backend, workers):
        backend = Backend.SERIAL  # one worker: no pool to start
    outcome = Outcome(folder.path, jobs, len(done))
    started = time.perf_counter()
    start_resource_tracker()  # before the progress bar's lock and the pool start it
    bar = ProgressBar(total=jobs, initial=len(done), unit=folder.key[:3], file=sys.stderr,
                      disable=not progress, dynamic_ncols=True, desc=label)
    try:
        with open_executor(backend, workers, scheduler) as pool:
            if claim is not None:
                claim()
            _run_window(outcome, bar, pool, work, folder, job, workers)
    except KeyboardInterrupt as interrupt:
        if not folder.mark:
            raise  # nothing claimed, nothing to finish
        outcome.signal = signal_number(interrupt)
    except (BackendError, _StoppedError) as error:
        if not folder.mark:
            raise
        outcome.stopped = str(error)
    finally:
        bar.close()
    outcome.seconds = time.perf_counter() - started
    return outcome


def _run_window(outcome: Outcome, bar: tqdm, pool: Workers, work: Iterator[list[int]],
                folder: RunFolder, job: Job, workers: int) -> None:
    """Keep a bounded window of chunks in flight (memory stays flat); account for each
    as it finishes; on a stop signal or a failure cancel what has not started."""
    queue = iter(work)
    pending: set[Future] = set()
    try:
        while True:
            while len(pending) < 2 * workers:
                indices = next(queue, None)
                if indices is None:
                    break
                pending.add(pool.executor.submit(run_chunk, folder.path, job.part(indices),
                                                 indices, folder.mark))
            if not pending:
                return
            finished, pending = wait(pending, timeout=CHECK_SECONDS,
                                     return_when=FIRST_COMPLETED)
            if not finished:
                pool.check()
            for future in finished:
                try:
                    finished_indices, failed = future.result()
                except Exception as error:
                    reason = _lost(error)
                    if reason is None:
                        raise
                    raise _StoppedError(reason) from error
                outcome.done += len(finished_indices)
                outcome.failures.extend(failed)
                bar.update(len(finished_indices) + len(failed))
    except BaseException:
        for future in pending:
            future.cancel()
        raise


def finish(folder: RunFolder, outcome: Outcome,
           summarise: Callable[[RunFolder], None]) -> None:
    """Record the session; when every job is stored, gather the tables and summarise
    them; mark the folder complete only when every job is done, and only then - once
    that is on disk - delete the parts."""
    manifest = folder.read_manifest()
    manifest["failures"] = [vars(failure) for failure in outcome.failures]
    manifest["timings_seconds"] = {
        **manifest.get("timings_seconds", {}),
        "last_session": round(outcome.seconds, 3),
    }
    # Counted on disk: after a stop signal the chunks already running still finish and
    # are stored, though the run no longer collects their results.
    outcome.done = len(folder.done_jobs())
    manifest[f"{folder.key}s_done"] = outcome.done
    if outcome.done and not outcome.interrupted:
        folder.gather()
        summarise(folder)
    manifest["complete"] = outcome.complete
    folder.write_manifest(manifest)
    if outcome.complete:
        folder.clean_up()


def reopen(folder: RunFolder, expected: dict[str, Any]) -> dict[str, Any] | None:
    """Lock a folder to resume it, after checking that its manifest is consistent with
    itself and records what is about to run (``expected``: values by manifest key, with
    ``seeds.`` for the seeds) and, unless complete, the code about to run; the manifest,
    or None when the folder is complete already (then only the leftovers of an
    interrupted clean-up are removed)."""
    manifest = folder.reopen()
    try:
        try:
            consistent = config_hash(Scenario.model_validate(manifest["scenario"])) == \
                manifest["config_hash"]
        except ValidationError:
            consistent = False
        if not consistent:
            raise RunFolderError(f"{folder.manifest_path}: its scenario does not match "
                                 "its config_hash (edited, or written by another version "
                                 "of alliance-sim); refusing to resume")
        for key, value in expected.items():
            recorded = manifest["seeds"].get(key.removeprefix("seeds.")) \
                if key.startswith("seeds.") else manifest.get(key)
            if recorded != value:
                raise RunFolderError(f"{folder.manifest_path}: {key} differs from what "
                                     "this resume would run (the scenario, experiment or "
                                     "seed changed since the run started); refusing to "
                                     "mix them")
        if manifest["complete"]:
            folder.check_tables()
            folder.clean_up()
            folder.lock.release(remove=True)
            return None
        if "code_hash" not in manifest:  # as its parts carry no fingerprint then
            raise RunFolderError(f"{folder.manifest_path}: written by an older version of "
                                 "alliance-sim (no code_hash), so the replications stored "
                                 "could differ from those a resume would add; run it "
                                 "again into a new folder")
        if manifest["code_hash"] != code_hash():
            raise RunFolderError(f"{folder.manifest_path}: started by other code (its "
                                 "code_hash differs: alliance-sim, numpy or Mesa changed "
                                 "since the run started), so the replications stored "
                                 "could differ from those a resume would add; run it "
                                 "again into a new folder")
    except BaseException:
        folder.lock.release()
        raise
    return manifest


def run_experiment(scenario: Scenario, folder_path: Path, *, seed: int, replications: int,
                   workers: int, source: str = "", progress: bool = False,
                   resume: bool = False, replicate: Replicate = run_replication,
                   backend: Backend = Backend.PROCESS, scheduler: str | None = None
                   ) -> Outcome:
    """Run (or resume) ``replications`` of ``scenario`` into ``folder_path``."""
    folder = RunFolder(folder_path)
    claim = None
    if resume:
        if reopen(folder, {"config_hash": config_hash(scenario), "seeds.root": seed,
                           "seeds.replications": replications}) is None:
            return Outcome(folder.path, replications, replications, already_complete=True)
    else:
        manifest = build_manifest(
            scenario, source=source, complete=False, timings={},
            seeds={"root": seed, "replications": replications,
                   "rule": "replication i: SeedSequence(entropy=root, spawn_key=(i,)), "
                           "spawned into one stream per stochastic process"})
        claim = partial(folder.claim, manifest)
    # Other processes get the scenario as plain data and validate it once each.
    payload = scenario if in_process(backend, workers) else scenario.model_dump(mode="json")
    try:
        outcome = execute(Replications(payload, seed, replicate), folder, replications,
                          workers=workers, label=scenario.metadata.name, progress=progress,
                          backend=backend, scheduler=scheduler, claim=claim)
        finish(folder, outcome, write_kpi_summary)
    finally:
        release(folder)
    return outcome


def release(folder: RunFolder) -> None:
    """Unlock a folder this process worked on; a complete one keeps no lock file."""
    try:
        complete = folder.mark != "" and bool(folder.read_manifest()["complete"])
    except (RunFolderError, OSError):
        complete = False
    folder.lock.release(remove=complete)


def write_kpi_summary(folder: RunFolder) -> None:
    """summary.csv: each KPI's distribution over replications."""
    summary = kpi_summary(pd.read_parquet(folder.path / "kpis.parquet"))
    write_csv(folder.path / "summary.csv", summary)
    write_columns(folder.path)
