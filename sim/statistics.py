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


def spread(values: np.ndarray) -> tuple[float, np.ndarray, float]:
    """Mean, deviations from the mean and standard deviation of ``values`` (non-empty),
    equal bit for bit to numpy's ``mean`` and ``std``: cohesion's measure needs all three
    of the same values, so each is computed once, and on Python floats where numpy's
    per-call overhead on a scalar would cost more than the arithmetic."""
    mean = float(values.sum()) / values.size
    deviation = values - mean
    return mean, deviation, math.sqrt(float((deviation * deviation).sum()) / values.size)


def average_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks starting at 1 along the last axis (each row of a 2-D array ranked on its
    own), ties sharing their average rank."""
    if values.size == 0:
        return np.empty(values.shape)
    rows = values.reshape(-1, values.shape[-1])
    count, n = rows.shape
    order = np.argsort(rows, axis=1, kind="stable")
    ordered = np.take_along_axis(rows, order, axis=1)
    starts_group = np.ones((count, n), dtype=bool)
    starts_group[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    ranks = np.empty((count, n))
    if starts_group.all():  # no ties (the usual case): the same ranks, computed directly
        np.put_along_axis(ranks, order, np.arange(1.0, n + 1.0)[None, :], axis=1)
        return ranks.reshape(values.shape)
    # Tie groups numbered over all rows in sorted order (each row starts one): a group in
    # sorted positions start..end-1 of its row holds ranks start+1..end: mean below.
    starts = np.flatnonzero(starts_group)
    ends = np.append(starts[1:], count * n)
    row_start = starts - starts % n
    mean = ((starts - row_start) + (ends - row_start) + 1) / 2.0
    sorted_ranks = mean[np.cumsum(starts_group) - 1].reshape(count, n)
    np.put_along_axis(ranks, order, sorted_ranks, axis=1)
    return ranks.reshape(values.shape)


def spearman_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """[R]: the Spearman rank correlation of each row of ``x[R, n]`` with the same row of
    ``y``; 0 where either is constant."""
    count, n = x.shape
    if n < 2:
        return np.zeros(count)
    # Ranks (ties averaged) always sum to n(n+1)/2, so their mean, (n+1)/2, needs no pass
    # over them. Centred, they are whole or half numbers: their products add up exactly in
    # any order.
    centre = (n + 1) / 2
    rx, ry = average_ranks(x) - centre, average_ranks(y) - centre
    denominator = np.sqrt((rx * rx).sum(axis=1) * (ry * ry).sum(axis=1))
    covariance = (rx * ry).sum(axis=1)
    return np.where(denominator > 0,
                    covariance / np.where(denominator > 0, denominator, 1.0), 0.0)


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman rank correlation; 0 when either variable is constant."""
    return float(spearman_rows(x[None, :], y[None, :])[0])
