"""One seeded random stream per stochastic process of a run.

A replication's :class:`numpy.random.SeedSequence` is spawned into one child per process,
always in the same order, so that replication *i* of two scenarios sees the same draws in
each process even when a policy changes how many draws another process makes (common
random numbers; Law, *Simulation Modeling and Analysis*, ch. 11).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PROCESSES = ("drivers", "politics", "attacks", "formation", "setup", "mesa")


def as_seed_sequence(seed: int | np.random.SeedSequence | None) -> np.random.SeedSequence:
    """A fresh SeedSequence equal to ``seed`` (copied, so spawning never alters the caller's)."""
    if isinstance(seed, np.random.SeedSequence):
        return np.random.SeedSequence(entropy=seed.entropy, spawn_key=seed.spawn_key,
                                      pool_size=seed.pool_size)
    if seed is None:
        return np.random.SeedSequence()
    return np.random.SeedSequence(int(seed))


@dataclass(frozen=True)
class RandomStreams:
    drivers: np.random.Generator  # noise on driver trajectories, Moscow's negotiation
    politics: np.random.Generator  # election calendars and election shocks
    attacks: np.random.Generator  # arrivals and targets of hybrid attacks
    formation: np.random.Generator  # coalition partner choice and agreement draws
    setup: np.random.Generator  # initial assignment of technical standards
    mesa: np.random.Generator  # handed to mesa.Model (unused by the rules; Mesa owns it)

    @classmethod
    def from_seed(cls, seed: int | np.random.SeedSequence | None) -> RandomStreams:
        children = as_seed_sequence(seed).spawn(len(PROCESSES))
        return cls(*(np.random.default_rng(child) for child in children))
