"""Joint exercises and intelligence-sharing: practice at operating together.

Each nation puts a share of its defence spending (not its equipment budget) into
multinational exercises and intelligence-sharing (seed article: "expand joint exercises
and deepen intelligence-sharing"). Its forces' practice with allies moves toward the level
that share sustains - full practice at ``full_share`` - and fades without it. Practice
closes part of the interoperability gap that differing standards leave, for the pairs of
nations that practise together (sim.mechanisms.capability), and builds trust
(sim.mechanisms.cohesion): cheap, but only as deep as the hardware allows.
"""

from __future__ import annotations

import numpy as np

from sim.schema.alliance import Exercises
from sim.state import State


def practice_target(exercise_share: np.ndarray, params: Exercises) -> np.ndarray:
    """[N] 0-1: the practice a share of defence spending sustains."""
    return np.minimum(exercise_share / params.full_share, 1.0)


def practised_pairs(capability: np.ndarray, total: np.ndarray, practice: np.ndarray
                    ) -> np.ndarray:
    """[A] the capability-weighted mean over pairs of nations of the product of their
    practice: ``capability[N, A]`` and its ``total`` over nations (which the caller has),
    ``practice[N]`` (from totals, like interoperability)."""
    weighted = capability * practice[:, None]
    pairs = total**2 - (capability**2).sum(axis=0)
    practised = weighted.sum(axis=0) ** 2 - (weighted**2).sum(axis=0)
    return np.divide(practised, pairs, out=np.zeros_like(total), where=pairs > 0)


def with_practice(standards_interoperability: np.ndarray, pairs: np.ndarray,
                  weight: float) -> np.ndarray:
    """[A] interoperability with practice: it closes ``weight`` of the gap that differing
    standards leave, for the pairs that practise together."""
    return standards_interoperability + (1.0 - standards_interoperability) * weight * pairs


def advance(state: State, params: Exercises) -> None:
    """Practice moves toward what this quarter's exercise spending sustains."""
    nations = state.nations
    target = practice_target(nations.exercise_share, params)
    nations.practice = nations.practice + params.practice_adjustment * (
        target - nations.practice)
