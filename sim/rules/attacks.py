"""Hybrid attacks on critical industrial nodes.

Attacks arrive as a Poisson process whose rate rises with the threat (drivers); each
disables one node (a nation's production line in an area) for some quarters. Targets are
drawn in proportion to the node's capacity times its nation's threat exposure: attackers
go for what matters, and nations near Russia are easier to reach.
"""

from __future__ import annotations

import numpy as np


def draw_attacks(rate: float, capacity: np.ndarray, exposure: np.ndarray,
                 rng: np.random.Generator) -> np.ndarray:
    """Flat indices into ``capacity[N, A]`` of nodes hit this quarter (may repeat)."""
    count = rng.poisson(rate)
    weights = (capacity * exposure[:, None]).ravel()
    total = weights.sum()
    if count == 0 or total <= 0:
        return np.zeros(0, dtype=int)
    return rng.choice(weights.size, size=count, p=weights / total)
