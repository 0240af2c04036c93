"""Forming joint programmes and hubs: who joins, and how long agreeing takes.

Agreement follows veto-player theory (Tsebelis 2002): the chance that a proposal is agreed
in a quarter falls with every additional veto player and with the spread of their
preferences. Under consensus every ally is a veto player; a coalition of the willing needs
only its members. Coalitions gather around lead nations, choosing partners as in
Axelrod & Bennett's landscape theory (1993): nations close in preferences, sharing a
standard and trusting their allies are the least "frustrated" partners.
"""

from __future__ import annotations

import numpy as np


def agreement_probability(veto_players: int, preference_spread: float, base_rate: float,
                          veto_player_drag: float, preference_drag: float) -> float:
    """Chance per quarter that a proposal is agreed."""
    extra_players = max(veto_players - 2, 0)
    return float(base_rate * np.exp(-veto_player_drag * extra_players
                                    - preference_drag * preference_spread))


def coalition_affinity(candidate_preference: np.ndarray, lead_preference: float,
                       same_standard: np.ndarray, trust: np.ndarray) -> np.ndarray:
    """Attraction of candidates to a lead nation (the negative of landscape frustration)."""
    return -2.0 * np.abs(candidate_preference - lead_preference) + 1.0 * same_standard \
        + 1.0 * trust


def gather_coalitions(pool: np.ndarray, lead_weight: np.ndarray, preference: np.ndarray,
                      standard: np.ndarray, trust: np.ndarray, min_members: int,
                      max_members: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Split the willing nations ``pool`` into coalitions around lead nations.

    The heaviest remaining nation leads; it invites the partners with the highest affinity
    (plus Gumbel noise: a logit choice of partners) up to ``max_members``. Leftovers too few
    for a coalition stay out.
    """
    remaining = list(pool)
    coalitions: list[np.ndarray] = []
    while len(remaining) >= min_members:
        candidates = np.array(remaining)
        lead = int(candidates[np.argmax(lead_weight[candidates])])
        others = candidates[candidates != lead]
        affinity = coalition_affinity(preference[others], preference[lead],
                                      standard[others] == standard[lead], trust[others])
        affinity = affinity + rng.gumbel(0.0, 0.5, size=others.size)
        chosen = others[np.argsort(-affinity, kind="stable")[: max_members - 1]]
        members = np.concatenate(([lead], chosen)).astype(int)
        coalitions.append(members)
        joined = set(members.tolist())  # once per coalition: linear in the pool, not quadratic
        remaining = [nation for nation in remaining if nation not in joined]
    return coalitions
