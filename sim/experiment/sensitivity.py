"""Global sensitivity analysis of a finished sweep, with SALib (Herman & Usher 2017;
Iwanaga, Usher & Herman 2022).

- Sobol (variance-based; Sobol 2001, Saltelli 2002, Saltelli et al. 2010 estimators):
  first-order S1 (the share of a KPI's variance due to one input alone) and total ST (with
  all its interactions), with bootstrap confidence intervals. Needs a sobol design.
- Morris elementary effects (Morris 1991; Campolongo et al. 2007): mu_star (mean absolute
  effect of moving one input across its range, in KPI units, since the design lives on the
  unit hypercube) with a bootstrap interval, and sigma (non-linearity and interactions).
  Needs a morris design.

Each design point's output is the mean of its replications: with common random numbers the
replications share their noise across points, so what remains is the inputs' effect
(docs/EXPLORATION.md discusses the residual noise).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.experiment.design import unit_column, unit_problem
from sim.experiment.folder_checks import read_manifest, read_parquet

CONFIDENCE = 0.95
RESAMPLES = 1000
COLUMNS = ["kpi", "parameter", "index", "value", "ci_low", "ci_high"]


class AnalysisError(ValueError):
    """A sweep folder that cannot be analysed this way (said in one line)."""


def _rows(kpi: str, paths: list[str], index: str, values: np.ndarray,
          half_widths: np.ndarray | None) -> list[dict]:
    rows = []
    for position, path in enumerate(paths):
        value = float(values[position])
        half = float(half_widths[position]) if half_widths is not None else np.nan
        rows.append({"kpi": kpi, "parameter": path, "index": index, "value": value,
                     "ci_low": value - half, "ci_high": value + half})
    return rows


def sobol_indices(paths: list[str], outputs: np.ndarray, kpi: str, second_order: bool,
                  seed: int) -> list[dict]:
    from SALib.analyze import sobol

    result = sobol.analyze(unit_problem(paths), outputs, calc_second_order=second_order,
                           num_resamples=RESAMPLES, conf_level=CONFIDENCE, seed=seed)
    return (_rows(kpi, paths, "S1", result["S1"], result["S1_conf"])
            + _rows(kpi, paths, "ST", result["ST"], result["ST_conf"]))


def morris_indices(paths: list[str], unit: np.ndarray, outputs: np.ndarray, kpi: str,
                   levels: int, seed: int) -> list[dict]:
    from SALib.analyze import morris

    result = morris.analyze(unit_problem(paths), unit, outputs, num_resamples=RESAMPLES,
                            conf_level=CONFIDENCE, num_levels=levels, seed=seed)
    return (_rows(kpi, paths, "mu_star", np.asarray(result["mu_star"]),
                  np.asarray(result["mu_star_conf"]))
            + _rows(kpi, paths, "sigma", np.asarray(result["sigma"]), None)
            + _rows(kpi, paths, "mu", np.asarray(result["mu"]), None))


def analyse(folder: Path, kpis: list[str] | None = None) -> tuple[str, pd.DataFrame]:
    """The design's method and the indices of each KPI (long table: kpi, parameter,
    index, value, ci_low, ci_high). KPIs constant over the design are left out."""
    manifest = read_manifest(folder)
    experiment = manifest.get("experiment")
    if manifest.get("kind") != "sweep" or not experiment:
        raise AnalysisError(f"{folder}: not a sweep folder (made by `run`, not `sweep`)")
    if not manifest.get("complete"):
        raise AnalysisError(f"{folder}: the sweep is incomplete; finish it with "
                            f"python run.py sweep --resume {folder}")
    method = experiment["design"]["method"]
    if method not in ("sobol", "morris"):
        raise AnalysisError(f"{folder}: a {method} design has no sensitivity indices; "
                            "run the experiment with --method sobol or morris")
    paths = [factor["path"] for factor in experiment["parameters"]]
    design = read_parquet(folder / "design.parquet").sort_values("point")
    unit = design[[unit_column(path) for path in paths]].to_numpy(dtype=float)
    runs = read_parquet(folder / "kpis.parquet")
    wanted = kpis or experiment["kpis"]
    unknown = [kpi for kpi in wanted if kpi not in runs.columns]
    if unknown:
        raise AnalysisError(f"{folder}: no KPI {unknown[0]!r} in kpis.parquet")
    means = runs.groupby("point")[wanted].mean().reindex(design["point"])
    rows: list[dict] = []
    seed = int(experiment["seed"])
    for kpi in wanted:
        outputs = means[kpi].to_numpy(dtype=float)
        if not np.isfinite(outputs).all() or np.ptp(outputs) == 0:
            continue
        if method == "sobol":
            rows += sobol_indices(paths, outputs, kpi, experiment["design"]["second_order"],
                                  seed)
        else:
            rows += morris_indices(paths, unit, outputs, kpi,
                                   experiment["design"]["levels"] or 4, seed)
    return method, pd.DataFrame(rows, columns=COLUMNS)
