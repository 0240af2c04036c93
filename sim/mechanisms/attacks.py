"""Hybrid attacks on critical industrial nodes, and the protection resilience buys.

Attacks arrive as a Poisson process whose rate rises with the threat (drivers). Each
targets one production line: attackers go where they can reach - a working line's chance
of being targeted is proportional to its nation's threat exposure raised to
``attack_focus`` - not where the largest plants are (reported sabotage and arson in
2022-2024 concentrated on Europe's eastern flank and Germany). An attack on a protected
nation is foiled with its protection, which resilience spending buys with diminishing
returns; a successful one disables the line for ``attack_duration`` quarters. Scripted
node attacks (injects) disable every line of the nodes they name.
"""

from __future__ import annotations

import numpy as np

from sim.schema.alliance import Industry, Resilience
from sim.state import State


def protection(resilience_pct_gdp: np.ndarray, params: Resilience) -> np.ndarray:
    """[N] share of attacks foiled: ``protection_max`` approached with diminishing returns
    as resilience spending rises (63 % of it at ``protection_scale`` % of GDP)."""
    return params.protection_max * (1.0 - np.exp(-resilience_pct_gdp / params.protection_scale))


def line_weights(lines_up: np.ndarray, capacity: np.ndarray, exposure: np.ndarray,
                 focus: float) -> np.ndarray:
    """[N, A, L] chance weights of working lines of existing nodes being targeted."""
    reach = exposure ** focus
    exists = capacity > 0
    return lines_up * (exists[..., None] * reach[:, None, None])


def draw_attacks(count: int, weights: np.ndarray, foiled_chance: np.ndarray,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Flat indices into ``weights[N, A, L]`` of the lines ``count`` attacks hit (may
    repeat), and the nation of every foiled attack."""
    flat = weights.ravel()
    total = flat.sum()
    if total <= 0:
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    targets = rng.choice(flat.size, size=count, p=flat / total)
    nations = targets // (weights.shape[1] * weights.shape[2])
    foiled = rng.random(count) < foiled_chance[nations]
    return targets[~foiled], nations[foiled]


def advance(state: State, params: Industry, resilience: Resilience,
            rng: np.random.Generator) -> None:
    """Draw this quarter's attacks and apply the scripted ones dated this quarter."""
    t, industry, nations = state.step, state.industry, state.nations
    duration = params.attack_duration
    nations.protection = protection(nations.resilience, resilience)
    count = rng.poisson(float(state.world.paths.attack_rate[t]))
    # Most quarters see no attack: then there are no targets to weigh.
    industry.lines_hit, industry.attacks_foiled = np.zeros(state.n), np.zeros(state.n)
    if count:
        weights = line_weights(industry.lines_up(t), industry.capacity, nations.exposure,
                               params.attack_focus)
        hit, foiled_on = draw_attacks(count, weights, nations.protection, rng)
        nation, area, line = np.unravel_index(hit, weights.shape)
        # Down in quarters t .. t + duration - 1.
        industry.line_down_until[nation, area, line] = np.maximum(
            industry.line_down_until[nation, area, line], t + duration - 1)
        industry.lines_hit = np.bincount(nation, minlength=state.n).astype(float)
        industry.attacks_foiled = np.bincount(foiled_on, minlength=state.n).astype(float)
        state.totals.attacks += hit.size
    for scripted in state.world.paths.node_attacks.get(t, []):
        areas = slice(None) if scripted.area is None else scripted.area
        until = t + (scripted.duration or duration) - 1
        selected = industry.line_down_until[scripted.nations, areas]
        industry.line_down_until[scripted.nations, areas] = np.maximum(selected, until)
        # Only nations with a production node in the area have something to hit.
        exists = industry.capacity[scripted.nations, areas] > 0
        state.totals.attacks += int(exists.sum())
        np.add.at(industry.lines_hit, scripted.nations,
                  exists.reshape(len(scripted.nations), -1).sum(axis=1)
                  * params.lines_per_node)
