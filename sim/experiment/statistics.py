"""Summaries of replications: distribution and confidence interval of each KPI, and
differences between scenarios - paired where they ran on common random numbers, Welch's
otherwise.

A KPI that is undefined or not reached in a run (NaN; sim/outputs.py, ``Censoring``) is
left out of every mean, quantile and interval and counted in ``excluded``: a rate over
nothing due is not 0 %, and a delivery that never came is not "horizon + 1 quarters".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.outputs import kpi as describe_kpi

CONFIDENCE = 0.95
PAIRED, WELCH = "paired", "welch"
ID_COLUMNS = ("replication", "run", "point")


def _t_quantile(df: float) -> float:
    """The two-sided 95 % quantile of Student's t with ``df`` degrees of freedom
    (``scipy.stats.t.ppf``'s own function; imported here, not at start-up, because SciPy
    costs a run's start more than its whole summary)."""
    from scipy.special import stdtrit
    return float(stdtrit(df, 0.5 + CONFIDENCE / 2))


def _t_interval(values: np.ndarray) -> tuple[float, float]:
    """The 95 % Student t interval of the mean; NaN with fewer than two values (one
    value says nothing about its spread)."""
    n = values.size
    if n < 2:
        return float("nan"), float("nan")
    mean = float(values.mean())
    half = float(_t_quantile(n - 1) * values.std(ddof=1) / np.sqrt(n))
    return mean - half, mean + half


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else float("nan")


def _described(kpi: str) -> dict[str, str]:
    output = describe_kpi(kpi)
    return {"label": output.label, "unit": output.unit.name}


def _quantile(values: np.ndarray, q: float) -> float:
    return float(np.quantile(values, q)) if values.size else float("nan")


def kpi_columns(kpis: pd.DataFrame) -> list[str]:
    return [column for column in kpis.columns if column not in ID_COLUMNS]


def kpi_summary(kpis: pd.DataFrame) -> pd.DataFrame:
    """Per KPI: label and unit, n (runs where it is defined), excluded (runs where it is
    undefined or not reached), mean, sd, 5/50/95 % quantiles and the 95 % t interval of
    the mean - all over the runs where it is defined."""
    rows = []
    for column in kpi_columns(kpis):
        every = kpis[column].to_numpy(dtype=float)
        values = every[~np.isnan(every)]
        low, high = _t_interval(values)
        # Columns of earlier versions first, in their order (docs/RESULTS.md).
        rows.append({
            "kpi": column, "n": values.size, "mean": _mean(values),
            "sd": float(values.std(ddof=1)) if values.size > 1 else np.nan,
            "q05": _quantile(values, 0.05), "q50": _quantile(values, 0.5),
            "q95": _quantile(values, 0.95), "ci_low": low, "ci_high": high,
            **_described(column), "excluded": every.size - values.size,
            "censoring": describe_kpi(column).censoring.value,
        })
    return pd.DataFrame(rows)


def _row(kpi: str, reference_name: str, other_name: str, method: str,
         difference: float, low: float, high: float, n_reference: int, n_other: int,
         excluded: int, reference_mean: float, other_mean: float) -> dict:
    # Columns of earlier versions first, in their order (docs/RESULTS.md).
    return {
        "kpi": kpi, "scenario": other_name, "reference": reference_name,
        "mean_difference": difference, "ci_low": low, "ci_high": high,
        "n": min(n_reference, n_other) if method == PAIRED else n_reference + n_other,
        "reference_mean": reference_mean, "scenario_mean": other_mean,
        **_described(kpi), "method": method,
        # An interval that excludes zero: the difference is there at 95 % confidence.
        "excludes_zero": bool(low > 0 or high < 0),
        "n_reference": n_reference, "n_scenario": n_other, "excluded": excluded,
    }


def paired_differences(reference: pd.DataFrame, other: pd.DataFrame, reference_name: str,
                       other_name: str) -> pd.DataFrame:
    """Per KPI: mean of (other - reference) over replications paired by index (common
    random numbers), with its 95 % t interval (Law, Simulation Modeling and Analysis,
    ch. 10). Pairs where either value is undefined are left out and counted."""
    merged = reference.merge(other, on="replication", suffixes=("_ref", "_other"))
    rows = []
    for column in kpi_columns(reference):
        if column not in other.columns:
            continue
        ref = merged[f"{column}_ref"].to_numpy(dtype=float)
        oth = merged[f"{column}_other"].to_numpy(dtype=float)
        both = ~(np.isnan(ref) | np.isnan(oth))
        difference = oth[both] - ref[both]
        low, high = _t_interval(difference)
        rows.append(_row(column, reference_name, other_name, PAIRED, _mean(difference),
                         low, high, int(both.sum()), int(both.sum()),
                         int((~both).sum()), _mean(ref[both]), _mean(oth[both])))
    return pd.DataFrame(rows)


def welch_differences(reference: pd.DataFrame, other: pd.DataFrame, reference_name: str,
                      other_name: str) -> pd.DataFrame:
    """Per KPI: difference of the means of two independent samples (runs on different
    seeds), with Welch's 95 % interval (unequal variances; Welch-Satterthwaite degrees of
    freedom). Undefined values are left out of their own sample and counted."""
    rows = []
    for column in kpi_columns(reference):
        if column not in other.columns:
            continue
        ref_all = reference[column].to_numpy(dtype=float)
        oth_all = other[column].to_numpy(dtype=float)
        ref, oth = ref_all[~np.isnan(ref_all)], oth_all[~np.isnan(oth_all)]
        difference = _mean(oth) - _mean(ref)
        low = high = float("nan")
        if ref.size > 1 and oth.size > 1:
            var_ref, var_oth = ref.var(ddof=1) / ref.size, oth.var(ddof=1) / oth.size
            se = np.sqrt(var_ref + var_oth)
            if se > 0:
                df = (var_ref + var_oth) ** 2 / (var_ref**2 / (ref.size - 1)
                                                 + var_oth**2 / (oth.size - 1))
                half = float(_t_quantile(df) * se)
            else:
                half = 0.0
            low, high = difference - half, difference + half
        excluded = int(np.isnan(ref_all).sum() + np.isnan(oth_all).sum())
        rows.append(_row(column, reference_name, other_name, WELCH, difference, low, high,
                         ref.size, oth.size, excluded, _mean(ref), _mean(oth)))
    return pd.DataFrame(rows)
