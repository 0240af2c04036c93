"""Trust, satisfaction and alliance cohesion.

Cohesion combines the parts named in the literature and the seed article: alignment of
threat perception and of domestic politics, fairness of burden sharing, trust built by
promises kept, and inclusion (nations left out of coalitions lose cohesion). In the spirit
of Axelrod & Bennett's landscape theory each part is a "one minus frustration" term; the
parts stay visible in the outputs.
"""

from __future__ import annotations

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
    if x.size < 2:
        return 0.0
    rx, ry = average_ranks(x), average_ranks(y)
    rx, ry = rx - rx.mean(), ry - ry.mean()
    denominator = np.sqrt((rx**2).sum() * (ry**2).sum())
    return float((rx * ry).sum() / denominator) if denominator > 0 else 0.0


def alignment(values: np.ndarray) -> float:
    """1 minus twice the standard deviation (values in [0, 1]), clipped to [0, 1]."""
    # min/max rather than np.clip: the same value, without numpy's per-call overhead on a
    # scalar (this runs twice a step).
    return min(max(1.0 - 2.0 * float(values.std()), 0.0), 1.0) if values.size else 1.0


def update_trust(trust: np.ndarray, kept: np.ndarray, broken: np.ndarray,
                 memberships: np.ndarray, left_out: np.ndarray, gain_kept: float,
                 loss_broken: float, gain_membership: float, loss_excluded: float
                 ) -> np.ndarray:
    """Trust moves with promises kept and broken, shared membership and exclusion.

    Counts are per nation this quarter (milestones kept, broken; active memberships;
    areas left out of coalitions); each event moves trust a fixed share of the way to 1
    (gains) or to 0 (losses), so trust stays in [0, 1].
    """
    trust = 1.0 - (1.0 - trust) * (1.0 - gain_kept) ** kept
    trust = 1.0 - (1.0 - trust) * (1.0 - gain_membership) ** memberships
    trust = trust * (1.0 - loss_broken) ** broken
    return trust * (1.0 - loss_excluded) ** left_out


def fairness(share: np.ndarray, mean_share: float) -> np.ndarray:
    """A nation's sense of fair burden sharing: 1 at or below the alliance's average
    burden, falling to 0 at twice the average."""
    if mean_share <= 0:
        return np.ones_like(share)
    return np.clip(2.0 - share / mean_share, 0.0, 1.0)


def weighted_mean(parts: dict[str, float | np.ndarray], weights: dict[str, float]
                  ) -> float | np.ndarray:
    """Mean of the named parts with the given weights (weights need not sum to 1)."""
    total = sum(weights.values())
    return sum(weights[name] * parts[name] for name in weights) / total
