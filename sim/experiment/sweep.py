"""Run an experiment: every design point times every replication, streamed to a sweep
folder exactly as ``run`` streams replications (parts, resume, failures, flat memory).

Run r is design point ``r // replications``, replication ``r % replications``; replication
k of every point runs on ``replication_seed(root, k)``, so points are compared on common
random numbers and a point's differences come from its inputs, not from its luck.

Layout (docs/EXPLORATION.md): ``manifest.json`` (kind "sweep", the experiment and the
scenario), ``design.parquet`` (one row per point: its values and its place on the unit
hypercube), ``kpis.parquet`` (one row per run: run, point, replication, the inputs, the
KPIs), ``timeseries.parquet`` (model figures per run and step), ``points.csv`` (KPI means
per point).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.experiment.backends import Backend
from sim.experiment.design import UNIT_PREFIX, Design, build_design, unit_column
from sim.experiment.evaluators import Evaluator, describe_input, describe_kpi
from sim.experiment.folder_checks import (
    check_fingerprint,
    read_design,
    read_parquet,
    stamped,
)
from sim.experiment.runner import Outcome, execute, finish, release, reopen
from sim.experiment.seeds import describe, replication_seed
from sim.experiment.spec import Experiment
from sim.experiment.store import RunFolder
from sim.outputs import COUNT, SWEEP_COLUMNS, Output, Unit
from sim.results.columns import Describe, run_column, write_columns
from sim.schema import Scenario
from sim.writers import build_manifest, write_arrow, write_csv

SEED_RULE = ("run r = point r // replications, replication k = r % replications; "
             "replication k of every point: SeedSequence(entropy=root, spawn_key=(k,))")


@dataclass
class SweepRuns:
    """The runs of a sweep (a ``Job`` for the runner); ``points`` holds only the design
    points the runs it was cut for need, so a chunk carries little."""

    evaluator: Evaluator
    points: dict[int, dict[str, Any]]
    replications: int
    root_seed: int
    key: str = "run"
    streamed: tuple[str, ...] = ()  # evaluators' tables are gathered per chunk

    @property
    def tables(self) -> tuple[str, ...]:
        return self.evaluator.tables

    def part(self, indices: list[int]) -> SweepRuns:
        needed = {index // self.replications for index in indices}
        return SweepRuns(self.evaluator, {p: self.points[p] for p in needed},
                         self.replications, self.root_seed)

    def run(self, index: int) -> dict[str, pd.DataFrame]:
        point, replication = divmod(index, self.replications)
        values = self.points[point]
        tables = self.evaluator(values, replication_seed(self.root_seed, replication))
        for name, frame in tables.items():
            frame.insert(0, "point", point)
            frame.insert(1, "replication", replication)
            if name == "kpis":
                for position, (path, value) in enumerate(values.items(), start=2):
                    frame.insert(position, path, [value] * len(frame))
        return tables

    def seed_of(self, index: int) -> str:
        return describe(self.root_seed, index % self.replications)


def design_of(experiment: Experiment) -> Design:
    return build_design(experiment.factors, experiment.method.value, experiment.samples,
                        experiment.levels, experiment.second_order, experiment.seed)


def write_design(folder: RunFolder, design: pd.DataFrame) -> None:
    """design.parquet, stamped with the folder's fingerprint as its other tables are."""
    write_arrow(folder.path / "design.parquet", stamped(design, folder.mark))


def _points(design: pd.DataFrame, experiment: Experiment) -> dict[int, dict[str, Any]]:
    """Each point's values by path, as Python scalars of each column's own type (rows of
    a mixed frame would turn integers into floats)."""
    paths = [factor.path for factor in experiment.factors]
    records = design[paths].to_dict("records")
    return {int(point): {path: _plain(record[path]) for path in paths}
            for point, record in zip(design["point"], records, strict=True)}


def _plain(value: Any) -> Any:
    """numpy scalars as Python values (the schema and the manifest want plain ones)."""
    return value.item() if isinstance(value, np.generic) else value


def design_table(experiment: Experiment) -> pd.DataFrame:
    """One row per design point: its number, its values and its place on the unit
    hypercube."""
    design = design_of(experiment)
    table = design.points.copy()
    table.insert(0, "point", np.arange(len(design), dtype="int64"))
    for column, factor in enumerate(experiment.factors):
        table[unit_column(factor.path)] = design.unit[:, column]
    return table


def sweep_manifest(experiment: Experiment, points: int) -> dict[str, Any]:
    return build_manifest(
        experiment.scenario or Scenario(), source=experiment.source, complete=False,
        timings={}, seeds={"root": experiment.seed, "replications": experiment.replications,
                           "rule": SEED_RULE},
        extra={"kind": "sweep", "experiment": experiment.describe(),
               "points": points, "runs": points * experiment.replications})


def summarise_points(folder: RunFolder) -> None:
    """points.csv: per design point, its inputs and each KPI's mean over replications."""
    kpis = read_parquet(folder.path / "kpis.parquet")
    manifest = folder.read_manifest()
    design = read_design(folder.path, manifest).set_index("point")
    inputs = [column for column in design.columns if not column.startswith(UNIT_PREFIX)]
    measures = [column for column in kpis.columns
                if column not in ("run", "point", "replication", *inputs)]
    means = kpis.groupby("point", sort=True)[measures].mean()
    counts = kpis.groupby("point", sort=True).size().rename("replications")
    table = design[inputs].join(counts, how="inner").join(means, how="inner").reset_index()
    write_csv(folder.path / "points.csv", table)
    write_columns(folder.path, sweep_columns(manifest["experiment"]))


UNIT_POSITION = Unit("position in the range, 0-1", "position in the range")


def sweep_columns(experiment: dict[str, Any]) -> Describe:
    """How a sweep folder's columns are described: inputs by the schema, KPIs by
    sim/outputs.py (or the test function), the design's own columns here."""
    model, inputs = experiment["model"], {f["path"] for f in experiment["parameters"]}

    def describe(table: str, column: str) -> Output:
        if column in inputs:
            return describe_input(model, column)
        if column.startswith(UNIT_PREFIX):
            return Output(column, f"{column[len(UNIT_PREFIX):]}: place in the design",
                          UNIT_POSITION, "The design point on the unit hypercube.")
        if column == "replications":
            return Output(column, "Replications", COUNT, "Replications averaged.")
        if column in SWEEP_COLUMNS:
            return SWEEP_COLUMNS[column]
        if table == "timeseries" or column == "replication":
            return run_column("timeseries", column)
        return describe_kpi(model, column)
    return describe


def run_sweep(experiment: Experiment, folder_path: Path, *, workers: int,
              progress: bool = False, resume: bool = False,
              backend: Backend = Backend.PROCESS, scheduler: str | None = None) -> Outcome:
    """Run (or resume) every design point x replication of ``experiment``."""
    folder = RunFolder(folder_path, key="run", tables=experiment.evaluator().tables)
    design = design_table(experiment)
    manifest = sweep_manifest(experiment, len(design))
    jobs = len(design) * experiment.replications

    def claim() -> None:
        folder.claim(manifest)
        write_design(folder, design)

    stored = folder_path / "design.parquet"
    if resume:
        expected = {key: manifest[key] for key in ("config_hash", "experiment", "runs")}
        if reopen(folder, expected) is None:
            if stored.exists():
                check_fingerprint(stored, folder.mark, older=True)
            return Outcome(folder.path, jobs, jobs, already_complete=True)
    job = SweepRuns(experiment.evaluator(), _points(design, experiment),
                    experiment.replications, experiment.seed)
    try:
        if resume and stored.exists():
            check_fingerprint(stored, folder.mark)
        elif resume:  # killed right after the claim
            write_design(folder, design)
        outcome = execute(job, folder, jobs, workers=workers, label=experiment.name,
                          progress=progress, backend=backend, scheduler=scheduler,
                          claim=None if resume else claim)
        finish(folder, outcome, summarise_points)
    finally:
        release(folder)
    return outcome
