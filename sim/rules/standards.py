"""Technical standards: fragmentation and interoperability.

Each nation uses one standard (weapon-system family) per area. Europe starts fragmented
(Munich Security Report 2017: 178 weapon-system types against 30 in the US). The largest
producers each own a standard; other nations buy into one, likelier the larger its owner.
"""

from __future__ import annotations

import numpy as np


def assign_initial_standards(industrial_weight: np.ndarray, producers: np.ndarray,
                             standards_per_area: list[int], rng: np.random.Generator
                             ) -> tuple[np.ndarray, np.ndarray]:
    """Return ``standard[N, A]`` and ``owner[A, S]`` (the nation that owns standard S).

    ``producers`` lists producing nations, heaviest first; the first ``k_a`` own the
    standards of area ``a``; every other nation picks a standard with probability in
    proportion to its owner's industrial weight.
    """
    n = industrial_weight.size
    max_standards = max(standards_per_area)
    standard = np.zeros((n, len(standards_per_area)), dtype=int)
    owner = np.full((len(standards_per_area), max_standards), -1, dtype=int)
    for area, wanted in enumerate(standards_per_area):
        count = max(1, min(wanted, producers.size))
        owners = producers[:count]
        owner[area, :count] = owners
        weights = industrial_weight[owners] / industrial_weight[owners].sum()
        standard[:, area] = rng.choice(count, size=n, p=weights)
        standard[owners, area] = np.arange(count)
    return standard, owner


def interoperability(weights: np.ndarray, standard: np.ndarray, n_standards: int
                     ) -> np.ndarray:
    """Per area: the weighted share of pairs of nations on the same standard.

    ``weights[N, A]`` (capability), ``standard[N, A]``. Computed from per-standard totals
    in O(N) rather than over all pairs: sum over standards of (W_s^2 - sum w_i^2), divided
    by (W^2 - sum w_i^2).
    """
    n_areas = weights.shape[1]
    cell = (np.arange(n_areas)[None, :] * n_standards + standard).ravel()
    totals = np.bincount(cell, weights=weights.ravel(), minlength=n_areas * n_standards)
    totals = totals.reshape(n_areas, n_standards)
    own_squares = (weights**2).sum(axis=0)
    same = (totals**2).sum(axis=1) - own_squares
    all_pairs = weights.sum(axis=0) ** 2 - own_squares
    share = np.where(all_pairs > 0, same / np.where(all_pairs > 0, all_pairs, 1.0), 1.0)
    return np.clip(share, 0.0, 1.0)  # rounding can stray a hair outside [0, 1]


def fragmentation(standard: np.ndarray, in_use: np.ndarray, n_standards: int) -> np.ndarray:
    """Per area: the number of distinct standards held by nations with capability."""
    n_areas = standard.shape[1]
    cell = (np.arange(n_areas)[None, :] * n_standards + standard)[in_use]
    holders = np.bincount(cell, minlength=n_areas * n_standards)
    return (holders.reshape(n_areas, n_standards) > 0).sum(axis=1)
