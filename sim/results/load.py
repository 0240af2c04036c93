"""Open a run folder into DataFrames: ``sim.results.load(path)``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.experiment.folder_checks import RunFolderError, read_csv, read_manifest, read_parquet
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

    @property
    def complete(self) -> bool:
        return bool(self.manifest.get("complete"))

    @property
    def name(self) -> str:
        return str(self.manifest.get("scenario_name", self.path.name))


# Sweep folders number their rows by "run" (design point x replication) first.
SORT_KEYS = {
    "timeseries": ["run", "replication", "step"],
    "nations": ["replication", "step", "code"],
    "kpis": ["run", "replication"],
    "programmes": ["replication", "venture_id"],
    "milestones": ["replication", "venture_id", "milestone"],
}


def load(path: str | Path, tables: tuple[str, ...] = TABLES) -> RunResults:
    """Read a run folder (complete or not: check ``.complete``); rows sorted by
    replication (and step, nation), whatever the number of workers that wrote them.
    ``tables`` limits what is read (the others come back empty): the nations table of a
    large run is big. A damaged folder raises RunFolderError naming the file."""
    folder = Path(path)
    manifest = read_manifest(folder)
    frames: dict[str, pd.DataFrame] = {}
    for table in TABLES:
        file = folder / f"{table}.parquet"
        frame = read_parquet(file) if file.exists() and table in tables else pd.DataFrame()
        keys = [key for key in SORT_KEYS[table] if key in frame.columns]
        if keys:
            frame = frame.sort_values(keys, kind="stable").reset_index(drop=True)
        frames[table] = frame
    summary_file = folder / "summary.csv"
    summary = read_csv(summary_file) if summary_file.exists() else pd.DataFrame()
    return RunResults(folder, manifest, summary=summary, **frames)


def require_tables(path: Path, tables: tuple[str, ...]) -> None:
    """Refuse, in one line, a folder whose run has not stored these tables yet."""
    for table in tables:
        if not (path / f"{table}.parquet").exists():
            raise RunFolderError(f"{path}: no {table}.parquet yet (the run is incomplete; "
                                 f"finish it with python run.py run --resume {path})")


SPEND_COLUMNS = ("spend_national", "spend_standards", "spend_pooled", "spend_hubs")


def nation_summaries(path: str | Path, horizon: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """From the nations table, streamed in batches (memory stays flat for large runs):
    each nation's spending per pathway summed over steps 1.., and its rows at the horizon
    (GDP and defence share of GDP, one row per replication)."""
    columns = ["step", "code", "gdp_usd_bn", "defence_pct_gdp", *SPEND_COLUMNS]
    sums: pd.DataFrame | None = None
    last: list[pd.DataFrame] = []
    for batch in _batches(Path(path) / "nations.parquet", columns):
        frame = batch.to_pandas()
        spent = frame[frame["step"] > 0].groupby("code")[list(SPEND_COLUMNS)].sum()
        sums = spent if sums is None else sums.add(spent, fill_value=0.0)
        last.append(frame.loc[frame["step"] == horizon, ["code", "gdp_usd_bn",
                                                          "defence_pct_gdp"]])
    at_horizon = pd.concat(last, ignore_index=True) if last else pd.DataFrame()
    return (sums if sums is not None else pd.DataFrame()), at_horizon



def _batches(path: Path, columns: list[str]) -> Iterator[pa.RecordBatch]:
    """A large table in batches; a damaged file is a RunFolderError naming it."""
    try:
        yield from pq.ParquetFile(path).iter_batches(columns=columns, batch_size=250_000)
    except (OSError, pa.ArrowException, KeyError) as error:
        raise RunFolderError(f"{path}: cannot read the table ({error})") from None
