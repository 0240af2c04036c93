"""The cases of a sweep folder, read and checked once: the swept inputs, each with its
declared full range, and the KPIs of every design point x replication.

A sweep folder holds ``manifest.json`` (``"kind": "sweep"`` and the experiment's
``parameters``) and ``kpis.parquet``: columns ``run``, ``point``, ``replication``, one per
parameter (named by its dotted path), then one per KPI."""

from __future__ import annotations

import difflib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.experiment.folder_checks import RunFolderError, read_parquet
from sim.outputs import Censoring
from sim.outputs import kpi as describe_kpi

ID_COLUMNS = ("run", "point", "replication")


class SweepFolderError(ValueError):
    """A folder, file or request discovery cannot work with (reported as one line)."""


@dataclass(frozen=True)
class Parameter:
    """A swept input: its dotted path and full range as declared by the experiment -
    ``(low, high)`` for numbers, the categories in order for categorical values."""

    path: str
    numeric: bool
    low: float = math.nan
    high: float = math.nan
    categories: tuple[str, ...] = ()

    @property
    def full_range(self) -> str:
        if self.numeric:
            return f"{self.low:.4g} .. {self.high:.4g}"
        return ", ".join(self.categories)


@dataclass(frozen=True)
class Cases:
    folder: Path
    manifest: dict[str, Any]
    parameters: tuple[Parameter, ...]
    kpis: tuple[str, ...]
    frame: pd.DataFrame

    def inputs(self) -> dict[str, np.ndarray]:
        """Each parameter's values, one per case: floats, or strings for categories."""
        return {p.path: (self.frame[p.path].to_numpy(dtype=float) if p.numeric
                         else self.frame[p.path].astype(str).to_numpy(dtype=object))
                for p in self.parameters}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _parameter(entry: Any, column: pd.Series | None, where: str) -> Parameter:
    if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
        raise SweepFolderError(f"{where}: expected an object with a 'path'")
    path, kind = entry["path"], entry.get("kind")
    if column is None:
        raise SweepFolderError(f"{where}: parameter {path!r} has no column in kpis.parquet")
    values = entry.get("values")
    if kind == "values" and isinstance(values, list) and values and all(
            _is_number(v) for v in values) and pd.api.types.is_numeric_dtype(column):
        # Numeric levels keep their order: a box on them reads as a range.
        return Parameter(path, True, float(min(values)), float(max(values)))
    if kind == "values" and isinstance(values, list) and values:
        observed = column.astype(str).unique().tolist()
        return Parameter(path, False, categories=tuple(dict.fromkeys(
            [str(v) for v in values] + observed)))
    if kind == "range" and _is_number(entry.get("low")) and _is_number(entry.get("high")):
        return Parameter(path, True, float(entry["low"]), float(entry["high"]))
    # Any other declaration: the observed range or categories stand for the full range.
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return Parameter(path, True, float(column.min()), float(column.max()))
    return Parameter(path, False, categories=tuple(column.astype(str).unique().tolist()))


def load_cases(folder: Path) -> Cases:
    """Read a complete sweep folder; raise SweepFolderError saying what is wrong."""
    if not folder.is_dir():
        raise SweepFolderError(f"{folder}: no such folder")
    manifest_file = folder / "manifest.json"
    if not manifest_file.is_file():
        raise SweepFolderError(f"{folder}: not a sweep folder (no manifest.json)")
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise SweepFolderError(f"{manifest_file}: not valid JSON ({error})") from None
    except OSError as error:
        raise SweepFolderError(f"{manifest_file}: cannot read ({error.strerror})") from None
    experiment = manifest.get("experiment") if isinstance(manifest, dict) else None
    if not isinstance(experiment, dict) or (manifest.get("kind") not in (None, "sweep")):
        raise SweepFolderError(f"{folder}: not a sweep folder (manifest.json has no sweep "
                               "\"experiment\"; make one with `python3 run.py sweep`)")
    if manifest.get("complete") is False:
        raise SweepFolderError(f"{folder}: the sweep is incomplete (manifest.json "
                               "\"complete\": false); finish it before discovery")
    kpi_file = folder / "kpis.parquet"
    if not kpi_file.is_file():
        raise SweepFolderError(f"{folder}: no kpis.parquet")
    try:
        frame = read_parquet(kpi_file)
    except RunFolderError as error:
        raise SweepFolderError(str(error)) from None
    entries = experiment.get("parameters")
    if not isinstance(entries, list) or not entries:
        raise SweepFolderError(f"{manifest_file}: experiment.parameters: expected a "
                               "non-empty list")
    parameters = tuple(
        _parameter(entry, frame[entry["path"]] if isinstance(entry, dict)
                   and entry.get("path") in frame.columns else None,
                   f"{manifest_file}: experiment.parameters[{index}]")
        for index, entry in enumerate(entries))
    taken = {*ID_COLUMNS, *(p.path for p in parameters)}
    kpis = tuple(column for column in frame.columns if column not in taken
                 and pd.api.types.is_numeric_dtype(frame[column]))
    if frame.empty:
        raise SweepFolderError(f"{kpi_file}: no cases")
    return Cases(folder, manifest, parameters, kpis, frame)


def _horizons(cases: Cases) -> np.ndarray:
    """Each case's horizon: swept, or the scenario's."""
    if "simulation.steps" in cases.frame.columns:
        return cases.frame["simulation.steps"].to_numpy(dtype=float)
    steps = cases.manifest.get("scenario", {}).get("simulation", {}).get("steps", np.nan)
    return np.full(len(cases.frame), float(steps))


def condition(cases: Cases, kpi: str, direction: str, threshold: float
              ) -> tuple[np.ndarray, np.ndarray, str]:
    """``(usable, of_interest, note)``: the cases the condition can be judged on, which
    of them are strictly below (or above) the threshold, and what was done with the
    others. A KPI not reached by the horizon (sim/outputs.py) is known to exceed it: such
    a case is above a threshold at or below its horizon, and not below one; any other
    case without a finite value is left out."""
    if kpi not in cases.kpis:
        close = difflib.get_close_matches(kpi, cases.kpis, n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else \
            f" (KPIs: {', '.join(cases.kpis)})"
        raise SweepFolderError(f"--kpi {kpi!r}: no such KPI in {cases.folder / 'kpis.parquet'}"
                               + hint)
    values = cases.frame[kpi].to_numpy(dtype=float)
    finite = np.isfinite(values)
    judged = np.zeros_like(finite)
    if cases.manifest.get("experiment", {}).get("model", "alliance") == "alliance" and \
            describe_kpi(kpi).censoring is Censoring.NOT_REACHED:
        judged = np.isnan(values) & (threshold <= _horizons(cases))
        # Beyond the horizon: above any threshold at or before it, below none.
        values = np.where(judged, np.inf, values)
    usable = finite | judged
    if not usable.any():
        raise SweepFolderError(f"--kpi {kpi!r}: no case has a finite value")
    hits = values[usable] < threshold if direction == "below" else values[usable] > threshold
    wording = f"{kpi} {'<' if direction == 'below' else '>'} {threshold:g}"
    notes = []
    if judged.any():
        notes.append(f"{int(judged.sum())} cases not reached by the horizon counted as "
                     f"{'above' if direction == 'above' else 'not below'} it")
    if (~usable).any():
        notes.append(f"{int((~usable).sum())} cases where {kpi} is undefined left out")
    note = "; ".join(notes)
    if not hits.any():
        finite_values = values[np.isfinite(values)]
        span = (f" (range {finite_values.min():.4g} .. {finite_values.max():.4g})"
                if finite_values.size else "")
        raise SweepFolderError(f"no case has {wording}{span}; nothing to discover")
    if hits.all():
        raise SweepFolderError(f"every case has {wording}; nothing to discover")
    return usable, hits, note
