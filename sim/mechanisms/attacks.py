"""Hybrid attacks on critical industrial nodes.

Attacks arrive as a Poisson process whose rate rises with the threat (drivers); each
disables one node (a nation's production line in an area) for some quarters. Targets are
drawn in proportion to the node's capacity times its nation's threat exposure: attackers
go for what matters, and nations near Russia are easier to reach. Scripted node attacks
(injects) add to the random ones.
"""

from __future__ import annotations

import numpy as np

from sim.schema.alliance import Industry
from sim.state import State


def draw_attacks(rate: float, capacity: np.ndarray, exposure: np.ndarray,
                 rng: np.random.Generator) -> np.ndarray:
    """Flat indices into ``capacity[N, A]`` of nodes hit this quarter (may repeat)."""
    count = rng.poisson(rate)
    weights = (capacity * exposure[:, None]).ravel()
    total = weights.sum()
    if count == 0 or total <= 0:
        return np.zeros(0, dtype=int)
    return rng.choice(weights.size, size=count, p=weights / total)


def advance(state: State, industry_params: Industry, rng: np.random.Generator) -> None:
    """Draw this quarter's attacks and apply the scripted ones dated this quarter."""
    t, industry = state.step, state.industry
    duration = industry_params.attack_duration
    hit = draw_attacks(float(state.world.paths.attack_rate[t]),
                       industry.capacity * industry.nodes_up(t), state.nations.exposure, rng)
    rows, cols = np.unravel_index(hit, industry.capacity.shape)
    # Down in quarters t .. t + duration - 1.
    industry.down_until[rows, cols] = np.maximum(industry.down_until[rows, cols],
                                                 t + duration - 1)
    state.totals.attacks += hit.size
    for scripted in state.world.paths.node_attacks.get(t, []):
        areas = slice(None) if scripted.area is None else scripted.area
        until = t + (scripted.duration or duration) - 1
        selected = industry.down_until[scripted.nations, areas]
        industry.down_until[scripted.nations, areas] = np.maximum(selected, until)
        # Only nations with a production node in the area have something to hit.
        state.totals.attacks += int((industry.capacity[scripted.nations, areas] > 0).sum())
