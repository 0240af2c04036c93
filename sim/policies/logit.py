"""Logit choice with inertia (McFadden 1974): the building blocks of the behavioural
policy's choice among pathways.

A softmax whose temperature stands for bounded rationality turns scores into budget
shares; shares move only part of the way each quarter because budgets are planned years
ahead; urgency from threat and doubt about the US raises the weight on speed.
"""

from __future__ import annotations

import numpy as np

# Quarters that make a difference of one unit of utility for a nation with speed weight 1.
SPEED_SCALE = 16.0
# Utility per unit of relative cost difference for a nation with cost weight 1.
COST_SCALE = 1.5


def softmax_shares(utilities: np.ndarray, available: np.ndarray, temperature: float
                   ) -> np.ndarray:
    """Shares over the last axis; unavailable options get exactly zero."""
    scaled = np.where(available, utilities / temperature, -np.inf)
    # The best option, one option at a time: numpy's max over a short last axis costs a
    # call per row, and a maximum is the same in any order.
    best = scaled[..., 0]
    for option in range(1, scaled.shape[-1]):
        best = np.maximum(best, scaled[..., option])
    scaled -= best[..., None]
    weights = np.exp(scaled)
    return weights / weights.sum(axis=-1, keepdims=True)


def with_inertia(previous: np.ndarray, target: np.ndarray, inertia: float) -> np.ndarray:
    """Keep ``inertia`` of last quarter's allocation; rows still sum to one."""
    return inertia * previous + (1.0 - inertia) * target


def urgency(threat_perception: np.ndarray, us_doubt: np.ndarray, from_threat: float,
            from_us_doubt: float) -> np.ndarray:
    """Multiplier of the weight on speed."""
    return 1.0 + from_threat * threat_perception + from_us_doubt * us_doubt
