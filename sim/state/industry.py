"""The industrial base: production nodes (a producing nation's production in an area),
each with several production lines, their capacity and outages, capacity being built, and
the national orders waiting on them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class IndustryState:
    producers: np.ndarray  # [K] int: nations that can produce, heaviest first
    is_producer: np.ndarray  # [N] bool
    supplier: np.ndarray  # [N, A] int: the nation whose node builds national orders
    capacity: np.ndarray  # [N, A] units per quarter with every line up (0: no node)
    building: np.ndarray  # [N, A, R] units per quarter of capacity under construction,
    #                       slot 0 comes on line next quarter
    line_down_until: np.ndarray  # [N, A, L] int: last quarter each line is disabled
    pipeline: np.ndarray  # [N, A, L] units of national orders in lead time (slot 0 next)
    backlog: np.ndarray  # [N, A] units of national orders ready and waiting for capacity
    # The same for equipment each nation buys new for Ukraine (it leaves the alliance).
    ukraine_pipeline: np.ndarray  # [N, A, L]
    ukraine_backlog: np.ndarray  # [N, A]
    premium: np.ndarray  # [N, A] surge price premium of each node's new orders (0 = none)
    lines_hit: np.ndarray  # [N] lines of the nation disabled by attacks this quarter
    attacks_foiled: np.ndarray  # [N] attacks on the nation's lines foiled this quarter

    def lines_up(self, step: int) -> np.ndarray:
        """[N, A, L] bool: lines working in quarter ``step`` (set-up counts as quarter 1)."""
        return self.line_down_until < max(step, 1)

    def up_share(self, step: int) -> np.ndarray:
        """[N, A] share of each node's lines working in quarter ``step``."""
        return self.lines_up(step).mean(axis=2)
