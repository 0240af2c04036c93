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

import math
from pathlib import Path

import numpy as np
import pandas as pd

from sim.experiment.design import unit_column, unit_problem
from sim.experiment.evaluators import ishigami_indices
from sim.experiment.folder_checks import read_design, read_manifest, read_parquet
from sim.experiment.spec import SAMPLES

CONFIDENCE = 0.95
RESAMPLES = 1000
COLUMNS = ["kpi", "parameter", "index", "value", "ci_low", "ci_high", "analytic"]
# The index each method ranks inputs by.
RANKED_BY = {"sobol": "ST", "morris": "mu_star"}
# Sobol indices are shares of variance: an interval wider than this either side cannot
# rank inputs whose indices differ by less, and is the width to aim for.
SOBOL_HALF_WIDTH = 0.1
SOBOL_TARGET = 0.05
# Morris: intervals of mu* wider than this share of the largest mu*, or fewer trajectories
# than Campolongo et al. (2007) use, make the screen unreliable.
MORRIS_RELATIVE_HALF_WIDTH = 0.25
MORRIS_TRAJECTORIES = 10
# The most base samples to advise for Sobol: a power of two (Sobol sequences balance at
# powers of two) that --samples accepts.
SOBOL_MOST_SAMPLES = 2 ** int(math.log2(SAMPLES[1]))
# What to do when even the most samples --samples accepts would not be enough.
BEYOND_SAMPLES = ("raise the replications (less noise in each point's KPI), vary fewer "
                  "parameters, or screen them first with --method morris")


class AnalysisError(ValueError):
    """A sweep folder that cannot be analysed this way (said in one line)."""


def _rows(kpi: str, paths: list[str], index: str, values: np.ndarray,
          half_widths: np.ndarray | None) -> list[dict]:
    rows = []
    for position, path in enumerate(paths):
        value = float(values[position])
        half = float(half_widths[position]) if half_widths is not None else np.nan
        rows.append({"kpi": kpi, "parameter": path, "index": index, "value": value,
                     "ci_low": value - half, "ci_high": value + half, "analytic": np.nan})
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
                            f"python3 run.py sweep --resume {folder}")
    method = experiment["design"]["method"]
    if method not in ("sobol", "morris"):
        raise AnalysisError(f"{folder}: a {method} design has no sensitivity indices; "
                            "run the experiment with --method sobol or morris")
    paths = [factor["path"] for factor in experiment["parameters"]]
    design = read_design(folder, manifest).sort_values("point")
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
            continue  # said by left_out()
        if method == "sobol":
            rows += sobol_indices(paths, outputs, kpi, experiment["design"]["second_order"],
                                  seed)
        else:
            rows += morris_indices(paths, unit, outputs, kpi,
                                   experiment["design"]["levels"] or 4, seed)
    indices = pd.DataFrame(rows, columns=COLUMNS)
    if experiment["model"] == "ishigami" and method == "sobol":
        analytic = ishigami_indices()
        indices["analytic"] = [analytic.get(row.index, {}).get(row.parameter, math.nan)
                               for row in indices.itertuples()]
    return method, ordered(indices, method)


def left_out(folder: Path, kpis: list[str] | None = None) -> dict[str, str]:
    """The KPIs that got no indices, with the reason."""
    experiment = read_manifest(folder)["experiment"]
    runs = read_parquet(folder / "kpis.parquet")
    reasons = {}
    for kpi in kpis or experiment["kpis"]:
        means = runs.groupby("point")[kpi].mean().to_numpy(dtype=float)
        undefined = int((~np.isfinite(means)).sum())
        if undefined:
            reasons[kpi] = (f"undefined at {undefined} of {means.size} design points (in "
                            "every replication there), so no variance decomposition")
        elif np.ptp(means) == 0:
            reasons[kpi] = "constant over the design"
    return reasons


def ordered(indices: pd.DataFrame, method: str) -> pd.DataFrame:
    """KPIs in their given order; within each, inputs by their effect (ST for Sobol,
    mu* for Morris), largest first."""
    if indices.empty:
        return indices
    kpi_order = {kpi: position for position, kpi in enumerate(dict.fromkeys(indices["kpi"]))}
    effect = indices[indices["index"] == RANKED_BY[method]].set_index(
        ["kpi", "parameter"])["value"]
    index_order = {name: position for position, name in enumerate(dict.fromkeys(
        indices["index"]))}
    keys = pd.DataFrame({
        "kpi": indices["kpi"].map(kpi_order),
        "effect": [-effect.get((row.kpi, row.parameter), 0.0) for row in
                   indices.itertuples()],
        "index": indices["index"].map(index_order)})
    order = keys.sort_values(["kpi", "effect", "index"], kind="stable").index
    return indices.loc[order].reset_index(drop=True)


def stability_warnings(method: str, indices: pd.DataFrame, samples: int,
                       points: int) -> list[str]:
    """Where the samples were too few for the indices to be trusted, one sentence per KPI
    saying why (from the intervals) and what to raise."""
    warnings = []
    for kpi, rows in indices.groupby("kpi", sort=False):
        if method == "sobol":
            main = rows[rows["index"].isin(("S1", "ST"))]
            half = float(((main["ci_high"] - main["ci_low"]) / 2).max())
            outside = main[(main["value"] < -0.05) | (main["value"] > 1.05)]
            if half <= SOBOL_HALF_WIDTH and outside.empty:
                continue
            needed = samples * (half / SOBOL_TARGET) ** 2
            suggestion = 2 ** math.ceil(math.log2(max(needed, samples * 2)))
            if suggestion <= SOBOL_MOST_SAMPLES:
                advice = f"raise --samples (to about {suggestion}) or the replications"
            else:
                advice = (f"at this spread even {SOBOL_MOST_SAMPLES} base samples (--samples "
                          f"accepts up to {SAMPLES[1]}) would not narrow the intervals to "
                          f"+/-{SOBOL_TARGET}: {BEYOND_SAMPLES}")
            text = (f"{kpi}: Sobol indices unstable with N = {samples} base samples ({points} "
                    f"points): 95 % intervals up to +/-{half:.2f}")
            if not outside.empty:
                worst = outside.iloc[(outside["value"] - 0.5).abs().argmax()]
                count = f"{len(outside)} estimate{'s' if len(outside) > 1 else ''}"
                text += (f"; {count} outside [0, 1] (e.g. {worst['index']} of "
                         f"{worst['parameter']} = {worst['value']:.2f})")
            warnings.append(f"{text}. Do not rank inputs on these; {advice}.")
        else:
            mu = rows[rows["index"] == "mu_star"]
            largest = float(mu["value"].abs().max()) or 1.0
            relative = float(((mu["ci_high"] - mu["ci_low"]) / 2).max()) / largest
            if relative <= MORRIS_RELATIVE_HALF_WIDTH and samples >= MORRIS_TRAJECTORIES:
                continue
            more = max(MORRIS_TRAJECTORIES, 2 * samples)
            advice = (f"raise --samples (to {more} or more)" if more <= SAMPLES[1] else
                      f"raise --samples (to {SAMPLES[1]}, the most it accepts)"
                      if samples < SAMPLES[1] else "raise the replications")
            warnings.append(f"{kpi}: Morris screening unstable with {samples} trajectories: "
                            f"intervals of mu* up to +/-{relative:.0%} of the largest mu*"
                            .replace("%", " %") + f"; {advice} before screening inputs out.")
    return warnings
