"""The industrial base: production nodes (one per producing nation and area), their
capacity and outages, and the national orders waiting on them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class IndustryState:
    producers: np.ndarray  # [K] int: producing nations, heaviest industrial weight first
    is_producer: np.ndarray  # [N] bool
    supplier: np.ndarray  # [N, A] int: the nation whose node builds national orders
    capacity: np.ndarray  # [N, A] units per quarter (0 for non-producers)
    down_until: np.ndarray  # [N, A] int: last quarter a node is disabled by an attack
    pipeline: np.ndarray  # [N, A, L] units of national orders in lead time (slot 0 next)
    backlog: np.ndarray  # [N, A] units of national orders ready and waiting for capacity

    def nodes_up(self, step: int) -> np.ndarray:
        """[N, A] bool: nodes working in quarter ``step`` (the set-up counts as quarter 1)."""
        return self.down_until < max(step, 1)
