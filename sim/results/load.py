"""Open a stored folder into DataFrames: ``sim.results.load(path)`` reads a run folder
(``RunResults``), a sweep folder (``SweepResults``) or a compare folder
(``ComparisonResults``: its runs and their differences)."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.calendar import Calendar, calendar_of
from sim.experiment.folder_checks import (
    RunFolderError,
    read_csv,
    read_design,
    read_manifest,
    read_parquet,
)
from sim.experiment.store import TABLES


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


def _json(folder: Path) -> Any:
    """The folder's manifest.json as it is (None: none, or not JSON): enough to tell
    the kind of folder; readers then check it (read_manifest)."""
    file = folder / "manifest.json"
    try:
        return json.loads(file.read_bytes().decode("utf-8")) if file.is_file() else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


def kind_of(path: str | Path) -> str | None:
    """"run", "sweep" or "comparison"; None for a folder that is none of them."""
    folder = Path(path)
    if not folder.is_dir():
        return None
    manifest = _json(folder)
    if isinstance(manifest, dict) and manifest.get("kind") in ("sweep", "comparison"):
        return str(manifest["kind"])
    if (folder / "manifest.json").exists():
        return "run"  # read_manifest says what is wrong with it, if anything
    # Compare folders written before they had a manifest.
    return "comparison" if (folder / "comparison.csv").is_file() else None


def load(path: str | Path, tables: tuple[str, ...] = TABLES) -> Results:
    """Read a run, sweep or compare folder (complete or not: check ``.complete``). Rows
    are sorted by replication (run, step, nation), whatever the number of workers that
    wrote them. ``tables`` limits what is read (the others come back empty): the nations
    table of a large run is big. A damaged folder raises RunFolderError naming the file."""
    kind = kind_of(path)
    if kind is None:
        raise RunFolderError(f"{path}: no manifest.json or comparison.csv; not a run, "
                             "sweep or compare folder")
    if kind == "sweep":
        return load_sweep(path, tables)
    if kind == "comparison":
        return load_comparison(path, tables)
    return load_run(path, tables)


def _read_tables(folder: Path, names: tuple[str, ...], wanted: tuple[str, ...],
                 columns: Mapping[str, Collection[str]] | None = None
                 ) -> dict[str, pd.DataFrame]:
    frames: dict[str, pd.DataFrame] = {}
    for table in names:
        file = folder / f"{table}.parquet"
        if not (file.exists() and table in wanted):
            frame = pd.DataFrame()
        elif columns is not None and table in columns:
            keep = {*columns[table], *SORT_KEYS[table]}
            frame = read_parquet(file, [name for name in _schema_names(file) if name in keep])
        else:
            frame = read_parquet(file)
        keys = [key for key in SORT_KEYS[table] if key in frame.columns]
        if keys:
            if not in_order(frame, keys):
                frame = frame.sort_values(keys, kind="stable")
            frame = frame.reset_index(drop=True)
        frames[table] = frame
    return frames


def in_order(frame: pd.DataFrame, keys: list[str]) -> bool:
    """Whether the rows are sorted by ``keys`` already, as a gathered table is: then a
    stable sort would only copy the whole table (twice its memory at once)."""
    if len(frame) < 2:
        return True
    tied = np.ones(len(frame) - 1, dtype=bool)  # rows equal on the keys so far
    for key in keys:
        values = frame[key].to_numpy()
        if np.any(tied & (values[1:] < values[:-1])):
            return False
        tied &= values[1:] == values[:-1]
    return True


def load_sweep(path: str | Path, tables: tuple[str, ...] = ("timeseries", "kpis")
               ) -> SweepResults:
    folder = Path(path)
    manifest = read_manifest(folder)
    if manifest.get("kind") != "sweep":
        raise RunFolderError(f"{path}: not a sweep folder")
    frames = _read_tables(folder, ("timeseries", "kpis"), tables)
    csv = {name: read_csv(folder / f"{name}.csv") if (folder / f"{name}.csv").exists()
           else pd.DataFrame() for name in ("points", "sensitivity")}
    design_file = folder / "design.parquet"
    design = read_design(folder, manifest) if design_file.exists() else pd.DataFrame()
    return SweepResults(folder, manifest, design=design, **frames, **csv)


def comparison_runs(folder: Path) -> list[tuple[str, Path]]:
    """The runs of a compare folder, the reference first: from its manifest, or (folders
    written before compare folders had one) the sub-folders comparison.csv names."""
    manifest = _json(folder)
    if isinstance(manifest, dict) and manifest.get("kind") == "comparison":
        runs = manifest.get("runs")
        if not (isinstance(runs, list) and len(runs) >= 2 and all(
                isinstance(run, dict) and isinstance(run.get("name"), str)
                and isinstance(run.get("path"), str) for run in runs)):
            raise RunFolderError(f"{folder / 'manifest.json'}: \"runs\": expected the "
                                 "compared runs' names and paths")
        return [(run["name"], (folder / run["path"]).resolve()) for run in runs]
    file = folder / "comparison.csv"
    table = read_csv(file)
    names = list(dict.fromkeys([str(table["reference"].iloc[0]),
                                *table["scenario"].astype(str)]))
    for name in names:  # run folders of this compare folder, never a path elsewhere
        if Path(name).name != name or name in ("", ".", ".."):
            raise RunFolderError(f"{file}: {name!r} is not the name of a run folder in "
                                 f"{folder}")
    return [(name, folder / name) for name in names]


def load_comparison(path: str | Path, tables: tuple[str, ...] = TABLES
                    ) -> ComparisonResults:
    folder = Path(path)
    runs = {name: load_run(run_path, tables, alias=name)
            for name, run_path in comparison_runs(folder)}
    manifest = _json(folder)
    return ComparisonResults(folder, manifest if isinstance(manifest, dict) else {}, runs,
                             read_csv(folder / "comparison.csv"))


def load_run(path: str | Path, tables: tuple[str, ...] = TABLES, alias: str | None = None,
             columns: Mapping[str, Collection[str]] | None = None) -> RunResults:
    """Read a run folder (see :func:`load`); ``alias``: the name to show it by;
    ``columns``: of the tables it names, only these columns (and the sort keys; names
    the folder did not store are skipped), in their stored order."""
    folder = Path(path)
    manifest = read_manifest(folder)
    frames = _read_tables(folder, TABLES, tables, columns)
    summary_file = folder / "summary.csv"
    summary = read_csv(summary_file) if summary_file.exists() else pd.DataFrame()
    return RunResults(folder, manifest, summary=summary, alias=alias, **frames)


def require_tables(path: Path, tables: tuple[str, ...]) -> None:
    """Refuse, in one line, a folder whose run has not stored these tables yet."""
    for table in tables:
        if not (path / f"{table}.parquet").exists():
            raise RunFolderError(f"{path}: no {table}.parquet yet (the run is incomplete; "
                                 f"finish it with python3 run.py run --resume {path})")


SPEND_COLUMNS = ("spend_national", "spend_standards", "spend_pooled", "spend_hubs")
# Summed per nation over steps 1.. beside the spending: attacks on its production lines
# and the lines it had (line-quarters), for the attack rate per line.
ATTACK_COLUMNS = ("lines_hit", "production_lines")


# nation_summaries: sums per nation over the run, and the nations' rows at the horizon.
NationSummaries = tuple[pd.DataFrame, pd.DataFrame]


def nation_summaries(path: str | Path, horizon: int) -> NationSummaries:
    """From the nations table, streamed in batches (memory stays flat for large runs):
    each nation's spending per pathway, lines hit and line-quarters summed over steps
    1.. and all replications (columns a folder written before them lacks are left out),
    and its rows at the horizon (GDP and defence share of GDP, one row per replication)."""
    file = Path(path) / "nations.parquet"
    stored = _schema_names(file)
    summed = [column for column in (*SPEND_COLUMNS, *ATTACK_COLUMNS) if column in stored]
    columns = ["step", "code", "gdp_usd_bn", "defence_pct_gdp", *summed]
    sums: pd.DataFrame | None = None
    last: list[pd.DataFrame] = []
    # The codes read as categories (Parquet stores them dictionary-encoded): as strings
    # they took a third of the time to read and convert the table. Grouped by category,
    # then named and ordered as grouping by the strings does.
    for batch in _batches(file, columns, categories=["code"]):
        frame = batch.to_pandas()
        spent = frame[frame["step"] > 0].groupby("code", observed=True)[summed].sum()
        spent = spent.set_axis(spent.index.astype(str)).sort_index()
        sums = spent if sums is None else sums.add(spent, fill_value=0.0)
        rows = frame.loc[frame["step"] == horizon, ["code", "gdp_usd_bn", "defence_pct_gdp"]]
        last.append(rows.astype({"code": str}))
    at_horizon = pd.concat(last, ignore_index=True) if last else pd.DataFrame()
    return (sums if sums is not None else pd.DataFrame()), at_horizon


def _schema_names(path: Path) -> list[str]:
    try:
        return pq.read_schema(path).names
    except (OSError, pa.ArrowException) as error:
        raise RunFolderError(f"{path}: cannot read the table ({error})") from None


def _batches(path: Path, columns: list[str], size: int = 250_000,
             categories: list[str] | None = None) -> Iterator[pa.Table]:
    """A large table in batches of ``size`` rows (the last one shorter), read one row
    group at a time (``ParquetFile.iter_batches`` reads ahead), and handing the reader's
    buffers back after each batch: Arrow's allocator keeps freed memory for reuse, and
    the process grew by about 270 MB over the nations table of 2,000 replications.
    (Batches, not row groups, so that sums over them add up in the same order whatever
    the row groups.) ``categories``: columns read as dictionaries (pandas categories). A
    damaged file is a RunFolderError naming it."""
    try:
        file = pq.ParquetFile(path, read_dictionary=categories)
        held: list[pa.Table] = []
        rows = 0
        for group in range(file.num_row_groups):
            held.append(file.read_row_group(group, columns=columns, use_threads=False))
            rows += held[-1].num_rows
            while rows >= size:
                joined = pa.concat_tables(held)
                yield joined.slice(0, size)
                held, rows = [joined.slice(size)], rows - size
                pa.default_memory_pool().release_unused()
        if rows:
            yield pa.concat_tables(held)
        pa.default_memory_pool().release_unused()  # what the last batches held
    except (OSError, pa.ArrowException, KeyError) as error:
        raise RunFolderError(f"{path}: cannot read the table ({error})") from None
