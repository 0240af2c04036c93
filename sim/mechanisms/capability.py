"""Readiness and capability: what the equipment in service adds up to, and where each
quarter's change comes from.

Effective capability = stock x readiness, summed per area and multiplied by an
interoperability factor: the share of combined capability usable together, between a
floor (no two nations share a standard) and 1 (all do). Equipment wears out each quarter.

Per area, capability is the product of three factors - the equipment stock, its
stock-weighted readiness (and availability to Europe: US stocks the Indo-Pacific pulls
away count as unavailable) and the interoperability factor - so each quarter's change splits
exactly into a part due to each (log-mean Divisia index; Ang 2004, Energy Policy 32).
"""

from __future__ import annotations

import functools

import numpy as np

from sim.enums import VentureKind, VentureState
from sim.mechanisms import exercises, standards, sustainment
from sim.schema.alliance import Exercises, Industry, USAttention
from sim.state import State


def interoperability_factor(interoperability: np.ndarray, floor: float) -> np.ndarray:
    """[A] share of combined capability usable together."""
    return floor + (1.0 - floor) * interoperability


def wear_out(state: State) -> None:
    """Each area's fleet loses its wear rate of equipment (worn out, consumed, retired)."""
    forces = state.forces
    forces.fleet *= 1.0 - state.areas.wear[None, :, None]
    forces.stock = forces.fleet.sum(axis=2)


FACTORS = ("stock", "readiness", "interoperability")


def hub_service(state: State, up: np.ndarray, params: Industry) -> np.ndarray:
    """[N, A] share of hub service delivered to each member (1 where no active hub);
    ``up`` is each node's share of working lines."""
    hub_up = np.ones((state.n, state.areas.n))
    # All hubs in a few array operations rather than a handful each: under coalitions a
    # dozen or more are active. A hub without hosts delivers in full (the default), and
    # no nation is in two hubs in one area, so the order of assignment does not matter.
    # Enum members looked up once: on Python 3.11 each lookup such as VentureKind.HUB is
    # slow enough that, in this loop over every live venture, it cost most of the time.
    hub, active = VentureKind.HUB, VentureState.ACTIVE
    hubs = [venture for venture in state.ventures.live
            if venture.kind is hub and venture.state is active and venture.hosts.size]
    if not hubs:
        return hub_up
    area = np.array([venture.area for venture in hubs])
    n_hosts = np.array([venture.hosts.size for venture in hubs])
    hosts_up = np.empty(len(hubs))
    for size in set(n_hosts.tolist()):  # a set of a few ints: np.unique costs more here
        # Hubs with as many hosts as each other as the rows of one matrix: a row sum adds
        # in numpy's order for one hub's hosts, which np.add.reduceat (left to right) does
        # not from three hosts up.
        same = np.flatnonzero(n_hosts == size)
        hosts = np.concatenate([hubs[index].hosts for index in same]).reshape(same.size, size)
        hosts_up[same] = up[hosts, area[same, None]].sum(axis=1)
    service = sustainment.hub_availability(hosts_up, n_hosts, params.hub_surge)
    members = [state.ventures.current_members(venture) for venture in hubs]
    n_members = np.array([each.size for each in members])
    hub_up[np.concatenate(members), np.repeat(area, n_members)] = np.repeat(service, n_members)
    return hub_up


def capability_factors(total_stock: np.ndarray, total_capability: np.ndarray,
                       interoperability: np.ndarray) -> np.ndarray:
    """[factor, A] per area, in the order of FACTORS: the stock, its stock-weighted
    readiness and the interoperability factor, whose product is the area's effective
    capability (``total_*`` summed over nations)."""
    factors = np.zeros((len(FACTORS), total_stock.size))
    factors[0] = total_stock
    np.divide(total_capability, total_stock, out=factors[1], where=total_stock > 0)
    factors[2] = interoperability
    return factors


def log_mean(after: np.ndarray, before: np.ndarray) -> np.ndarray:
    """Logarithmic mean (a - b) / (ln a - ln b), equal to a where a = b."""
    ratio = np.divide(after, before, out=np.ones_like(after), where=before > 0)
    log_ratio = np.log(np.where(ratio > 0, ratio, 1.0))
    return np.divide(after - before, log_ratio, out=after.copy(), where=log_ratio != 0)


def decompose(before: np.ndarray, after: np.ndarray) -> dict[str, np.ndarray]:
    """Split the change of the product of the factors (``[factor, A]``) into additive
    parts, one per factor, that sum exactly to the change (LMDI-I). All factors at once
    as one array: a few operations on [3, A] rather than three times as many on [A]."""
    weight = log_mean(after.prod(axis=0), before.prod(axis=0))
    valid = (before > 0) & (after > 0)
    ratio = np.divide(after, before, out=np.ones_like(after), where=valid)
    parts = np.where(valid, weight * np.log(ratio), 0.0)
    return dict(zip(FACTORS, parts, strict=True))


def withheld(state: State, attention: USAttention) -> np.ndarray:
    """[N, A] share of each stock withheld from Europe: US stocks in the areas the
    Indo-Pacific pulls, in proportion to the attention it pulls."""
    areas = _pulled(tuple(state.areas.names), tuple(attention.pulled_areas))
    share = attention.stock_pull * state.world.pacific_attention
    return (state.nations.is_us[:, None] & areas[None, :]) * share


@functools.cache  # the same few settings every quarter of every run
def _pulled(names: tuple[str, ...], pulled: tuple[str, ...]) -> np.ndarray:
    """[A] bool: the area is pulled (np.isin costs tens of microseconds on a few names)."""
    areas = np.array([name in pulled for name in names])
    areas.flags.writeable = False  # shared by every caller
    return areas


def advance(state: State, params: Industry, exercises_params: Exercises,
            attention: USAttention) -> None:
    """Readiness moves toward the level hub coverage and node availability allow;
    capability (less what the Indo-Pacific withholds), interoperability (standards, then
    practice), fragmentation and capability lost to outages follow."""
    forces, nations = state.forces, state.nations
    coverage = sustainment.hub_coverage(forces.hub_funding, forces.stock, params.hub_cost)
    up = state.industry.up_share(state.step)
    own = up[state.industry.supplier, state.areas.grid]
    availability = sustainment.sustainment_availability(coverage, hub_service(state, up, params),
                                                        own)
    undisrupted = sustainment.sustained_readiness(coverage, params.base_readiness,
                                                  params.hub_readiness)
    target = sustainment.readiness_target(undisrupted, availability,
                                          params.disruption_sensitivity)
    rate = params.readiness_adjustment
    forces.readiness += rate * (target - forces.readiness)
    forces.undisrupted_readiness += rate * (undisrupted - forces.undisrupted_readiness)
    forces.hub_coverage = coverage
    available = 1.0 - withheld(state, attention)
    forces.capability = forces.stock * forces.readiness * available
    total_capability = forces.capability.sum(axis=0)
    forces.interoperability = exercises.with_practice(
        standards.interoperability(forces.fleet * (forces.readiness * available)[..., None]),
        exercises.practised_pairs(forces.capability, total_capability, nations.practice),
        exercises_params.interoperability_weight)
    buying = (nations.procurement > 0)[:, None] & (state.areas.share > 0)[None, :]
    forces.fragmentation = standards.fragmentation(state.standards.standard, buying,
                                                   state.standards.count)
    factor = interoperability_factor(forces.interoperability, params.interoperability_floor)
    forces.area_capability = total_capability * factor
    forces.effective_capability = float(forces.area_capability.sum())
    forces.nation_capability = forces.capability.sum(axis=1)
    stock = forces.stock.sum(axis=1)
    forces.nation_readiness = np.divide(forces.nation_capability, stock,
                                        out=np.zeros(state.n), where=stock > 0)
    lost = float((forces.stock * available
                  * (forces.undisrupted_readiness - forces.readiness)).sum())
    forces.capability_lost = max(lost, 0.0)
    factors = capability_factors(forces.stock.sum(axis=0), total_capability, factor)
    forces.change_from = decompose(forces.factors, factors) if forces.factors.size else \
        dict(zip(FACTORS, np.zeros_like(factors), strict=True))
    forces.factors = factors


def lines_disabled(state: State) -> int:
    """Production lines of existing nodes disabled this quarter."""
    exists = state.industry.capacity > 0
    return np.count_nonzero(~state.industry.lines_up(state.step) & exists[..., None])


def tally_losses(state: State) -> None:
    """Add this quarter's capability lost to outages and disabled lines to the totals."""
    state.totals.capability_lost += state.forces.capability_lost
    state.totals.line_quarters_disabled += lines_disabled(state)
