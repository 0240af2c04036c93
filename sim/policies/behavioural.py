"""The behavioural policy: how a capital decides by default.

Budget: the desired defence share combines the nation's intrinsic demand on its path to
the target, free riding on allies for the public part of the benefit, a response to threat
above its start, burden shifting as US commitment falls and drag from domestic pressure
(sim.mechanisms.budgets, docs/MODEL.md "Budgets").

Pathways: each pathway in each area is scored from speed, cost and sovereignty, weighted
by the nation's own weights, with urgency from threat and doubt about the US raising the
weight on speed and trust raising the appeal of every cooperative pathway; a softmax
turns scores into shares (logit choice, McFadden 1974), and shares move only part of the
way each quarter (budgets are planned years ahead). A nation is willing to join a
programme or hub in an area when it means to put at least ``willingness_threshold`` of
the area's budget into that pathway; it stays in a programme until the programme ends
(a contract), and leaves a hub when it means to put less than ``hub_leave_threshold``
into hubs there.

Resilience: spending moves on a straight line from the start toward the alliance's
resilience target by the spending target step (the Hague pledge's 1.5 % of GDP where a
scenario sets it).

Every nation using this policy is decided at once, in arrays.
"""

from __future__ import annotations

import numpy as np

from sim.enums import Pathway, VentureKind
from sim.mechanisms import budgets
from sim.policies import logit
from sim.policies.base import Decisions, Observation
from sim.schema.alliance import Alliance


class BehaviouralPolicy:
    name = "behavioural"

    def __init__(self, alliance: Alliance) -> None:
        self.alliance = alliance

    def decide(self, observation: Observation, nations: np.ndarray,
               advice: Decisions | None = None) -> Decisions:
        everyone = self.decide_all(observation)
        return everyone if nations.size == observation.nations.n else everyone.rows(nations)

    def decide_all(self, observation: Observation) -> Decisions:
        allocation = logit.with_inertia(observation.previous_allocation,
                                        self.target_allocation(observation),
                                        self.alliance.decisions.inertia)
        spends = observation.nations.spends[:, None]
        formation = self.alliance.formation
        in_hub = observation.member_of[VentureKind.HUB] >= 0
        leave_hub = in_hub & (allocation[..., Pathway.HUBS] < formation.hub_leave_threshold)
        return Decisions(
            desired_share=self.desired_share(observation),
            desired_resilience=self.desired_resilience(observation), allocation=allocation,
            join={kind: (allocation[..., kind.pathway] >= formation.willingness_threshold)
                  & spends for kind in VentureKind},
            leave={VentureKind.PROGRAMME: np.zeros(allocation.shape[:2], dtype=bool),
                   VentureKind.HUB: leave_hub})

    def desired_resilience(self, observation: Observation) -> np.ndarray:
        """[N] desired resilience spending, % of GDP."""
        nations = observation.nations
        return budgets.target_path(nations.resilience_start, nations.resilience_target,
                                   observation.step, self.alliance.spending.target_step)

    def desired_share(self, observation: Observation) -> np.ndarray:
        """[N] desired defence spending, % of GDP, before the floor and cap."""
        spending = self.alliance.spending
        nations = observation.nations
        intrinsic = budgets.target_path(nations.intrinsic_start, nations.intrinsic_target,
                                        observation.step, spending.target_step)
        factor = budgets.public_good_factor_of(nations.spending, nations.gdp,
                                               observation.steps_per_year,
                                               nations.relative_exposure, spending)
        return budgets.desired_share(
            intrinsic, factor,
            threat_rise=(observation.threat - observation.threat_start) * nations.exposure,
            us_fall=observation.us_start - observation.us_commitment,
            pressure_rise=nations.pressure - nations.pressure_start,
            exposed_to_us=~nations.is_us, threat_response=spending.threat_response,
            burden_shifting=spending.burden_shifting, political_drag=spending.political_drag)

    def target_allocation(self, observation: Observation) -> np.ndarray:
        """[N, A, P] desired budget shares from each pathway's utility."""
        pathways, decisions = self.alliance.pathways, self.alliance.decisions
        nations = observation.nations
        perception = observation.threat * nations.exposure
        us_doubt = np.where(nations.is_us, 0.0, 1.0 - observation.us_commitment)
        speed = nations.w_speed * logit.urgency(perception, us_doubt,
                                                decisions.urgency_from_threat,
                                                decisions.urgency_from_us_doubt)
        speed = speed[:, None] / logit.SPEED_SCALE
        cost = nations.w_cost[:, None] * logit.COST_SCALE
        sovereignty = nations.effective_sovereignty[:, None]
        trust = decisions.trust_weight * (nations.trust_allies - 0.5)[:, None]
        lead = observation.lead_time[None, :]
        national_price = observation.national_price
        wait = observation.expected_wait

        national = (-speed * (pathways.national.decision_delay + lead)
                    - cost * (national_price - 1.0))
        pooled = (pathways.pooled.attractiveness
                  - speed * (pathways.pooled.decision_delay + wait[VentureKind.PROGRAMME]
                             + lead)
                  - cost * (observation.pooled_price - 1.0)
                  - sovereignty * pathways.pooled.sovereignty_cost + trust)
        harmonisation_gain = np.maximum(national_price - observation.target_price, 0.0)
        harmonise = (pathways.standards.attractiveness
                     - speed * pathways.standards.decision_delay
                     + cost * harmonisation_gain + observation.autonomy_gain
                     - sovereignty * pathways.standards.sovereignty_cost + trust)
        hub_readiness = self.alliance.industry.hub_readiness
        readiness_gain = (hub_readiness - observation.readiness) / hub_readiness
        hubs = (pathways.hubs.attractiveness
                - speed * (pathways.hubs.decision_delay + wait[VentureKind.HUB])
                + cost * readiness_gain + perception[:, None]
                - sovereignty * pathways.hubs.sovereignty_cost + trust)
        utility = np.stack((national, harmonise, pooled, hubs), axis=-1)  # Pathway order

        # National procurement is always open; a pathway switched off in the scenario,
        # harmonising where there is nothing to harmonise toward (no programme's standard
        # to adopt, no legacy fleet to retrofit), and any choice at all for a nation
        # without armed forces are not.
        enabled = np.array([True, pathways.standards.enabled, pathways.pooled.enabled,
                            pathways.hubs.enabled])
        available = np.broadcast_to(enabled & nations.spends[:, None, None],
                                    utility.shape).copy()
        available[..., Pathway.NATIONAL] = True
        available[..., Pathway.STANDARDS] &= observation.harmonisable
        return logit.softmax_shares(utility, available, decisions.temperature)
