"""Run many replications of a scenario in parallel, streaming each chunk to disk.

Workers run chunks of replications and write their tables themselves, so the main process
holds only counters (flat memory however many replications). A killed run resumes with
only the missing replications; Ctrl-C stops after the running chunks and says how to
resume; a replication that raises is recorded (index, seed, error) for ``replay``.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

from sim.experiment.backends import Backend, open_executor
from sim.experiment.seeds import describe, replication_seed
from sim.experiment.statistics import kpi_summary
from sim.experiment.store import TABLES, RunFolder
from sim.runner import run_replication
from sim.schema import Scenario
from sim.writers import build_manifest, config_hash

Replicate = Callable[[Scenario, Any], dict[str, pd.DataFrame]]


@dataclass
class Failure:
    replication: int
    seed: str
    error: str


@dataclass
class Outcome:
    folder: Path
    replications: int
    done: int
    failures: list[Failure] = field(default_factory=list)
    interrupted: bool = False
    seconds: float = 0.0

    @property
    def complete(self) -> bool:
        return self.done == self.replications and not self.failures


# --------------------------------------------------------------------- workers
_VALIDATED: dict[str, Scenario] = {}


def _ignore_ctrl_c() -> None:
    """Worker processes leave Ctrl-C to the parent, which stops cleanly."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _scenario(data: dict[str, Any] | Scenario) -> Scenario:
    """The scenario of a task, validated once per worker process."""
    if isinstance(data, Scenario):
        return data
    key = json.dumps(data, sort_keys=True)
    if key not in _VALIDATED:
        _VALIDATED[key] = Scenario.model_validate(data)
    return _VALIDATED[key]


def run_chunk(folder: Path, root_seed: int, indices: list[int],
              scenario: dict[str, Any] | Scenario, replicate: Replicate = run_replication
              ) -> tuple[list[int], list[Failure]]:
    """Run replications ``indices`` and store them as one part; return what was done."""
    scenario = _scenario(scenario)
    collected: dict[str, list[pd.DataFrame]] = {name: [] for name in TABLES}
    done, failures = [], []
    for index in indices:
        try:
            tables = replicate(scenario, replication_seed(root_seed, index))
        except Exception as error:  # recorded for replay; the run goes on
            failures.append(Failure(index, describe(root_seed, index),
                                    f"{type(error).__name__}: {error}"))
            continue
        for name in TABLES:
            frame = tables[name]
            frame.insert(0, "replication", index)
            collected[name].append(frame)
        done.append(index)
    parts = {name: pd.concat(frames, ignore_index=True) if frames else
             pd.DataFrame({"replication": pd.Series(dtype="int64")})
             for name, frames in collected.items()}
    RunFolder(folder).write_part(indices[0], indices[-1], parts)
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


def chunk_size(replications: int, workers: int) -> int:
    """Big enough to amortise start-up and file overhead, small enough to balance load
    and to lose little to a kill."""
    return max(1, min(50, replications // (workers * 8) or 1))


def start_manifest(folder: RunFolder, scenario: Scenario, source: str, seed: int,
                   replications: int) -> None:
    folder.path.mkdir(parents=True, exist_ok=True)
    folder.write_manifest(build_manifest(
        scenario, source=source, complete=False, timings={},
        seeds={"root": seed, "replications": replications,
               "rule": "replication i: SeedSequence(entropy=root, spawn_key=(i,)), spawned "
                       "into one stream per stochastic process"}))


def run_experiment(scenario: Scenario, folder_path: Path, *, seed: int, replications: int,
                   workers: int, source: str = "", progress: bool = False,
                   resume: bool = False, replicate: Replicate = run_replication,
                   backend: Backend = Backend.PROCESS, scheduler: str | None = None
                   ) -> Outcome:
    """Run (or resume) ``replications`` of ``scenario`` into ``folder_path``."""
    folder = RunFolder(folder_path)
    if not resume:
        start_manifest(folder, scenario, source, seed, replications)
    done = folder.done_replications()
    todo = [index for index in range(replications) if index not in done]
    outcome = Outcome(folder_path, replications, len(done))
    started = time.perf_counter()
    bar = tqdm(total=replications, initial=len(done), unit="rep", file=sys.stderr,
               disable=not progress, dynamic_ncols=True, desc=scenario.metadata.name)
    if backend is Backend.PROCESS and workers <= 1:
        backend = Backend.SERIAL  # one worker: no pool to start
    work = list(chunks(todo, chunk_size(len(todo), workers)))
    # Other processes get the scenario as plain data and validate it once each.
    payload = scenario if backend is Backend.SERIAL else scenario.model_dump(mode="json")
    try:
        with open_executor(backend, workers, scheduler, _ignore_ctrl_c) as executor:
            _run_window(outcome, bar, executor, work, folder_path, seed, payload, workers,
                        replicate)
    except KeyboardInterrupt:
        outcome.interrupted = True
    finally:
        bar.close()
    outcome.seconds = time.perf_counter() - started
    _finish(folder, scenario, outcome)
    return outcome


def _run_window(outcome: Outcome, bar: tqdm, executor: Executor, work: list[list[int]],
                folder: Path, seed: int, scenario: Any, workers: int, replicate: Replicate
                ) -> None:
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
                pending.add(executor.submit(run_chunk, folder, seed, indices, scenario,
                                            replicate))
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


def _finish(folder: RunFolder, scenario: Scenario, outcome: Outcome) -> None:
    """Gather what is done; mark the run complete only when every replication is."""
    manifest = folder.read_manifest()
    manifest["failures"] = [vars(failure) for failure in outcome.failures]
    manifest["timings_seconds"] = {
        **manifest.get("timings_seconds", {}),
        "last_session": round(outcome.seconds, 3),
    }
    manifest["replications_done"] = len(folder.done_replications())
    if outcome.done and not outcome.interrupted:
        folder.gather()
        kpis = pd.read_parquet(folder.path / "kpis.parquet")
        summary = kpi_summary(kpis)
        summary.to_csv(folder.path / ".summary.csv.tmp", index=False)
        os.replace(folder.path / ".summary.csv.tmp", folder.path / "summary.csv")
    manifest["complete"] = outcome.complete and not outcome.interrupted
    if manifest["complete"]:
        folder.remove_parts()
    manifest["config_hash"] = config_hash(scenario)
    folder.write_manifest(manifest)

