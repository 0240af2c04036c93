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


def interoperability(fleet_capability: np.ndarray) -> np.ndarray:
    """Per area: the capability-weighted share of pairs of nations on the same standard.

    ``fleet_capability[N, A, S]`` is each nation's capability per area and standard. For a
    pair of nations the overlap is the sum over standards of the product of their holdings;
    summed over pairs, this is sum over standards of (C_s^2 - sum_i c_is^2), divided by
    all pairs (C^2 - sum_i c_i^2). Computed from totals in O(N) rather than over pairs.
    """
    per_standard = fleet_capability.sum(axis=0)  # [A, S]
    own_per_standard = (fleet_capability**2).sum(axis=0)  # [A, S]
    nation_total = fleet_capability.sum(axis=2)  # [N, A]
    same = (per_standard**2 - own_per_standard).sum(axis=1)
    all_pairs = nation_total.sum(axis=0) ** 2 - (nation_total**2).sum(axis=0)
    share = np.where(all_pairs > 0, same / np.where(all_pairs > 0, all_pairs, 1.0), 1.0)
    return np.clip(share, 0.0, 1.0)  # rounding can stray a hair outside [0, 1]


def fragmentation(standard: np.ndarray, buying: np.ndarray, n_standards: int) -> np.ndarray:
    """Per area: the number of distinct standards nations are buying (``standard[N, A]``
    where ``buying[N, A]``). Legacy fleets on other standards linger for decades; this
    counts the choices being made now."""
    n_areas = standard.shape[1]
    cell = (np.arange(n_areas)[None, :] * n_standards + standard)[buying]
    holders = np.bincount(cell, minlength=n_areas * n_standards)
    return (holders.reshape(n_areas, n_standards) > 0).sum(axis=1)
