"""Technical standards: who buys on which, switching, fragmentation and interoperability.

Each nation uses one standard (weapon-system family) per area. Europe starts fragmented
(Munich Security Report 2017: 178 weapon-system types against 30 in the US). The largest
producers each own a standard; other nations buy into one, likelier the larger its owner.
Harmonisation money accumulates until it covers the cost of switching to the target
standard: the alliance's reference standard, or under coalitions the nation's coalition's.
"""

from __future__ import annotations

import numpy as np

from sim.enums import Governance, VentureKind
from sim.schema.alliance import Decisions
from sim.state import State


def assign_initial_standards(industrial_weight: np.ndarray, producers: np.ndarray,
                             standards_per_area: list[int], rng: np.random.Generator
                             ) -> tuple[np.ndarray, np.ndarray]:
    """Return ``standard[N, A]`` and ``owner[A, S]`` (the nation that owns standard S).

    ``producers`` lists producing nations, heaviest first; the first ``k_a`` own the
    standards of area ``a``; every other nation picks a standard with probability in
    proportion to its owner's industrial weight.
    """
    n = industrial_weight.size
    max_standards = max(standards_per_area)
    standard = np.zeros((n, len(standards_per_area)), dtype=int)
    owner = np.full((len(standards_per_area), max_standards), -1, dtype=int)
    for area, wanted in enumerate(standards_per_area):
        count = max(1, min(wanted, producers.size))
        owners = producers[:count]
        owner[area, :count] = owners
        weights = industrial_weight[owners] / industrial_weight[owners].sum()
        standard[:, area] = rng.choice(count, size=n, p=weights)
        standard[owners, area] = np.arange(count)
    return standard, owner


def interoperability(fleet_capability: np.ndarray) -> np.ndarray:
    """Per area: the capability-weighted share of pairs of nations on the same standard.

    ``fleet_capability[N, A, S]`` is each nation's capability per area and standard. For a
    pair of nations the overlap is the sum over standards of the product of their holdings;
    summed over pairs, this is sum over standards of (C_s^2 - sum_i c_is^2), divided by
    all pairs (C^2 - sum_i c_i^2). Computed from totals in O(N) rather than over pairs.
    """
    per_standard = fleet_capability.sum(axis=0)  # [A, S]
    own_per_standard = (fleet_capability**2).sum(axis=0)  # [A, S]
    nation_total = fleet_capability.sum(axis=2)  # [N, A]
    same = (per_standard**2 - own_per_standard).sum(axis=1)
    all_pairs = nation_total.sum(axis=0) ** 2 - (nation_total**2).sum(axis=0)
    share = np.where(all_pairs > 0, same / np.where(all_pairs > 0, all_pairs, 1.0), 1.0)
    return np.clip(share, 0.0, 1.0)  # rounding can stray a hair outside [0, 1]


def fragmentation(standard: np.ndarray, buying: np.ndarray, n_standards: int) -> np.ndarray:
    """Per area: the number of distinct standards nations are buying (``standard[N, A]``
    where ``buying[N, A]``). Legacy fleets on other standards linger for decades; this
    counts the choices being made now."""
    n_areas = standard.shape[1]
    cell = (np.arange(n_areas)[None, :] * n_standards + standard)[buying]
    holders = np.bincount(cell, minlength=n_areas * n_standards)
    return (holders.reshape(n_areas, n_standards) > 0).sum(axis=1)


def reference_standards(fleet: np.ndarray) -> np.ndarray:
    """[A] per area, the standard with the most capability behind it (the de facto
    alliance standard that consensus harmonisation converges on)."""
    return fleet.sum(axis=0).argmax(axis=1)


def harmonisation_target(state: State, governance: Governance) -> np.ndarray:
    """[N, A] the standard each nation harmonises toward: its coalition's under
    coalitions, else the alliance's reference standard."""
    target = np.broadcast_to(state.standards.reference[None, :],
                             (state.n, state.areas.n)).copy()
    if governance is Governance.COALITIONS:
        member = state.ventures.member_of[VentureKind.PROGRAMME]
        coalition_standard = state.ventures.standards[member]
        target = np.where(coalition_standard >= 0, coalition_standard, target)
    return target


def adopt(state: State, nations: np.ndarray | int, area: int, standard: int) -> None:
    """Nations switch an area to a standard; non-producers then buy from its owner."""
    standards, industry = state.standards, state.industry
    standards.standard[nations, area] = standard
    standards.harmonisation[nations, area] = 0.0
    industry.supplier[nations, area] = np.where(industry.is_producer[nations], nations,
                                                standards.owner[area, standard])


def switch(state: State, params: Decisions, governance: Governance) -> None:
    """Nations whose harmonisation spending covers the switching cost adopt the target
    standard."""
    target = harmonisation_target(state, governance)
    stock = state.forces.stock
    ready = (state.standards.harmonisation >= params.standard_switch_cost * stock) & \
        (state.standards.standard != target) & (stock > 0)
    for nation, area in zip(*np.nonzero(ready), strict=True):
        adopt(state, int(nation), int(area), int(target[nation, area]))
