"""Open a stored folder into DataFrames: ``sim.results.load(path)`` reads a run folder
(``RunResults``), a sweep folder (``SweepResults``) or a compare folder
(``ComparisonResults``: its runs and their differences)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from sim.calendar import Calendar, calendar_of
from sim.experiment.store import TABLES, RunFolder


@dataclass
class RunResults:
    path: Path
    manifest: dict[str, Any]
    timeseries: pd.DataFrame
    nations: pd.DataFrame
    kpis: pd.DataFrame
    programmes: pd.DataFrame
    milestones: pd.DataFrame
    summary: pd.DataFrame
    # The name a comparison gives the run (two runs of one scenario differ by it).
    alias: str | None = None

    @property
    def complete(self) -> bool:
        return bool(self.manifest.get("complete"))

    @property
    def name(self) -> str:
        return self.alias or str(self.manifest.get("scenario_name", self.path.name))

    @property
    def calendar(self) -> Calendar:
        return calendar_of(self.manifest.get("scenario", {}).get("simulation", {}))

    @property
    def horizon(self) -> int:
        return int(self.manifest["scenario"]["simulation"]["steps"])


@dataclass
class SweepResults:
    """A sweep folder: one row per design point x replication in ``kpis`` (inputs and
    KPIs), ``design`` (one row per point), ``points`` (KPI means per point) and, after
    ``sensitivity``, the indices."""

    path: Path
    manifest: dict[str, Any]
    kpis: pd.DataFrame
    timeseries: pd.DataFrame
    design: pd.DataFrame
    points: pd.DataFrame
    sensitivity: pd.DataFrame

    @property
    def complete(self) -> bool:
        return bool(self.manifest.get("complete"))

    @property
    def name(self) -> str:
        return str(self.manifest["experiment"]["name"])

    @property
    def inputs(self) -> list[str]:
        return [factor["path"] for factor in self.manifest["experiment"]["parameters"]]


@dataclass
class ComparisonResults:
    """A compare folder: the compared runs by name (the reference first) and
    ``differences`` (comparison.csv: per KPI and scenario, the difference from the
    reference with its interval and whether it was paired)."""

    path: Path
    manifest: dict[str, Any]
    runs: dict[str, RunResults]
    differences: pd.DataFrame

    @property
    def reference(self) -> str:
        return next(iter(self.runs))


Results = RunResults | SweepResults | ComparisonResults


# Sweep folders number their rows by "run" (design point x replication) first.
SORT_KEYS = {
    "timeseries": ["run", "replication", "step"],
    "nations": ["replication", "step", "code"],
    "kpis": ["run", "replication"],
    "programmes": ["replication", "venture_id"],
    "milestones": ["replication", "venture_id", "milestone"],
}


def _manifest(folder: Path) -> dict[str, Any] | None:
    file = folder / "manifest.json"
    return json.loads(file.read_text(encoding="utf-8")) if file.is_file() else None


def kind_of(path: str | Path) -> str | None:
    """"run", "sweep" or "comparison"; None for a folder that is none of them."""
    folder = Path(path)
    manifest = _manifest(folder) if folder.is_dir() else None
    if manifest is not None:
        return str(manifest.get("kind", "run"))
    # Compare folders written before they had a manifest.
    return "comparison" if (folder / "comparison.csv").is_file() else None


def load(path: str | Path, tables: tuple[str, ...] = TABLES) -> Results:
    """Read a run, sweep or compare folder (complete or not: check ``.complete``). Rows
    are sorted by replication (run, step, nation), whatever the number of workers that
    wrote them. ``tables`` limits what is read (the others come back empty): the nations
    table of a large run is big."""
    kind = kind_of(path)
    if kind is None:
        raise FileNotFoundError(f"{path}: no manifest.json or comparison.csv; not a run, "
                                "sweep or compare folder")
    if kind == "sweep":
        return load_sweep(path, tables)
    if kind == "comparison":
        return load_comparison(path, tables)
    return load_run(path, tables)


def _read_tables(folder: Path, names: tuple[str, ...], wanted: tuple[str, ...]
                 ) -> dict[str, pd.DataFrame]:
    frames: dict[str, pd.DataFrame] = {}
    for table in names:
        file = folder / f"{table}.parquet"
        frame = pd.read_parquet(file) if file.is_file() and table in wanted else \
            pd.DataFrame()
        keys = [key for key in SORT_KEYS[table] if key in frame.columns]
        if keys:
            frame = frame.sort_values(keys, kind="stable").reset_index(drop=True)
        frames[table] = frame
    return frames


def load_sweep(path: str | Path, tables: tuple[str, ...] = ("timeseries", "kpis")
               ) -> SweepResults:
    folder = Path(path)
    manifest = _manifest(folder)
    if manifest is None or manifest.get("kind") != "sweep":
        raise FileNotFoundError(f"{path}: not a sweep folder")
    frames = _read_tables(folder, ("timeseries", "kpis"), tables)
    csv = {name: pd.read_csv(folder / f"{name}.csv") if (folder / f"{name}.csv").is_file()
           else pd.DataFrame() for name in ("points", "sensitivity")}
    design_file = folder / "design.parquet"
    design = pd.read_parquet(design_file) if design_file.is_file() else pd.DataFrame()
    return SweepResults(folder, manifest, design=design, **frames, **csv)


def comparison_runs(folder: Path) -> list[tuple[str, Path]]:
    """The runs of a compare folder, the reference first: from its manifest, or (folders
    written before compare folders had one) the sub-folders comparison.csv names."""
    manifest = _manifest(folder)
    if manifest is not None and manifest.get("kind") == "comparison":
        return [(entry["name"], (folder / entry["path"]).resolve())
                for entry in manifest["runs"]]
    table = pd.read_csv(folder / "comparison.csv")
    names = [str(table["reference"].iloc[0]),
             *dict.fromkeys(table["scenario"].astype(str))]
    return [(name, folder / name) for name in names]


def load_comparison(path: str | Path, tables: tuple[str, ...] = TABLES
                    ) -> ComparisonResults:
    folder = Path(path)
    runs = {name: load_run(run_path, tables, alias=name)
            for name, run_path in comparison_runs(folder)}
    return ComparisonResults(folder, _manifest(folder) or {}, runs,
                             pd.read_csv(folder / "comparison.csv"))


def load_run(path: str | Path, tables: tuple[str, ...] = TABLES, alias: str | None = None
             ) -> RunResults:
    """Read a run folder (see :func:`load`); ``alias``: the name to show it by."""
    folder = RunFolder(Path(path))
    if not folder.manifest_path.is_file():
        raise FileNotFoundError(f"{path}: no manifest.json; not a run folder")
    manifest = json.loads(folder.manifest_path.read_text(encoding="utf-8"))
    frames = _read_tables(folder.path, TABLES, tables)
    summary_file = folder.path / "summary.csv"
    summary = pd.read_csv(summary_file) if summary_file.is_file() else pd.DataFrame()
    return RunResults(folder.path, manifest, summary=summary, alias=alias, **frames)


SPEND_COLUMNS = ("spend_national", "spend_standards", "spend_pooled", "spend_hubs")


def nation_summaries(path: str | Path, horizon: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """From the nations table, streamed in batches (memory stays flat for large runs):
    each nation's spending per pathway summed over steps 1.., and its rows at the horizon
    (GDP and defence share of GDP, one row per replication)."""
    file = pq.ParquetFile(Path(path) / "nations.parquet")
    columns = ["step", "code", "gdp_usd_bn", "defence_pct_gdp", *SPEND_COLUMNS]
    sums: pd.DataFrame | None = None
    last: list[pd.DataFrame] = []
    for batch in file.iter_batches(columns=columns, batch_size=250_000):
        frame = batch.to_pandas()
        spent = frame[frame["step"] > 0].groupby("code")[list(SPEND_COLUMNS)].sum()
        sums = spent if sums is None else sums.add(spent, fill_value=0.0)
        last.append(frame.loc[frame["step"] == horizon, ["code", "gdp_usd_bn",
                                                          "defence_pct_gdp"]])
    at_horizon = pd.concat(last, ignore_index=True) if last else pd.DataFrame()
    return (sums if sums is not None else pd.DataFrame()), at_horizon
