"""Readiness and capability: what the equipment in service adds up to.

Effective capability = stock x readiness, summed per area and multiplied by an
interoperability factor: the share of combined capability usable together, between a
floor (no two nations share a standard) and 1 (all do). Equipment wears out each quarter.
"""

from __future__ import annotations

import numpy as np

from sim.enums import VentureKind, VentureState
from sim.mechanisms import standards, sustainment
from sim.schema.alliance import Industry
from sim.state import State


def interoperability_factor(interoperability: np.ndarray, floor: float) -> np.ndarray:
    """[A] share of combined capability usable together."""
    return floor + (1.0 - floor) * interoperability


def wear_out(state: State) -> None:
    """Each area's fleet loses its wear rate of equipment (worn out, consumed, retired)."""
    forces = state.forces
    forces.fleet *= 1.0 - state.areas.wear[None, :, None]
    forces.stock = forces.fleet.sum(axis=2)


def hub_service(state: State, up: np.ndarray, params: Industry) -> np.ndarray:
    """[N, A] share of hub service delivered to each member (1 where no active hub)."""
    hub_up = np.ones((state.n, state.areas.n))
    for venture in state.ventures.live:
        if venture.kind is VentureKind.HUB and venture.state is VentureState.ACTIVE:
            hub_up[state.ventures.current_members(venture), venture.area] = \
                sustainment.hub_availability(
                    int(up[venture.hosts, venture.area].sum()), venture.hosts.size,
                    params.hub_surge)
    return hub_up


def advance(state: State, params: Industry) -> None:
    """Readiness moves toward the level hub coverage and node availability allow;
    capability, interoperability, fragmentation and capability lost to outages follow."""
    forces, nations = state.forces, state.nations
    coverage = sustainment.hub_coverage(forces.hub_funding, forces.stock, params.hub_cost)
    up = state.industry.nodes_up(state.step)
    own = up[state.industry.supplier, state.areas.grid].astype(float)
    availability = sustainment.sustainment_availability(coverage, hub_service(state, up, params),
                                                        own)
    target = sustainment.readiness_target(coverage, availability, params.base_readiness,
                                          params.hub_readiness, params.disruption_sensitivity)
    undisrupted = sustainment.readiness_target(coverage, 1.0, params.base_readiness,
                                               params.hub_readiness,
                                               params.disruption_sensitivity)
    rate = params.readiness_adjustment
    forces.readiness += rate * (target - forces.readiness)
    forces.undisrupted_readiness += rate * (undisrupted - forces.undisrupted_readiness)
    forces.hub_coverage = coverage
    forces.capability = forces.stock * forces.readiness
    forces.interoperability = standards.interoperability(
        forces.fleet * forces.readiness[..., None])
    buying = (nations.procurement > 0)[:, None] & (state.areas.share > 0)[None, :]
    forces.fragmentation = standards.fragmentation(state.standards.standard, buying,
                                                   state.standards.count)
    forces.area_capability = forces.capability.sum(axis=0) * interoperability_factor(
        forces.interoperability, params.interoperability_floor)
    forces.effective_capability = float(forces.area_capability.sum())
    forces.nation_capability = forces.capability.sum(axis=1)
    stock = forces.stock.sum(axis=1)
    forces.nation_readiness = np.divide(forces.nation_capability, stock,
                                        out=np.zeros(state.n), where=stock > 0)
    lost = float((forces.stock * (forces.undisrupted_readiness - forces.readiness)).sum())
    forces.capability_lost = max(lost, 0.0)


def tally_losses(state: State) -> None:
    """Add this quarter's capability lost to outages and disabled nodes to the totals."""
    state.totals.capability_lost += state.forces.capability_lost
    state.totals.nodes_disabled += int((~state.industry.nodes_up(state.step)).sum())
