"""The alliance model: nations choosing how to build capability together, quarter by quarter.

``AllianceModel(scenario, rng=seed, **overrides)`` takes a validated scenario, a seed (or
SeedSequence) and dotted-path overrides as keyword arguments, so that Mesa's own
``batch_run`` can drive it (``parameters={"alliance.governance": [...]}``). The step order
and every rule are described in docs/MODEL.md; the rules themselves live in
``sim/rules/`` as functions of explicit state.
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np

from sim import metrics
from sim.drivers import draw_driver_paths
from sim.enums import Governance, MilestoneStatus, Pathway, VentureKind, VentureState
from sim.loader import apply_overrides
from sim.nation import NationAgent
from sim.rules import (
    attacks,
    budget,
    choice,
    cohesion,
    formation,
    production,
    standards,
    sustainment,
)
from sim.rules.learning_curve import price_factor
from sim.schema import Scenario
from sim.streams import RandomStreams
from sim.venture import Milestone, Venture

PATHWAYS = len(Pathway)
SETTLED = (MilestoneStatus.ON_TIME, MilestoneStatus.DELIVERED_LATE, MilestoneStatus.MISSED)
KIND_PATHWAY = {VentureKind.PROGRAMME: Pathway.POOLED, VentureKind.HUB: Pathway.HUBS}
# Learning-curve position is clipped to this factor of the reference either way: legacy
# stock is only a rough proxy of a standard's cumulative output.
LEARNING_RATIO_BOUNDS = (0.25, 4.0)


class AllianceModel(mesa.Model):
    """An alliance of nations building military capability through four pathways."""

    def __init__(self, scenario: Scenario, *, rng: Any = None, **overrides: Any) -> None:
        scenario = apply_overrides(scenario, overrides)
        if not scenario.nations.members:
            raise ValueError("the scenario has no nations")
        seed = scenario.simulation.seed if rng is None else rng
        self.streams = RandomStreams.from_seed(seed)
        super().__init__(rng=self.streams.mesa)
        # Not `self.scenario`: Mesa 3.5's Model owns that name for its own Scenario class.
        self.config = scenario
        self.horizon = scenario.simulation.steps
        self._setup_nations(scenario)
        self._setup_areas(scenario)
        self.paths = draw_driver_paths(scenario, self.streams.drivers, self.streams.politics)
        self._setup_budgets(scenario)
        self._setup_industry(scenario)
        self._setup_ventures()
        self.agents_by_index = [
            NationAgent(self, i, nation.code, nation.name)
            for i, nation in enumerate(scenario.nations.members)
        ]
        self.threat = float(self.paths.threat[0])
        self.us_commitment = float(self.paths.us_commitment[0])
        self.pressure = self.paths.political_pressure[0].copy()
        self.effective_sovereignty = self.sovereignty.copy()
        self.kept = self.broken = np.zeros(self.n)
        self.hub_funding = np.zeros((self.n, self.n_areas))
        self._update_readiness_and_capability()
        self._count_memberships()
        self._measure_cohesion()
        self.reference_standard = self._reference_standards()
        self.allocation = self._target_allocation()
        self.pathway_spend = self._pathway_spending()
        self.initial_capability = float(self.effective_capability)
        # Collect the starting state as step 0, as Mesa's conventions (and batch_run) expect.
        self.figures = metrics.model_figures(self)
        self.datacollector = metrics.build_datacollector(self)
        self.datacollector.collect(self)
        self.nation_rows = [metrics.nation_figures(self)]

    # ----------------------------------------------------------------- set-up
    def _setup_nations(self, scenario: Scenario) -> None:
        members = scenario.nations.members
        self.n = len(members)
        self.codes = [nation.code for nation in members]
        self.gdp = np.array([nation.gdp_usd_bn for nation in members], dtype=float)
        self.share = np.array([nation.defence_pct_gdp for nation in members], dtype=float)
        self.spends = self.share > 0
        self.equipment = np.array([nation.equipment_pct for nation in members]) / 100.0
        self.is_us = np.array([nation.is_us for nation in members])
        self.exposure = np.array([nation.threat_exposure for nation in members])
        mean_exposure = self.exposure[self.spends].mean() if self.spends.any() else 1.0
        self.relative_exposure = self.exposure / max(mean_exposure, 1e-9)
        self.sovereignty = np.array([nation.sovereignty_preference for nation in members])
        self.w_speed = np.array([nation.speed_weight for nation in members])
        self.w_cost = np.array([nation.cost_weight for nation in members])
        self.trust_allies = np.array([nation.trust_allies for nation in members])
        self.trust_us = np.array([nation.trust_us for nation in members])
        derived_weight = self.gdp * self.share * np.maximum(self.equipment, 0.01)
        self.industrial_weight = np.array([
            derived if nation.industrial_weight is None else nation.industrial_weight
            for nation, derived in zip(members, derived_weight, strict=True)
        ])

    def _setup_areas(self, scenario: Scenario) -> None:
        areas = scenario.alliance.areas
        self.area_names = [area.name for area in areas]
        self.n_areas = len(areas)
        shares = np.array([area.budget_share for area in areas])
        self.area_share = shares / shares.sum()
        self.lead_time = np.array([area.lead_time for area in areas], dtype=int)
        self.wear = np.array([area.wear_rate for area in areas])
        self.learning_rate = np.array([area.learning_rate for area in areas])
        self.log2_learning = np.log2(self.learning_rate)
        self.standards_wanted = [area.initial_standards for area in areas]
        self.area_ids = np.arange(self.n_areas)
        self.area_columns = {prefix: [f"{prefix}_{name}" for name in self.area_names]
                             for prefix in ("capability", "interoperability", "fragmentation")}
        self.area_grid = np.broadcast_to(self.area_ids, (self.n, self.n_areas))

    def _setup_budgets(self, scenario: Scenario) -> None:
        spending = scenario.alliance.spending
        members = scenario.nations.members
        self.spending = self.share / 100.0 * self.gdp / scenario.simulation.steps_per_year
        self.procurement = self.spending * self.equipment
        target = np.array([
            nation.target_pct_gdp if nation.target_pct_gdp is not None else
            share + spending.target_commitment * max(spending.target_pct_gdp - share, 0.0)
            for nation, share in zip(members, self.share, strict=True)
        ])
        factor = self._public_good_factor()
        # Calibrated: the observed start is an equilibrium, so intrinsic demand is what,
        # after free riding, gives the observed share (docs/MODEL.md, Budgets).
        divisor = factor if spending.calibrate_to_initial else 1.0
        self.intrinsic_start = np.where(self.spends, self.share / divisor, 0.0)
        self.intrinsic_target = np.where(self.spends, target / divisor, 0.0)
        self.threat_start = float(self.paths.threat[0] * 1.0)
        self.us_start = float(self.paths.us_commitment[0])
        self.pressure_start = self.paths.political_pressure[0].copy()

    def _setup_industry(self, scenario: Scenario) -> None:
        industry = scenario.alliance.industry
        spenders = np.flatnonzero(self.spends)
        order = spenders[np.argsort(-self.industrial_weight[spenders], kind="stable")]
        n_producers = max(1, round(industry.producer_share * spenders.size))
        self.producers = order[:n_producers]
        self.is_producer = np.zeros(self.n, dtype=bool)
        self.is_producer[self.producers] = True
        self.standard, self.owner = standards.assign_initial_standards(
            np.maximum(self.industrial_weight, 1e-12), self.producers, self.standards_wanted,
            self.streams.setup)
        self.n_standards = self.owner.shape[1]
        self.supplier = self._suppliers()

        area_budget = self.procurement[:, None] * self.area_share[None, :]
        # Legacy output per standard (for the learning curve) is proxied by the stock that
        # the budget sustains at reference prices; then start in a steady state at the
        # prices that output implies: stocks where deliveries replace wear, pipelines full.
        self.cumulative = self._per_standard(area_budget / self.wear[None, :])
        used = self.cumulative > 0
        self.reference_output = np.array([
            self.cumulative[a, used[a]].mean() if used[a].any() else 1.0
            for a in range(self.n_areas)])
        steady_units = area_budget / self._national_price()
        self.stock = steady_units / self.wear[None, :]
        # The fleet by standard: legacy equipment stays on its standard until it wears out,
        # so harmonising or joining a programme changes interoperability only as fleets
        # turn over.
        self.fleet = np.zeros((self.n, self.n_areas, self.n_standards))
        self.fleet[np.arange(self.n)[:, None], self.area_grid, self.standard] = self.stock
        self.pipeline = np.zeros((self.n, self.n_areas, int(self.lead_time.max())))
        for a, lead in enumerate(self.lead_time):
            self.pipeline[:, a, :lead] = steady_units[:, a, None]
        self.backlog = np.zeros((self.n, self.n_areas))
        demand = production.node_demand(steady_units, self.supplier)
        self.capacity = demand * (1.0 + industry.spare_capacity)
        self.down_until = np.zeros((self.n, self.n_areas), dtype=int)
        self.harmonisation = np.zeros((self.n, self.n_areas))
        self.readiness = np.full((self.n, self.n_areas), industry.base_readiness)
        self.undisrupted_readiness = self.readiness.copy()
        self.pathway_spend = np.zeros((self.n, self.n_areas, PATHWAYS))
        self.hub_coverage = np.zeros((self.n, self.n_areas))

    def _setup_ventures(self) -> None:
        self.ventures: list[Venture] = []
        # The ventures that can still change (by id, as in `ventures`): the per-step loops
        # read these, so that a run's cost stays linear in its steps as finished ones pile up.
        self.live_ventures: list[Venture] = []
        self.active_flags = np.zeros(1, dtype=bool)
        self.venture_standards = np.full(1, -1)
        self.member_of = {kind: np.full((self.n, self.n_areas), -1, dtype=int)
                          for kind in VentureKind}
        self.totals = metrics.RunningTotals()

    # ------------------------------------------------------------- helpers
    def _suppliers(self) -> np.ndarray:
        """Producers build their own orders; others buy from their standard's owner."""
        owners = self.owner[self.area_grid, self.standard]
        return np.where(self.is_producer[:, None], np.arange(self.n)[:, None], owners)

    def _national_price(self) -> np.ndarray:
        cumulative = self.cumulative[self.area_grid, self.standard]
        return self._price(cumulative, self.area_grid)

    def _price(self, cumulative: np.ndarray, area: np.ndarray | int) -> np.ndarray:
        ratio = np.clip(cumulative / self.reference_output[area], *LEARNING_RATIO_BOUNDS)
        return price_factor(ratio, 1.0, self.learning_rate[area])

    def _standard_price(self, area: int, standard: int) -> float:
        """Unit cost factor of one standard (scalar version of :meth:`_price`)."""
        low, high = LEARNING_RATIO_BOUNDS
        ratio = self.cumulative[area, standard] / self.reference_output[area]
        return float(min(max(ratio, low), high) ** self.log2_learning[area])

    def _per_standard(self, values: np.ndarray) -> np.ndarray:
        """Sum ``values[N, A]`` per area and standard: ``[A, S]``."""
        flat = (self.area_grid * self.n_standards + self.standard).ravel()
        return np.bincount(flat, weights=values.ravel(),
                           minlength=self.n_areas * self.n_standards).reshape(
                               self.n_areas, self.n_standards)

    def _public_good_factor(self) -> np.ndarray:
        spending = self.config.alliance.spending
        allies = self.spending.sum() - self.spending
        steps_per_year = self.config.simulation.steps_per_year
        free_riding = budget.free_riding_fraction(allies, self.gdp / steps_per_year,
                                                  spending.spillover_scale)
        return budget.public_good_factor(free_riding, spending.private_benefit_share,
                                         self.relative_exposure)

    def _effective_sovereignty(self) -> np.ndarray:
        """Sovereignty preference raised by domestic pressure above its start."""
        decisions = self.config.alliance.decisions
        rise = self.pressure - self.pressure_start
        return np.clip(self.sovereignty + decisions.sovereignty_from_pressure * rise, 0.0, 1.0)

    @property
    def governance(self) -> Governance:
        return self.config.alliance.governance

    @property
    def nodes_up(self) -> np.ndarray:
        """Nodes working this quarter (``down_until`` is the last quarter a node is down)."""
        return self.down_until < max(self.steps, 1)

    # --------------------------------------------------------------- step
    def step(self) -> None:
        """One quarter, in the order given in docs/MODEL.md ("Process overview")."""
        t = self.steps
        self.totals.start_step()
        self._apply_drivers(t)
        self._hybrid_attacks(t)
        self._set_budgets(t)
        self.reference_standard = self._reference_standards()
        self.allocation = choice.with_inertia(
            self.allocation, self._target_allocation(),
            self.config.alliance.decisions.inertia)
        self._negotiate(t)
        self._refresh_venture_arrays()
        self._produce_and_deliver(t)
        self._assess_milestones(t)
        self._spend_and_order(t)
        self._switch_standards()
        self.fleet *= 1.0 - self.wear[None, :, None]
        self.stock = self.fleet.sum(axis=2)
        self._update_readiness_and_capability()
        self._update_trust()
        self._measure_cohesion()
        self.live_ventures = [v for v in self.live_ventures if not v.finished]
        self._collect()
        self.running = self.steps < self.horizon  # lets Mesa's batch_run stop at the horizon

    def _apply_drivers(self, t: int) -> None:
        self.threat = float(self.paths.threat[t])
        self.us_commitment = float(self.paths.us_commitment[t])
        self.pressure = self.paths.political_pressure[t]
        self.effective_sovereignty = self._effective_sovereignty()
        self.gdp = self.gdp * (1.0 + self.paths.growth[t])

    def _hybrid_attacks(self, t: int) -> None:
        duration = self.config.alliance.industry.attack_duration
        hit = attacks.draw_attacks(float(self.paths.attack_rate[t]),
                                   self.capacity * self.nodes_up, self.exposure,
                                   self.streams.attacks)
        rows, cols = np.unravel_index(hit, self.capacity.shape)
        # Down in quarters t .. t + duration - 1.
        self.down_until[rows, cols] = np.maximum(self.down_until[rows, cols],
                                                 t + duration - 1)
        self.totals.attacks += hit.size
        for scripted in self.paths.node_attacks.get(t, []):
            areas = slice(None) if scripted.area is None else scripted.area
            until = t + (scripted.duration or duration) - 1
            selected = self.down_until[scripted.nations, areas]
            self.down_until[scripted.nations, areas] = np.maximum(selected, until)
            # Only nations with a production node in the area have something to hit.
            self.totals.attacks += int((self.capacity[scripted.nations, areas] > 0).sum())

    def _set_budgets(self, t: int) -> None:
        spending = self.config.alliance.spending
        intrinsic = budget.target_path(self.intrinsic_start, self.intrinsic_target, t,
                                       spending.target_step)
        desired = budget.desired_share(
            intrinsic, self._public_good_factor(),
            threat_rise=(self.threat - self.threat_start) * self.exposure,
            us_fall=self.us_start - self.us_commitment,
            pressure_rise=self.pressure - self.pressure_start,
            exposed_to_us=~self.is_us,
            threat_response=spending.threat_response,
            burden_shifting=spending.burden_shifting,
            political_drag=spending.political_drag)
        self.share = budget.adjust_share(self.share, desired, spending.adjustment_rate,
                                         spending.min_pct_gdp, spending.max_pct_gdp,
                                         self.spends)
        steps_per_year = self.config.simulation.steps_per_year
        self.spending = self.share / 100.0 * self.gdp / steps_per_year
        self.procurement = self.spending * self.equipment

    # ---------------------------------------------------------- decisions
    def _target_allocation(self) -> np.ndarray:
        """Desired budget shares ``[N, A, P]`` from each pathway's utility."""
        alliance = self.config.alliance
        pathways, decisions, industry = alliance.pathways, alliance.decisions, alliance.industry
        formation_params = alliance.formation
        perception = self.threat * self.exposure
        us_doubt = np.where(self.is_us, 0.0, 1.0 - self.us_commitment)
        speed = self.w_speed * choice.urgency(perception, us_doubt,
                                              decisions.urgency_from_threat,
                                              decisions.urgency_from_us_doubt)
        speed = speed[:, None] / choice.SPEED_SCALE
        cost = self.w_cost[:, None] * choice.COST_SCALE
        sovereignty = self.effective_sovereignty[:, None]
        trust = decisions.trust_weight * (self.trust_allies - 0.5)[:, None]
        lead = self.lead_time[None, :]

        national_price = self._national_price()
        reference_standard = self.reference_standard
        reference_price = self._price(self.cumulative[self.area_ids, reference_standard],
                                      self.area_ids)[None, :]
        pooled_price = reference_price * (1.0 - formation_params.pooling_discount) * (
            1.0 + formation_params.adaptation_surcharge
            * (self.standard != reference_standard[None, :]))
        chance = self._expected_agreement_chance()
        active = self.active_flags
        wait = {kind: self._expected_wait(kind, chance, active) for kind in VentureKind}

        national = (-speed * (pathways.national.decision_delay + lead)
                    - cost * (national_price - 1.0))
        pooled = (pathways.pooled.attractiveness
                  - speed * (pathways.pooled.decision_delay + wait[VentureKind.PROGRAMME] + lead)
                  - cost * (pooled_price - 1.0)
                  - sovereignty * pathways.pooled.sovereignty_cost + trust)
        harmonisation_gain = np.maximum(national_price - reference_price, 0.0)
        harmonise = (pathways.standards.attractiveness
                     - speed * pathways.standards.decision_delay
                     + cost * harmonisation_gain
                     - sovereignty * pathways.standards.sovereignty_cost + trust)
        readiness_gain = (industry.hub_readiness - self.readiness) / industry.hub_readiness
        hubs = (pathways.hubs.attractiveness
                - speed * (pathways.hubs.decision_delay + wait[VentureKind.HUB])
                + cost * readiness_gain + perception[:, None]
                - sovereignty * pathways.hubs.sovereignty_cost + trust)
        utility = np.stack((national, harmonise, pooled, hubs), axis=-1)  # Pathway order

        # National procurement is always open; a pathway switched off in the scenario,
        # harmonising toward the standard one already uses, and any choice at all for a
        # nation without armed forces are not.
        enabled = np.array([True, pathways.standards.enabled, pathways.pooled.enabled,
                            pathways.hubs.enabled])
        available = np.broadcast_to(enabled & self.spends[:, None, None],
                                    utility.shape).copy()
        available[..., Pathway.NATIONAL] = True
        available[..., Pathway.STANDARDS] &= self.standard != self._harmonisation_target()
        return choice.softmax_shares(utility, available, decisions.temperature)

    def _expected_agreement_chance(self) -> float:
        """Chance per quarter that a new proposal would be agreed, as nations judge it."""
        params = self.config.alliance.formation
        veto = self.spends.sum() if self.governance is Governance.CONSENSUS else \
            params.max_coalition_size
        spread = float(self.effective_sovereignty[self.spends].std())
        return formation.agreement_probability(int(veto), spread, params.agreement_rate,
                                               params.veto_player_drag,
                                               params.preference_drag)

    def _expected_wait(self, kind: VentureKind, chance: float, active: np.ndarray
                       ) -> np.ndarray:
        """Quarters a nation expects to wait before money can flow through a venture:
        none as a member of an active one, else the mean wait for agreement."""
        wait = np.full((self.n, self.n_areas), 1.0 / max(chance, 1e-6))
        member = self.member_of[kind]
        wait[active[member]] = 0.0  # index -1 reads the trailing False
        return wait

    def _refresh_venture_arrays(self) -> None:
        """Per venture (by index, with a trailing entry read by index -1): whether it is
        active, and its standard. Ventures change only while negotiating."""
        self.active_flags = np.array(
            [venture.state is VentureState.ACTIVE for venture in self.ventures] + [False])
        self.venture_standards = np.array([v.standard for v in self.ventures] + [-1])

    def _reference_standards(self) -> np.ndarray:
        """Per area, the standard with the most capability behind it (the de facto
        alliance standard that consensus harmonisation converges on)."""
        return self.fleet.sum(axis=0).argmax(axis=1)

    def _harmonisation_target(self) -> np.ndarray:
        """The standard each nation harmonises toward: its coalition's under coalitions,
        else the alliance's reference standard."""
        target = np.broadcast_to(self.reference_standard[None, :],
                                 (self.n, self.n_areas)).copy()
        if self.governance is Governance.COALITIONS:
            member = self.member_of[VentureKind.PROGRAMME]
            coalition_standard = self.venture_standards[member]
            target = np.where(coalition_standard >= 0, coalition_standard, target)
        return target

    # --------------------------------------------------------- negotiation
    def _negotiate(self, t: int) -> None:
        params = self.config.alliance.formation
        pathways = self.config.alliance.pathways
        self._form_scripted_coalitions(t)
        open_ventures = {(v.kind, v.area): v for v in self.live_ventures
                         if v.open and v.alliance_wide}
        for kind, pathway in KIND_PATHWAY.items():
            if not getattr(pathways, pathway.label).enabled:
                continue
            willing = (self.allocation[..., pathway] >= params.willingness_threshold) & \
                self.spends[:, None]
            free = willing & (self.member_of[kind] < 0)
            for area in np.flatnonzero(free.any(axis=0)):
                self._propose(kind, int(area), np.flatnonzero(free[:, area]),
                              open_ventures.get((kind, int(area))), t)
        for venture in self.live_ventures:
            if venture.state is VentureState.PROPOSED:
                self._advance_negotiation(venture, t)
            elif venture.state is VentureState.ACTIVE and t >= venture.end_step:
                venture.state = VentureState.COMPLETED
                self._release_members(venture)

    def _form_scripted_coalitions(self, t: int) -> None:
        """Coalitions of the willing set up by the scenario propose their programmes
        (members already in an open programme in the area stay where they are)."""
        for coalition in self.config.alliance.coalitions:
            if coalition.step != t:
                continue
            area = self.area_names.index(coalition.area)
            nations = np.array([self.codes.index(code) for code in coalition.members])
            free = nations[(self.member_of[VentureKind.PROGRAMME][nations, area] < 0)
                           & self.spends[nations]]
            if free.size < 2:
                continue
            self._open_venture(VentureKind.PROGRAMME, area, free, lead=int(free[0]),
                               veto=free.size,
                               spread=float(self.effective_sovereignty[free].std()),
                               t=t, alliance_wide=False, name=coalition.name)

    def _open_venture(self, kind: VentureKind, area: int, members: np.ndarray, *, lead: int,
                      veto: int, spread: float, t: int, alliance_wide: bool,
                      name: str = "") -> None:
        venture = Venture(
            venture_id=len(self.ventures), kind=kind, area=area, lead=lead,
            members=np.zeros(0, dtype=int), veto_players=veto, preference_spread=spread,
            proposed_step=t, alliance_wide=alliance_wide, name=name)
        self.ventures.append(venture)
        self.live_ventures.append(venture)
        venture.add_members(members, np.zeros(members.size, dtype=bool))
        self._join(venture, members)

    def _propose(self, kind: VentureKind, area: int, free: np.ndarray,
                 open_venture: Venture | None, t: int) -> None:
        """Willing nations not yet in a venture of this kind and area propose one (or, under
        consensus, join the alliance-wide one that is already open)."""
        params = self.config.alliance.formation
        sovereignty = self.effective_sovereignty
        if self.governance is Governance.CONSENSUS:
            if open_venture is not None:  # the alliance-wide venture admits latecomers
                adapting = (open_venture.standard >= 0) & \
                    (self.standard[free, area] != open_venture.standard)
                open_venture.add_members(free, adapting)
                self._join(open_venture, free)
                return
            if free.size < params.min_members:
                return
            # Every ally is a veto player, whether it joins or not.
            groups = [(free, int(self.spends.sum()),
                       float(sovereignty[self.spends].std()))]
        else:
            if free.size < params.min_members:
                return
            lead_weight = self.industrial_weight * self.allocation[:, area, KIND_PATHWAY[kind]]
            coalitions = formation.gather_coalitions(
                free, lead_weight, sovereignty, self.standard[:, area], self.trust_allies,
                params.min_members, params.max_coalition_size, self.streams.formation)
            groups = [(group, group.size, float(sovereignty[group].std()))
                      for group in coalitions]
        for group, veto, spread in groups:
            # A coalition's lead is the nation that gathered it (listed first); the
            # alliance-wide venture's is its heaviest member.
            consensus = self.governance is Governance.CONSENSUS
            lead = int(group[np.argmax(self.industrial_weight[group])]) if consensus \
                else int(group[0])
            self._open_venture(kind, area, group, lead=lead, veto=veto, spread=spread, t=t,
                               alliance_wide=consensus)

    def _join(self, venture: Venture, nations: np.ndarray) -> None:
        self.member_of[venture.kind][nations, venture.area] = venture.venture_id
        if venture.kind is VentureKind.PROGRAMME and venture.state is VentureState.ACTIVE:
            self._adopt_standard(nations, venture.area, venture.standard)

    def _release_members(self, venture: Venture) -> None:
        member = self.member_of[venture.kind]
        rows = venture.members[member[venture.members, venture.area] == venture.venture_id]
        member[rows, venture.area] = -1

    def _advance_negotiation(self, venture: Venture, t: int) -> None:
        params = self.config.alliance.formation
        chance = formation.agreement_probability(
            venture.veto_players, venture.preference_spread, params.agreement_rate,
            params.veto_player_drag, params.preference_drag)
        if self.streams.formation.random() < chance:
            self._agree(venture, t)
        elif t - venture.proposed_step >= params.max_negotiation:
            venture.state = VentureState.STALLED
            self._release_members(venture)

    def _agree(self, venture: Venture, t: int) -> None:
        params = self.config.alliance.formation
        area, members = venture.area, venture.members
        venture.state = VentureState.ACTIVE
        venture.agreed_step = t
        venture.end_step = t + params.programme_duration
        capacity = self.capacity[members, area]
        if venture.kind is VentureKind.HUB:
            order = members[np.argsort(-capacity, kind="stable")]
            hosts = order[self.capacity[order, area] > 0][: params.hub_hosts]
            venture.hosts = hosts if hosts.size else self.supplier[[venture.lead], area]
            self.totals.hubs_formed += 1
            return
        if venture.alliance_wide:
            # An alliance-wide programme buys on the alliance's reference standard.
            venture.standard = int(self.reference_standard[area])
        else:
            venture.standard = int(self.standard[venture.lead, area])
        venture.adapting = self.standard[members, area] != venture.standard
        producers = members[capacity > 0]
        venture.hosts = producers if producers.size else \
            self.owner[area, [venture.standard]]
        venture.pipeline = np.zeros(int(self.lead_time[area]))
        self._adopt_standard(members, area, venture.standard)
        self._promise_milestones(venture, t)
        self.totals.programmes_formed += 1

    def _adopt_standard(self, nations: np.ndarray | int, area: int, standard: int) -> None:
        """Nations switch an area to a standard; non-producers then buy from its owner."""
        self.standard[nations, area] = standard
        self.harmonisation[nations, area] = 0.0
        self.supplier[nations, area] = np.where(self.is_producer[nations], nations,
                                                self.owner[area, standard])

    def _promise_milestones(self, venture: Venture, t: int) -> None:
        """Dated promises from the money members put forward at agreement.

        The programme office plans deliveries as the orders this money buys, built on a
        new line that ramps up, and promises them with a dose of optimism drawn for the
        programme (mean ``planning_optimism``). Later changes in contributions, attacks on
        host nodes and competing orders then decide whether milestones are kept.
        """
        params = self.config.alliance.formation
        industry = self.config.alliance.industry
        area, members = venture.area, venture.members
        money = (self.procurement[members] * self.area_share[area]
                 * self.allocation[members, area, Pathway.POOLED])
        planned = float((money / self._pooled_price(venture)).sum())
        venture.line_capacity = planned * industry.line_ramp_start
        lead = int(self.lead_time[area])
        plan = production.planned_deliveries(planned, params.programme_duration,
                                             industry.line_ramp_start,
                                             industry.line_ramp_growth)
        optimism = self.streams.formation.uniform(0.0, 2.0 * params.planning_optimism)
        quarters = list(range(params.milestone_interval, params.programme_duration + 1,
                              params.milestone_interval))
        if not quarters or quarters[-1] != params.programme_duration:
            quarters.append(params.programme_duration)
        for quarter in quarters:
            venture.milestones.append(Milestone(
                due_step=t + lead + quarter - 1,
                promised_units=plan[quarter - 1] * (1.0 + optimism)))

    def _pooled_price(self, venture: Venture) -> np.ndarray:
        params = self.config.alliance.formation
        base = self._standard_price(venture.area, venture.standard)
        return base * (1.0 - params.pooling_discount) * (
            1.0 + params.adaptation_surcharge * venture.adapting)

    # --------------------------------------------------------- production
    def _producing_programmes(self) -> list[Venture]:
        return [v for v in self.live_ventures if v.kind is VentureKind.PROGRAMME
                and v.state in (VentureState.ACTIVE, VentureState.COMPLETED)
                and (v.backlog > 0 or v.pipeline.any())]

    def _produce_and_deliver(self, t: int) -> None:
        industry = self.config.alliance.industry
        capacity_left = self.capacity * self.nodes_up
        demand = np.zeros_like(self.capacity)
        programmes = self._producing_programmes()
        for venture in programmes:
            venture.backlog += float(production.advance_pipeline(venture.pipeline))
        self.backlog += production.advance_pipeline(self.pipeline)
        delivered = np.zeros((self.n, self.n_areas))

        # Pooled programmes first, the largest backlog first: production priority.
        for venture in sorted(programmes, key=lambda v: -v.backlog):
            area, hosts = venture.area, venture.hosts
            share = self.capacity[hosts, area] / max(self.capacity[hosts, area].sum(), 1e-12)
            demand[hosts, area] += venture.backlog * share
            available = capacity_left[hosts, area]
            built = min(venture.backlog, float(available.sum()), venture.line_capacity)
            if venture.backlog > built:  # a new line ramps up while orders wait
                venture.line_capacity *= 1.0 + industry.line_ramp_growth
            if built <= 0:
                continue
            capacity_left[hosts, area] -= built * available / available.sum()
            venture.backlog -= built
            outstanding = np.maximum(venture.ordered - venture.delivered, 0.0)
            portion = built * outstanding / max(outstanding.sum(), 1e-12)
            venture.delivered += portion
            delivered[venture.members, area] += portion  # members are distinct
            self.fleet[venture.members, area, venture.standard] += portion
            self.totals.joint_units += built
            if venture.first_delivery_step is None:
                venture.first_delivery_step = t
                self.totals.note_first_joint_delivery(t)

        demand += production.node_demand(self.backlog, self.supplier)
        built_national = production.serve_national(self.backlog, self.supplier, capacity_left)
        self.backlog -= built_national
        delivered += built_national
        # National orders arrive on the standard the nation buys now (orders placed before
        # a switch are counted on the new standard: a simplification).
        self.fleet[np.arange(self.n)[:, None], self.area_grid, self.standard] += built_national
        self.stock = self.fleet.sum(axis=2)
        self.capacity = np.where(self.capacity > 0, production.grow_capacity(
            self.capacity, demand, industry.capacity_growth), 0.0)
        interop_factor = self._interoperability_factor()
        self.totals.units_delivered += float(delivered.sum())
        self.totals.effective_units_delivered += float(
            (delivered * self.readiness * interop_factor[None, :]).sum())

    def _assess_milestones(self, t: int) -> None:
        params = self.config.alliance.formation
        self.kept = np.zeros(self.n)
        self.broken = np.zeros(self.n)
        for venture in self.live_ventures:
            if venture.settled_milestones == len(venture.milestones):
                continue
            delivered = venture.delivered_total
            for milestone in venture.milestones[venture.settled_milestones:]:
                met = delivered >= milestone.promised_units * (1.0 - params.milestone_tolerance)
                if milestone.status is MilestoneStatus.PENDING and milestone.due_step == t:
                    milestone.delivered_at_due = delivered
                    milestone.assessed_step = t
                    milestone.status = MilestoneStatus.ON_TIME if met else MilestoneStatus.LATE
                    (self.kept if met else self.broken)[venture.members] += 1.0
                    self.totals.milestones_due += 1
                    self.totals.milestones_on_time += int(met)
                elif milestone.status is MilestoneStatus.LATE:
                    if met:
                        milestone.status = MilestoneStatus.DELIVERED_LATE
                        milestone.assessed_step = t
                    elif t >= milestone.due_step + params.milestone_grace:
                        milestone.status = MilestoneStatus.MISSED
                        milestone.assessed_step = t
                        self.broken[venture.members] += 1.0
            while venture.settled_milestones < len(venture.milestones) and \
                    venture.milestones[venture.settled_milestones].status in SETTLED:
                venture.settled_milestones += 1

    # ------------------------------------------------------------ spending
    def _pathway_spending(self) -> np.ndarray:
        """Money per nation, area and pathway ``[N, A, P]`` this quarter: the intended
        allocation, where the pathway can take it."""
        area_budget = self.procurement[:, None] * self.area_share[None, :]
        intended = area_budget[..., None] * self.allocation
        active = self.active_flags
        spend = np.zeros_like(intended)
        spend[..., Pathway.POOLED] = intended[..., Pathway.POOLED] * \
            active[self.member_of[VentureKind.PROGRAMME]]
        spend[..., Pathway.HUBS] = intended[..., Pathway.HUBS] * \
            active[self.member_of[VentureKind.HUB]]
        harmonising = self.standard != self._harmonisation_target()
        spend[..., Pathway.STANDARDS] = intended[..., Pathway.STANDARDS] * harmonising
        # Money that cannot flow through a pathway yet reverts to national procurement.
        spend[..., Pathway.NATIONAL] = area_budget - spend[..., 1:].sum(axis=-1)
        return spend

    def _spend_and_order(self, t: int) -> None:
        spend = self.pathway_spend = self._pathway_spending()
        self.harmonisation += spend[..., Pathway.STANDARDS]
        self.hub_funding = spend[..., Pathway.HUBS]

        price = self._national_price()
        units = spend[..., Pathway.NATIONAL] / price
        production.place_orders(self.pipeline, units, self.lead_time)
        self.cumulative += self._per_standard(units)
        acquisition_money = float(spend[..., Pathway.NATIONAL].sum())
        acquisition_units = float(units.sum())

        for venture in self.live_ventures:
            if venture.state is not VentureState.ACTIVE:
                continue
            if venture.kind is VentureKind.HUB:
                venture.paid += float(spend[venture.members, venture.area, Pathway.HUBS].sum())
                continue
            money = spend[venture.members, venture.area, Pathway.POOLED]
            bought = money / self._pooled_price(venture)
            venture.ordered += bought
            venture.paid += float(money.sum())
            venture.pipeline[-1] += float(bought.sum())
            self.cumulative[venture.area, venture.standard] += float(bought.sum())
            acquisition_money += float(money.sum())
            acquisition_units += float(bought.sum())
        self.totals.add_spending(float(self.procurement.sum()), acquisition_money,
                                 acquisition_units)

    def _switch_standards(self) -> None:
        """Nations whose harmonisation spending covers the switching cost adopt the
        target standard."""
        decisions = self.config.alliance.decisions
        target = self._harmonisation_target()
        ready = (self.harmonisation >= decisions.standard_switch_cost * self.stock) & \
            (self.standard != target) & (self.stock > 0)
        for nation, area in zip(*np.nonzero(ready), strict=True):
            self._adopt_standard(int(nation), int(area), int(target[nation, area]))

    # ------------------------------------------------- readiness, capability
    def _interoperability_factor(self) -> np.ndarray:
        floor = self.config.alliance.industry.interoperability_floor
        return floor + (1.0 - floor) * self.interoperability

    def _update_readiness_and_capability(self) -> None:
        industry = self.config.alliance.industry
        coverage = sustainment.hub_coverage(self.hub_funding, self.stock, industry.hub_cost)
        up = self.nodes_up
        own = up[self.supplier, self.area_grid].astype(float)
        hub_up = np.ones((self.n, self.n_areas))
        for venture in self.live_ventures:
            if venture.kind is VentureKind.HUB and venture.state is VentureState.ACTIVE:
                hub_up[venture.members, venture.area] = sustainment.hub_availability(
                    int(up[venture.hosts, venture.area].sum()), venture.hosts.size,
                    industry.hub_surge)
        availability = sustainment.sustainment_availability(coverage, hub_up, own)
        target = sustainment.readiness_target(coverage, availability, industry.base_readiness,
                                              industry.hub_readiness,
                                              industry.disruption_sensitivity)
        undisrupted = sustainment.readiness_target(coverage, 1.0, industry.base_readiness,
                                                   industry.hub_readiness,
                                                   industry.disruption_sensitivity)
        rate = industry.readiness_adjustment
        self.readiness += rate * (target - self.readiness)
        self.undisrupted_readiness += rate * (undisrupted - self.undisrupted_readiness)
        self.hub_coverage = coverage
        self.capability = self.stock * self.readiness
        self.interoperability = standards.interoperability(
            self.fleet * self.readiness[..., None])
        self.fragmentation = standards.fragmentation(
            self.standard, (self.procurement > 0)[:, None] & (self.area_share > 0)[None, :],
            self.n_standards)
        self.area_capability = self.capability.sum(axis=0) * self._interoperability_factor()
        self.effective_capability = float(self.area_capability.sum())
        self.nation_capability = self.capability.sum(axis=1)
        stock = self.stock.sum(axis=1)
        self.nation_readiness = np.divide(self.nation_capability, stock,
                                          out=np.zeros(self.n), where=stock > 0)
        lost = float((self.stock * (self.undisrupted_readiness - self.readiness)).sum())
        self.capability_lost = max(lost, 0.0)

    def _update_trust(self) -> None:
        """Promises kept and broken, shared membership and exclusion move trust."""
        params = self.config.alliance.cohesion
        self._count_memberships()
        self.trust_allies = cohesion.update_trust(
            self.trust_allies, self.kept, self.broken, self.active_memberships.astype(float),
            self.left_out.sum(axis=1).astype(float), params.trust_gain_kept,
            params.trust_loss_broken, params.trust_gain_membership,
            params.trust_loss_excluded)
        self.trust_us += params.us_trust_adjustment * (self.us_commitment - self.trust_us)
        self.totals.capability_lost += self.capability_lost
        self.totals.nodes_disabled += int((~self.nodes_up).sum())

    def _count_memberships(self) -> None:
        """Memberships of open ventures (proposed or active) per nation, the active ones
        (which build trust), and who is left out of coalitions."""
        open_programmes = self.member_of[VentureKind.PROGRAMME] >= 0
        open_hubs = self.member_of[VentureKind.HUB] >= 0
        self.memberships = open_programmes.sum(axis=1) + open_hubs.sum(axis=1)
        active = self.active_flags
        self.active_memberships = (active[self.member_of[VentureKind.PROGRAMME]].sum(axis=1)
                                   + active[self.member_of[VentureKind.HUB]].sum(axis=1))
        left_out = np.zeros((self.n, self.n_areas), dtype=bool)
        if self.governance is Governance.COALITIONS:
            coalition_in_area = open_programmes.any(axis=0)
            left_out = coalition_in_area[None, :] & ~open_programmes & self.spends[:, None]
        self.left_out = left_out

    def _measure_cohesion(self) -> None:
        """The cohesion index, its parts, and each nation's satisfaction."""
        params = self.config.alliance.cohesion
        left_out_share = self.left_out.mean(axis=1)
        spenders = self.spends
        perception = self.threat * self.exposure
        share = self.share[spenders]
        mean_share = float(share.mean()) if share.size else 0.0
        self.burden_gini = cohesion.gini(share)
        self.cohesion_parts = {
            "threat_alignment": cohesion.alignment(perception),
            "political_alignment": cohesion.alignment(self.pressure),
            "fairness": 1.0 - self.burden_gini,
            "trust": float(self.trust_allies.mean()),
            "inclusion": 1.0 - float(left_out_share.mean()),
        }
        weights = {
            "threat_alignment": params.weight_threat_alignment,
            "political_alignment": params.weight_political_alignment,
            "fairness": params.weight_fairness,
            "trust": params.weight_trust,
            "inclusion": params.weight_inclusion,
        }
        self.cohesion = float(cohesion.weighted_mean(self.cohesion_parts, weights))
        fairness = np.where(spenders, cohesion.fairness(self.share, mean_share), 1.0)
        nation_parts = {
            "threat_alignment": 1.0 - np.abs(perception - perception.mean()),
            "political_alignment": 1.0 - np.abs(self.pressure - self.pressure.mean()),
            "fairness": fairness,
            "trust": self.trust_allies,
            "inclusion": 1.0 - left_out_share,
        }
        self.satisfaction = np.clip(cohesion.weighted_mean(nation_parts, weights), 0.0, 1.0)

    # -------------------------------------------------------------- outputs
    def _collect(self) -> None:
        """Record this step: the model figures through Mesa's DataCollector, and the
        nations' figures as one array ``[N, F]`` (sim.metrics.NATION_FIELDS) kept here -
        a DataCollector agent reporter would cost a Python call per nation and step."""
        self.figures = metrics.model_figures(self)
        self.datacollector.collect(self)
        self.nation_rows.append(metrics.nation_figures(self))

    def kpis(self) -> dict[str, float]:
        """End-of-run key performance indicators (docs/MODEL.md, "Outputs")."""
        return metrics.end_of_run_kpis(self)
