"""Decisions: the model shows the nations what they can see and asks their policies.

The behavioural policy decides for every nation at once (its answer is the advice the
others receive); each other policy then decides for its own nations. The decided
allocation and desired defence share are stored in the state; willingness to join or
leave ventures goes on to negotiation.
"""

from __future__ import annotations

import numpy as np

from sim.enums import VentureKind, VentureState
from sim.mechanisms import prices
from sim.mechanisms.negotiation import expected_agreement_chance
from sim.mechanisms.standards import (
    autonomy_weight,
    harmonisation_target,
    need_toward,
    owned_in_europe,
)
from sim.policies import BehaviouralPolicy, Decisions, Observation, Policy
from sim.schema.alliance import Alliance
from sim.state import State

# Iterating an Enum class is slow on Python 3.11; its members never change.
VENTURE_KINDS = tuple(VentureKind)


def expected_wait(state: State, kind: VentureKind, chance: float) -> np.ndarray:
    """[N, A] quarters a nation expects to wait before money can flow through a venture:
    none as a member of an active one, else the mean wait for agreement."""
    return np.where(state.ventures.active_member(kind), 0.0, 1.0 / max(chance, 1e-6))


def observe(state: State, alliance: Alliance, steps_per_year: int) -> Observation:
    """What the nations know at the start of this quarter's decisions."""
    standards, areas = state.standards, state.areas
    formation = alliance.formation
    reference = standards.reference
    reference_price = prices.price(state, standards.cumulative[areas.ids, reference],
                                   areas.ids)
    # The surcharge factor is 1 + surcharge where a nation adapts, else exactly 1.
    pooled_price = (reference_price * (1.0 - formation.pooling_discount))[None, :] * np.where(
        standards.standard != reference[None, :], 1.0 + formation.adaptation_surcharge, 1.0)
    chance = expected_agreement_chance(state, alliance)
    proposed = VentureState.PROPOSED  # looked up once, not per venture (slow on Python 3.11)
    national_price = prices.national_price(state)
    target = harmonisation_target(state, alliance.governance)
    has_target = target >= 0
    target_cumulative = standards.cumulative[areas.grid, np.maximum(target, 0)]
    target_price = np.where(has_target, prices.price(state, target_cumulative, areas.ids),
                            national_price)
    # Target and current standard in one call: [2, N, A].
    european = owned_in_europe(state, np.stack((target, standards.standard)))
    towards_europe = european[0].astype(float) - european[1]
    autonomy = autonomy_weight(state.nations.european, state.world.us_commitment,
                               alliance.decisions)
    autonomy_gain = np.where(has_target, autonomy[:, None] * towards_europe, 0.0)
    return Observation(
        step=state.step, governance=alliance.governance, steps_per_year=steps_per_year,
        threat=state.world.threat, us_commitment=state.world.us_commitment,
        us_europe=state.world.us_europe,
        aid_asked=state.world.paths.ukraine_aid[state.step],
        cohesion=state.cohesion.cohesion, satisfaction=state.cohesion.satisfaction,
        nations=state.nations, lead_time=areas.lead_time,
        previous_allocation=state.choices.allocation, readiness=state.forces.readiness,
        standard=standards.standard, harmonisation_target=target,
        harmonisable=need_toward(state, alliance.decisions, target) > 0,
        autonomy_gain=autonomy_gain,
        national_price=national_price, reference_price=reference_price,
        target_price=target_price,
        pooled_price=pooled_price, member_of=state.ventures.member_of,
        expected_wait={kind: expected_wait(state, kind, chance) for kind in VENTURE_KINDS},
        proposals=[v for v in state.ventures.live if v.state is proposed])


def decide(observation: Observation, behavioural: BehaviouralPolicy,
           others: list[tuple[Policy, np.ndarray]]) -> Decisions:
    """Every nation's decisions: the behavioural policy's, then each other policy's for
    its own nations (``others`` pairs a policy with the rows it decides)."""
    decisions = behavioural.decide_all(observation)
    for policy, rows in others:
        decisions.assign(rows, policy.decide(observation, rows, decisions))
    return decisions


def advance(state: State, alliance: Alliance, steps_per_year: int,
            behavioural: BehaviouralPolicy, others: list[tuple[Policy, np.ndarray]]
            ) -> Decisions:
    """Ask the policies and store what they decided."""
    observation = observe(state, alliance, steps_per_year)
    state.standards.national_price = observation.national_price  # for aid and orders
    decisions = decide(observation, behavioural, others)
    state.choices.allocation = decisions.allocation
    state.choices.desired_share = decisions.desired_share
    state.choices.desired_resilience = decisions.desired_resilience
    state.choices.desired_aid = decisions.desired_aid
    state.nations.exercise_share = np.minimum(np.maximum(decisions.exercise_share, 0.0), 1.0)
    return decisions

