"""Technical standards: who buys on which, switching, fragmentation and interoperability.

Each nation uses one standard (weapon-system family) per area. Europe starts fragmented
(Munich Security Report 2017: 178 weapon-system types against 30 in the US). The largest
producers each own a standard; other nations buy into one, likelier the larger its owner.
Harmonisation money accumulates until it covers the cost of switching to the target
standard: the alliance's reference standard, or under coalitions the nation's coalition's.
"""

from __future__ import annotations

import numpy as np

from sim.enums import Governance
from sim.schema.alliance import Decisions
from sim.state import State

# Legacy fleet below this share of the stock is not worth retrofitting.
RETROFIT_FLOOR = 0.05


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
    share = np.divide(same, all_pairs, out=np.ones_like(same), where=all_pairs > 0)
    # Rounding can stray a hair outside [0, 1]; minimum/maximum in place are np.clip's
    # values with less call overhead.
    return np.minimum(np.maximum(share, 0.0, out=share), 1.0, out=share)


def fragmentation(standard: np.ndarray, buying: np.ndarray, n_standards: int) -> np.ndarray:
    """Per area: the number of distinct standards nations are buying (``standard[N, A]``
    where ``buying[N, A]``). Legacy fleets on other standards linger for decades; this
    counts the choices being made now."""
    n_areas = standard.shape[1]
    cell = (np.arange(n_areas)[None, :] * n_standards + standard)[buying]
    holders = np.bincount(cell, minlength=n_areas * n_standards)
    return (holders.reshape(n_areas, n_standards) > 0).sum(axis=1)


def reference_standards(fleet: np.ndarray) -> np.ndarray:
    """[A] per area, the standard with the most capability behind it."""
    return fleet.sum(axis=0).argmax(axis=1)


def autonomy_weight(european: np.ndarray, us_commitment: float, params: Decisions
                    ) -> np.ndarray:
    """[n] weight each ally gives to European-owned standards (0 outside Europe):
    strategic autonomy, growing as US commitment falls."""
    return european * (params.european_preference
                       + params.autonomy_from_us_doubt * (1.0 - us_commitment))


def owned_in_europe(state: State, standard: np.ndarray) -> np.ndarray:
    """[..., N, A] bool: ``standard[..., N, A]`` (-1: none) is owned by a European ally."""
    owner = state.standards.owner[state.areas.grid, np.maximum(standard, 0)]
    return (standard >= 0) & state.nations.european[np.maximum(owner, 0)]


def standard_preferences(state: State, members: np.ndarray, area: int, params: Decisions
                         ) -> np.ndarray:
    """[members, S] how much each member prefers each standard of the area: the share of
    its fleet on it, plus ``industry_preference`` if its own industry owns it, plus - for
    European members - a strategic-autonomy weight on European-owned standards that grows
    as US commitment falls."""
    standards, nations = state.standards, state.nations
    fleet = state.forces.fleet[members, area, :]
    stock = fleet.sum(axis=1, keepdims=True)
    fleet_share = np.divide(fleet, stock, out=np.zeros_like(fleet), where=stock > 0)
    owner = standards.owner[area]
    exists = owner >= 0
    owns = (owner[None, :] == members[:, None]) & exists[None, :]
    european_owned = exists & nations.european[np.maximum(owner, 0)]
    autonomy = autonomy_weight(nations.european[members], state.world.us_commitment, params)
    return fleet_share + params.industry_preference * owns + \
        autonomy[:, None] * european_owned[None, :]


def choose_standard(state: State, members: np.ndarray, weights: np.ndarray, area: int,
                    params: Decisions) -> int:
    """The standard a group of nations agrees to buy on: the existing standard with the
    largest preference summed over members weighted by ``weights`` (their money in the
    programme), ties to the lower index."""
    score = weights @ standard_preferences(state, members, area, params)
    return int(np.argmax(np.where(state.standards.owner[area] >= 0, score, -np.inf)))


def on_standard(fleet: np.ndarray, standard: np.ndarray) -> np.ndarray:
    """[N, A] each nation's ``fleet[N, A, S]`` on ``standard[N, A]``. Flat indices into
    the fleet: a fraction of the cost of indexing its three axes at once."""
    n_standards = fleet.shape[2]
    cells = np.arange(0, fleet.size, n_standards).reshape(standard.shape)
    return fleet.reshape(-1)[cells + standard]


def harmonisation_target(state: State, governance: Governance) -> np.ndarray:
    """[N, A] the standard each nation harmonises toward (-1: none): that of its last
    programme in the area, else under consensus the alliance's standard."""
    target = state.standards.target
    if governance is Governance.CONSENSUS:
        return np.where(target >= 0, target, state.standards.alliance[None, :])
    return target


def harmonisation_need(state: State, params: Decisions, governance: Governance
                       ) -> np.ndarray:
    """[N, A] USD bn harmonisation money can still use: what remains of the cost of
    switching to the target standard, or, once switched, of retrofitting the legacy
    fleet (none where there is no target, or the legacy fleet is too small to bother)."""
    return need_toward(state, params, harmonisation_target(state, governance))


def need_toward(state: State, params: Decisions, target: np.ndarray) -> np.ndarray:
    """:func:`harmonisation_need` toward ``target[N, A]`` (from
    :func:`harmonisation_target`, when the caller has it already)."""
    forces, standards = state.forces, state.standards
    on_target = on_standard(forces.fleet, np.maximum(target, 0))
    legacy = forces.stock - on_target
    retrofit_need = np.where(legacy > RETROFIT_FLOOR * forces.stock,
                             legacy * params.retrofit_cost, 0.0)
    cost = np.where(standards.standard != target,
                    params.standard_switch_cost * forces.stock, retrofit_need)
    return np.where(target >= 0, np.maximum(cost - standards.harmonisation, 0.0), 0.0)


def supplier_of(capacity: np.ndarray, owner: np.ndarray, nations: np.ndarray
                ) -> np.ndarray:
    """The node that builds a nation's national orders on a standard owned by ``owner``:
    its own, under licence, where it has a production node in the area; else the
    owner's."""
    return np.where(capacity > 0, nations, owner)


def adopt(state: State, nations: np.ndarray, areas: np.ndarray, standard: np.ndarray
          ) -> None:
    """Nations buy on a new standard in an area from now on (``[K]`` pairs of nation and
    area, no pair twice; from their own node under licence, or from the owner's); the
    fleet in service stays on the standards it was built on."""
    state.standards.standard[nations, areas] = standard
    state.industry.supplier[nations, areas] = supplier_of(
        state.industry.capacity[nations, areas], state.standards.owner[areas, standard],
        nations)


def switch(state: State, params: Decisions, governance: Governance) -> None:
    """Harmonisation money first pays for switching the standard a nation buys on (its
    cost a share of the area's stock value), then retrofits legacy fleet to it."""
    standards, forces = state.standards, state.forces
    target = harmonisation_target(state, governance)
    has_target = target >= 0
    cost = params.standard_switch_cost * forces.stock
    ready = has_target & (standards.standard != target) & \
        (standards.harmonisation >= cost) & (forces.stock > 0)
    # All switches at once: each pair of nation and area is independent of the others.
    nations, areas = np.nonzero(ready)
    if nations.size:
        adopt(state, nations, areas, target[nations, areas])
        standards.harmonisation[nations, areas] -= cost[nations, areas]
    retrofitting = has_target & (standards.standard == target) & \
        (standards.harmonisation > 0)
    nations, areas = np.nonzero(retrofitting)
    if nations.size:  # none for the first years of a run
        retrofit(state, nations, areas, target[nations, areas], params)


def retrofit(state: State, nations: np.ndarray, areas: np.ndarray, standard: np.ndarray,
             params: Decisions) -> None:
    """Convert legacy fleet to ``standard`` with each nation's harmonisation money, at
    ``retrofit_cost`` per unit, taking from every other standard pro rata (``[K]`` pairs of
    nation and area, each its own standard; no pair twice)."""
    fleet = state.forces.fleet[nations, areas]  # [K, S]
    on_target = fleet[np.arange(nations.size), standard]
    legacy = fleet.sum(axis=1) - on_target
    converting = legacy > 0
    if not converting.all():
        nations, areas, standard = nations[converting], areas[converting], standard[converting]
        fleet, legacy, on_target = fleet[converting], legacy[converting], \
            on_target[converting]
    units = np.minimum(state.standards.harmonisation[nations, areas] / params.retrofit_cost,
                       legacy)
    # Every standard loses its share, then the target column is set to what it had plus
    # the units converted: fewer operations than masking the other standards.
    converted = fleet - units[:, None] * fleet / legacy[:, None]
    converted[np.arange(nations.size), standard] = on_target + units
    state.forces.fleet[nations, areas] = converted
    state.standards.harmonisation[nations, areas] -= units * params.retrofit_cost
