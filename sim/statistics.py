"""Statistics shared by the model's mechanisms, its records and the dashboards."""

from __future__ import annotations

import math

import numpy as np


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0: all equal)."""
    if values.size == 0 or values.sum() <= 0:
        return 0.0
    ordered = np.sort(values)
    n = ordered.size
    ranks = np.arange(1, n + 1)
    return float((2 * ranks - n - 1) @ ordered / (n * ordered.sum()))


def average_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks starting at 1, ties sharing their average rank."""
    n = values.size
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts_group = np.ones(n, dtype=bool)
    starts_group[1:] = ordered[1:] != ordered[:-1]
    ranks = np.empty(n)
    if starts_group.all():  # no ties (the usual case): the same ranks, computed directly
        ranks[order] = np.arange(1.0, n + 1.0)
        return ranks
    starts = np.flatnonzero(starts_group)
    ends = np.append(starts[1:], n)
    # A tie group in sorted positions start..end-1 holds ranks start+1..end: mean below.
    ranks[order] = ((starts + ends + 1) / 2.0)[np.cumsum(starts_group) - 1]
    return ranks


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman rank correlation; 0 when either variable is constant."""
    n = x.size
    if n < 2:
        return 0.0
    # Ranks (ties averaged) always sum to n(n+1)/2, so their mean needs no pass over them.
    # Centred, they are whole or half numbers: their products add up exactly in any
    # order, so dot products give the same sums as elementwise ones, at less cost.
    centre = n * (n + 1) / 2 / n
    rx, ry = average_ranks(x) - centre, average_ranks(y) - centre
    denominator = math.sqrt(float(rx @ rx) * float(ry @ ry))
    return float(rx @ ry) / denominator if denominator > 0 else 0.0
