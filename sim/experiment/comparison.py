"""A comparison of stored runs: each against the first (the reference), per KPI.

Runs on the same root seed and seed rule ran replication i on the same random streams
(common random numbers): their KPIs are compared pair by pair, which removes the noise
the two share. Runs on different seeds are independent samples: Welch's interval. The
folder says which was used, per scenario (``method`` in comparison.csv).

A compare folder holds ``comparison.csv``, ``manifest.json`` (``"kind": "comparison"``,
the runs and where they are) and ``comparison.html``; the runs are its sub-folders when
``compare`` ran the scenarios, or stay where they were when it compared stored runs.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiment.statistics import PAIRED, paired_differences, welch_differences
from sim.results import RunResults, load_run
from sim.writers import write_csv, write_manifest


@dataclass(frozen=True)
class Compared:
    name: str
    path: Path


def common_random_numbers(reference: dict[str, Any], other: dict[str, Any]) -> bool:
    """Whether two run manifests drew replication i from the same random streams."""
    first, second = reference.get("seeds", {}), other.get("seeds", {})
    return first.get("root") is not None and first.get("root") == second.get("root") \
        and first.get("rule") == second.get("rule")


def differences(runs: list[RunResults], names: list[str]) -> pd.DataFrame:
    """Every run against the first: paired where they share their seeds, else Welch."""
    reference = runs[0]
    tables = []
    for name, run in zip(names[1:], runs[1:], strict=True):
        compare = paired_differences if common_random_numbers(
            reference.manifest, run.manifest) else welch_differences
        tables.append(compare(reference.kpis, run.kpis, names[0], name))
    return pd.concat(tables, ignore_index=True)


def method_text(table: pd.DataFrame, scenario: str) -> str:
    """How one scenario was compared, in words."""
    rows = table[table["scenario"] == scenario]
    if rows.empty:
        return ""
    first = rows.iloc[0]
    if first["method"] == PAIRED:
        return (f"paired on {int(rows['n'].max())} replications with common random numbers "
                "(same root seed)")
    return (f"Welch's interval for independent samples ({int(rows['n_reference'].max())} and "
            f"{int(rows['n_scenario'].max())} replications on different seeds)")


def _relative(path: Path, folder: Path) -> str:
    """Where a run lies, relative to the compare folder when possible (the pair can then
    move together)."""
    try:
        return os.path.relpath(path.resolve(), folder.resolve())
    except ValueError:  # another drive (Windows)
        return str(path.resolve())


def write_comparison(folder: Path, compared: list[Compared]) -> pd.DataFrame:
    """comparison.csv and the compare folder's manifest; returns the table."""
    runs = [load_run(entry.path, tables=("kpis",)) for entry in compared]
    names = [entry.name for entry in compared]
    table = differences(runs, names)
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "comparison.csv", table)
    write_manifest(folder, {
        "format": "alliance-sim comparison", "format_version": 1, "kind": "comparison",
        "created": datetime.now(UTC).isoformat(timespec="seconds"), "command": sys.argv,
        "reference": names[0],
        "runs": [{"name": entry.name, "path": _relative(entry.path, folder),
                  "scenario_name": run.name, "seeds": run.manifest.get("seeds", {}),
                  "complete": run.complete}
                 for entry, run in zip(compared, runs, strict=True)],
        "methods": {name: method_text(table, name) for name in names[1:]},
    })
    return table
