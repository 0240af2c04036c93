"""The behavioural policy: how a capital decides by default.

Budget: the desired defence share combines the nation's intrinsic demand, free riding on
allies for the public part of the benefit, its perceived threat and US commitment to Europe
against the reference world, drag from domestic pressure, and the paths of the pledges it
has not declined (sim.mechanisms.budgets, docs/MODEL.md "Budgets"). It gives the military
aid to Ukraine the alliance's aid effort asks of it, and puts the alliance's usual share
of its spending into exercises.

Pathways: each pathway in each area is scored from speed, cost and sovereignty, weighted
by the nation's own weights, with urgency from threat and doubt about the US raising the
weight on speed and trust raising the appeal of every cooperative pathway; a softmax
turns scores into shares (logit choice, McFadden 1974), and shares move only part of the
way each quarter (budgets are planned years ahead). Trust and alliance cohesion make every
cooperative pathway more attractive. A nation is willing to join a programme or hub in an
area when it means to put at least ``willingness_threshold`` of the area's budget into
that pathway; it stays in a programme until the programme ends (a contract) unless, under
coalitions, domestic pressure above ``leave_pressure`` turns it against it, and leaves a
hub when it means to put less than ``hub_leave_threshold`` into hubs there.

Resilience: spending holds at the start, or follows the path of a resilience pledge.

Every nation using this policy is decided at once, in arrays.
"""

from __future__ import annotations

import numpy as np

from sim.enums import PATHWAY_OF, Governance, Pathway, VentureKind
from sim.mechanisms import budgets
from sim.policies import logit
from sim.policies.base import Decisions, Observation
from sim.schema.alliance import Alliance


class BehaviouralPolicy:
    name = "behavioural"

    def __init__(self, alliance: Alliance) -> None:
        self.alliance = alliance
        # Each pathway's fixed terms of utility, in Pathway order (national procurement is
        # the reference: no appeal of its own, full control, no partners to trust).
        pathways = alliance.pathways
        cooperative = (pathways.standards, pathways.pooled, pathways.hubs)
        self.appeal = np.array([0.0] + [p.attractiveness for p in cooperative])
        self.decision_delay = np.array(
            [float(p.decision_delay) for p in (pathways.national, *cooperative)])
        self.sovereignty_cost = np.array([0.0] + [p.sovereignty_cost for p in cooperative])
        self.cooperative = np.array([0.0, 1.0, 1.0, 1.0])
        self.waits_for_lead_time = np.array([1.0, 0.0, 1.0, 0.0])
        self.enabled = np.array([True] + [p.enabled for p in cooperative])

    def decide(self, observation: Observation, nations: np.ndarray,
               advice: Decisions | None = None) -> Decisions:
        everyone = self.decide_all(observation)
        return everyone if nations.size == observation.nations.n else everyone.rows(nations)

    def decide_all(self, observation: Observation) -> Decisions:
        allocation = logit.with_inertia(observation.previous_allocation,
                                        self.target_allocation(observation),
                                        self.alliance.decisions.inertia)
        spends = observation.nations.spends
        return Decisions(
            desired_share=self.desired_share(observation),
            desired_resilience=self.desired_resilience(observation),
            desired_aid=np.where(spends, observation.aid_asked, 0.0),
            exercise_share=np.where(spends, self.alliance.exercises.share_of_spending, 0.0),
            allocation=allocation,
            join={kind: (allocation[..., pathway]
                         >= self.alliance.formation.willingness_threshold) & spends[:, None]
                  for kind, pathway in PATHWAY_OF.items()},
            leave=self.leave(observation, allocation))

    def leave(self, observation: Observation, allocation: np.ndarray
              ) -> dict[VentureKind, np.ndarray]:
        """[N, A] per kind: a member leaves a hub it no longer means to fund, and, under
        coalitions, a coalition's programme when its domestic politics turn against it."""
        formation, cohesion = self.alliance.formation, self.alliance.cohesion
        in_hub = observation.member_of[VentureKind.HUB] >= 0
        programme = observation.member_of[VentureKind.PROGRAMME]
        if observation.governance is Governance.COALITIONS:
            dissatisfied = observation.nations.pressure > cohesion.leave_pressure
            quits = (programme >= 0) & dissatisfied[:, None]
        else:  # a programme agreed by all is a contract to its end
            quits = np.zeros(programme.shape, dtype=bool)
        return {VentureKind.PROGRAMME: quits,
                VentureKind.HUB: in_hub & (allocation[..., Pathway.HUBS]
                                           < formation.hub_leave_threshold)}

    def desired_resilience(self, observation: Observation) -> np.ndarray:
        """[N] desired resilience spending, % of GDP: the start, or a resilience pledge's
        path where one is made."""
        nations = observation.nations
        floor = budgets.pledge_floor(nations, self.alliance.pledges, observation.step,
                                     resilience=True)
        return np.fmax(nations.resilience_start, floor)

    def desired_share(self, observation: Observation) -> np.ndarray:
        """[N] desired defence spending, % of GDP, before the floor and cap: the level
        responses of sim.mechanisms.budgets, and at least the path of any pledge the
        nation has not declined."""
        spending = self.alliance.spending
        nations = observation.nations
        factor = budgets.public_good_factor_of(nations.spending, nations.gdp,
                                               observation.steps_per_year,
                                               nations.relative_exposure, nations.is_us,
                                               observation.us_europe, spending)
        desired = budgets.desired_share(
            nations.intrinsic, factor,
            threat_gap=nations.perceived - spending.reference_threat * nations.exposure,
            us_gap=spending.reference_us_commitment - observation.us_europe,
            pressure_rise=nations.pressure - nations.pressure_start,
            exposed_to_us=~nations.is_us, params=spending)
        # A nation that means to meet a pledge budgets ahead by the time its spending takes
        # to follow its budget, so that spending is at the pledge when it falls due.
        ahead = budgets.adjustment_lag(spending.adjustment_rate)
        floor = budgets.pledge_floor(nations, self.alliance.pledges, observation.step + ahead)
        # Aid to Ukraine counts as defence spending; part of it is new money.
        top_up = self.alliance.aid.budget_top_up * observation.aid_asked
        return np.fmax(desired, floor) + np.where(nations.spends, top_up, 0.0)

    def target_allocation(self, observation: Observation) -> np.ndarray:
        """[N, A, P] desired budget shares from each pathway's utility.

        Every pathway's utility has the same terms - appeal, less speed times the quarters
        to capability, plus cost times the saving, plus a pathway's own gain, less
        sovereignty times its loss of control, plus trust for the cooperative ones - with
        zero where a pathway lacks a term, so that all four are computed at once on
        ``[N, A, P]`` arrays (adding or multiplying by an exact zero or one leaves every
        figure as the pathway's own formula gives it)."""
        decisions = self.alliance.decisions
        nations = observation.nations
        perception = nations.perceived
        us_doubt = np.where(nations.is_us, 0.0, 1.0 - observation.us_europe)
        speed = nations.w_speed * logit.urgency(perception, us_doubt,
                                                decisions.urgency_from_threat,
                                                decisions.urgency_from_us_doubt)
        speed = speed[:, None, None] / logit.SPEED_SCALE
        cost = nations.w_cost[:, None, None] * logit.COST_SCALE
        sovereignty = nations.effective_sovereignty[:, None, None]
        trust = decisions.trust_weight * (nations.trust_allies - 0.5)[:, None, None] + \
            self.alliance.cohesion.pooling_weight * (
                observation.cohesion - self.alliance.cohesion.reference_cohesion)
        national_price = observation.national_price
        shape = (*national_price.shape, len(Pathway))

        # Quarters to capability: decision delay, the wait for partners to agree (programmes
        # and hubs) and the lead time of an order (national and pooled orders).
        wait = np.zeros(shape)
        wait[..., Pathway.POOLED] = observation.expected_wait[VentureKind.PROGRAMME]
        wait[..., Pathway.HUBS] = observation.expected_wait[VentureKind.HUB]
        quarters = (self.decision_delay + wait) + \
            observation.lead_time[:, None] * self.waits_for_lead_time
        # Relative saving on unit cost: cheaper than the reference price for national and
        # pooled orders, cheaper than one's own standard for harmonising, readiness short
        # of what a hub would bring.
        saving = np.empty(shape)
        np.subtract(1.0, national_price, out=saving[..., Pathway.NATIONAL])
        np.maximum(national_price - observation.target_price, 0.0,
                   out=saving[..., Pathway.STANDARDS])
        np.subtract(1.0, observation.pooled_price, out=saving[..., Pathway.POOLED])
        hub_readiness = self.alliance.industry.hub_readiness
        np.divide(hub_readiness - observation.readiness, hub_readiness,
                  out=saving[..., Pathway.HUBS])
        # A pathway's own gain: strategic autonomy from harmonising, protection from the
        # perceived threat that hubs bring.
        gain = np.zeros(shape)
        gain[..., Pathway.STANDARDS] = observation.autonomy_gain
        gain[..., Pathway.HUBS] = perception[:, None]
        utility = ((((self.appeal - speed * quarters) + cost * saving) + gain)
                   - sovereignty * self.sovereignty_cost) + trust * self.cooperative

        # National procurement is always open; a pathway switched off in the scenario,
        # harmonising where there is nothing to harmonise toward (no programme's standard
        # to adopt, no legacy fleet to retrofit), and any choice at all for a nation
        # without armed forces are not.
        available = np.empty(shape, dtype=bool)
        available[...] = self.enabled & nations.spends[:, None, None]
        available[..., Pathway.NATIONAL] = True
        available[..., Pathway.STANDARDS] &= observation.harmonisable
        return logit.softmax_shares(utility, available, decisions.temperature)
