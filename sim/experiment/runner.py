"""Run many replications of a scenario in parallel, streaming each chunk to disk.

Workers run chunks of replications and write their tables themselves, so the main process
holds only counters (flat memory however many replications). A killed run resumes with
only the missing replications; Ctrl-C stops after the running chunks and says how to
resume; a replication that raises is recorded (index, seed, error) for ``replay``.
"""

from __future__ import annotations

import json
import signal
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pandas as pd
from tqdm import tqdm

from sim.experiment.backends import Backend, in_process, open_executor
from sim.experiment.seeds import describe, replication_seed
from sim.experiment.statistics import kpi_summary
from sim.experiment.store import TABLES, RunFolder
from sim.results.columns import write_columns
from sim.results.tables import run_replication
from sim.schema import Scenario
from sim.writers import build_manifest
from sim.writers.atomic import atomic_write_text

Replicate = Callable[[Scenario, Any], dict[str, pd.DataFrame]]


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
    interrupted: bool = False
    seconds: float = 0.0

    @property
    def complete(self) -> bool:
        return self.done == self.jobs and not self.failures


class ProgressBar(tqdm):
    # No monitor thread: pool workers fork from this process, which must then run no
    # other thread (sim.experiment.backends).
    monitor_interval = 0


class Job(Protocol):
    """The work behind a run folder: numbered jobs, each giving result tables. It travels
    to worker processes, so it must pickle; ``part`` gives what a chunk needs."""

    key: str  # the column numbering the jobs
    tables: tuple[str, ...]

    def part(self, indices: list[int]) -> Job: ...

    def run(self, index: int) -> dict[str, pd.DataFrame]: ...

    def seed_of(self, index: int) -> str: ...


# --------------------------------------------------------------------- workers
_VALIDATED: dict[str, Scenario] = {}


def _ignore_ctrl_c() -> None:
    """Worker processes leave Ctrl-C to the parent, which stops cleanly."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


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

    def part(self, indices: list[int]) -> Replications:
        return self

    def run(self, index: int) -> dict[str, pd.DataFrame]:
        self.scenario = validated(self.scenario)
        return self.replicate(self.scenario, replication_seed(self.root_seed, index))

    def seed_of(self, index: int) -> str:
        return describe(self.root_seed, index)


def run_chunk(folder: Path, job: Job, indices: list[int]) -> tuple[list[int], list[Failure]]:
    """Run jobs ``indices`` and store them as one part; return what was done."""
    collected: dict[str, list[pd.DataFrame]] = {name: [] for name in job.tables}
    done, failures = [], []
    for index in indices:
        try:
            tables = job.run(index)
        except Exception as error:  # recorded for replay; the run goes on
            failures.append(Failure(index, job.seed_of(index),
                                    f"{type(error).__name__}: {error}"))
            continue
        for name in job.tables:
            frame = tables[name]
            frame.insert(0, job.key, index)
            collected[name].append(frame)
        done.append(index)
    parts = {name: pd.concat(frames, ignore_index=True) if frames else
             pd.DataFrame({job.key: pd.Series(dtype="int64")})
             for name, frames in collected.items()}
    RunFolder(folder, job.key, job.tables).write_part(indices[0], indices[-1], parts)
    return done, failures


# ---------------------------------------------------------------------- driver
def chunks(indices: list[int], size: int) -> Iterator[list[int]]:
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


def start_manifest(folder: RunFolder, scenario: Scenario, source: str, seed: int,
                   replications: int) -> None:
    folder.path.mkdir(parents=True, exist_ok=True)
    folder.write_manifest(build_manifest(
        scenario, source=source, complete=False, timings={},
        seeds={"root": seed, "replications": replications,
               "rule": "replication i: SeedSequence(entropy=root, spawn_key=(i,)), spawned "
                       "into one stream per stochastic process"}))


def execute(job: Job, folder: RunFolder, jobs: int, *, workers: int, label: str,
            progress: bool = False, backend: Backend = Backend.PROCESS,
            scheduler: str | None = None) -> Outcome:
    """Run the jobs of ``job`` not yet stored in ``folder`` (all of them in a new one)."""
    done = folder.done_jobs()
    todo = [index for index in range(jobs) if index not in done]
    outcome = Outcome(folder.path, jobs, len(done))
    started = time.perf_counter()
    bar = ProgressBar(total=jobs, initial=len(done), unit=folder.key[:3], file=sys.stderr,
               disable=not progress, dynamic_ncols=True, desc=label)
    if in_process(backend, workers):
        backend = Backend.SERIAL  # one worker: no pool to start
    work = list(chunks(todo, chunk_size(len(todo), workers)))
    try:
        with open_executor(backend, workers, scheduler, _ignore_ctrl_c) as executor:
            _run_window(outcome, bar, executor, work, folder.path, job, workers)
    except KeyboardInterrupt:
        outcome.interrupted = True
    finally:
        bar.close()
    outcome.seconds = time.perf_counter() - started
    return outcome


def run_experiment(scenario: Scenario, folder_path: Path, *, seed: int, replications: int,
                   workers: int, source: str = "", progress: bool = False,
                   resume: bool = False, replicate: Replicate = run_replication,
                   backend: Backend = Backend.PROCESS, scheduler: str | None = None
                   ) -> Outcome:
    """Run (or resume) ``replications`` of ``scenario`` into ``folder_path``."""
    folder = RunFolder(folder_path)
    if not resume:
        start_manifest(folder, scenario, source, seed, replications)
    # Other processes get the scenario as plain data and validate it once each.
    payload = scenario if in_process(backend, workers) else scenario.model_dump(mode="json")
    outcome = execute(Replications(payload, seed, replicate), folder, replications,
                      workers=workers, label=scenario.metadata.name, progress=progress,
                      backend=backend, scheduler=scheduler)
    finish(folder, outcome, write_kpi_summary)
    return outcome


def _run_window(outcome: Outcome, bar: tqdm, executor: Executor, work: list[list[int]],
                folder: Path, job: Job, workers: int) -> None:
    """Keep a bounded window of chunks in flight (memory stays flat); account for each
    as it finishes; on Ctrl-C cancel what has not started."""
    queue = iter(work)
    pending: set[Future] = set()
    try:
        while True:
            while len(pending) < 2 * workers:
                indices = next(queue, None)
                if indices is None:
                    break
                pending.add(executor.submit(run_chunk, folder, job.part(indices), indices))
            if not pending:
                return
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                finished_indices, failed = future.result()
                outcome.done += len(finished_indices)
                outcome.failures.extend(failed)
                bar.update(len(finished_indices) + len(failed))
    except KeyboardInterrupt:
        for future in pending:
            future.cancel()
        raise


def finish(folder: RunFolder, outcome: Outcome,
           summarise: Callable[[RunFolder], None]) -> None:
    """Gather what is done and summarise it; mark the folder complete only when every job
    is done."""
    manifest = folder.read_manifest()
    manifest["failures"] = [vars(failure) for failure in outcome.failures]
    manifest["timings_seconds"] = {
        **manifest.get("timings_seconds", {}),
        "last_session": round(outcome.seconds, 3),
    }
    manifest[f"{folder.key}s_done"] = len(folder.done_jobs())
    if outcome.done and not outcome.interrupted:
        folder.gather()
        summarise(folder)
    manifest["complete"] = outcome.complete and not outcome.interrupted
    if manifest["complete"]:
        folder.remove_parts()
    folder.write_manifest(manifest)


def write_kpi_summary(folder: RunFolder) -> None:
    """summary.csv: each KPI's distribution over replications."""
    summary = kpi_summary(pd.read_parquet(folder.path / "kpis.parquet"))
    atomic_write_text(folder.path / "summary.csv", summary.to_csv(index=False))
    write_columns(folder.path)
