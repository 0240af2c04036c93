"""Summaries of replications: distribution and confidence interval of each KPI, and
paired differences between scenarios run on common random numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

CONFIDENCE = 0.95


def _t_interval(values: np.ndarray) -> tuple[float, float]:
    n = values.size
    mean = float(values.mean()) if n else 0.0
    if n < 2:
        return mean, mean
    half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1) * values.std(ddof=1) / np.sqrt(n))
    return mean - half, mean + half


def kpi_summary(kpis: pd.DataFrame) -> pd.DataFrame:
    """Per KPI: n, mean, sd, 5/50/95 % quantiles and the 95 % CI of the mean (t)."""
    rows = []
    for column in kpis.columns:
        if column == "replication":
            continue
        values = kpis[column].to_numpy(dtype=float)
        low, high = _t_interval(values)
        rows.append({
            "kpi": column, "n": values.size, "mean": values.mean(),
            "sd": values.std(ddof=1) if values.size > 1 else 0.0,
            "q05": np.quantile(values, 0.05), "q50": np.quantile(values, 0.5),
            "q95": np.quantile(values, 0.95), "ci_low": low, "ci_high": high,
        })
    return pd.DataFrame(rows)


def paired_differences(reference: pd.DataFrame, other: pd.DataFrame, reference_name: str,
                       other_name: str) -> pd.DataFrame:
    """Per KPI: mean of (other - reference) over replications paired by index, with its
    95 % t interval (Law, Simulation Modeling and Analysis, ch. 10)."""
    merged = reference.merge(other, on="replication", suffixes=("_ref", "_other"))
    rows = []
    for column in reference.columns:
        if column == "replication":
            continue
        difference = (merged[f"{column}_other"] - merged[f"{column}_ref"]).to_numpy(float)
        low, high = _t_interval(difference)
        rows.append({
            "kpi": column, "scenario": other_name, "reference": reference_name,
            "mean_difference": float(difference.mean()) if difference.size else 0.0,
            "ci_low": low, "ci_high": high, "n": difference.size,
            "reference_mean": float(merged[f"{column}_ref"].mean()),
            "scenario_mean": float(merged[f"{column}_other"].mean()),
        })
    return pd.DataFrame(rows)
