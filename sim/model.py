"""The alliance model: nations choosing how to build capability together, quarter by quarter.

``AllianceModel(scenario, rng=seed, **overrides)`` takes a validated scenario, a seed (or
SeedSequence) and dotted-path overrides as keyword arguments, so that Mesa's own
``batch_run`` can drive it (``parameters={"alliance.governance": [...]}``).

The model schedules; the state (sim.state) holds what it knows; each mechanism
(sim.mechanisms) advances its part of the state; nations decide through their policies
(sim.policies); records (sim.records) report. docs/ARCHITECTURE.md draws the layers and
docs/MODEL.md describes every mechanism.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

import mesa
import numpy as np

from sim import records
from sim.enums import Governance
from sim.loader import apply_overrides
from sim.mechanisms import (
    aid,
    attacks,
    budgets,
    capability,
    cohesion,
    decisions,
    drivers,
    exercises,
    milestones,
    negotiation,
    orders,
    production,
    standards,
)
from sim.nation import NationAgent
from sim.policies import BehaviouralPolicy, Policy, nation_policies
from sim.recorder import StepRecorder
from sim.schema import Scenario
from sim.setup import initial_state
from sim.streams import RandomStreams


def forget_agent_ids(model: mesa.Model) -> None:
    """Drop the model's entry in Mesa's class-level ``Agent._ids`` (Mesa 3.3: a counter of
    unique ids per model, never emptied), which would keep every model of a long run
    alive - about 0.5 MB a replication. Called once the model's agents exist: none is
    created after set-up."""
    getattr(mesa.Agent, "_ids", {}).pop(model, None)


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
        self.behavioural = BehaviouralPolicy(scenario.alliance)
        self.state = initial_state(scenario, self.streams, self.behavioural)
        self.nations = [
            NationAgent(self, i, nation.code, nation.name, policy)
            for i, (nation, policy) in enumerate(zip(
                scenario.nations.members, nation_policies(scenario, self.behavioural),
                strict=True))]
        self.other_policies = self._policy_groups()
        forget_agent_ids(self)
        # Collect the starting state as step 0, as Mesa's conventions (and batch_run) expect.
        # The recorder keeps Mesa's attribute name: batch_run reads `model.datacollector`.
        self._europe = records.Europe.of(self.state)
        quantities, by_area = records.step_quantities(self.state, self._europe)
        nations = self.state.nations
        self.datacollector = StepRecorder(
            len(quantities), (len(by_area), self.state.areas.n), self.state.n,
            len(records.NATION_FIELDS), self.horizon,
            partial(records.step_figures, parts=tuple(self.state.cohesion.parts),
                    area_columns=self.state.areas.columns if scenario.outputs.per_area
                    else None,
                    spends=nations.spends, is_us=nations.is_us,
                    steps_per_year=scenario.simulation.steps_per_year))
        self.datacollector.record(quantities, by_area, records.nation_figures(self.state))

    @property
    def figures(self) -> dict[str, float]:
        """The model figures of the step last played (sim.records), by name."""
        return self.datacollector.latest()

    @property
    def nation_rows(self) -> np.ndarray:
        """``[steps recorded, N, F]``: each step's nation figures (records.NATION_FIELDS)."""
        return self.datacollector.nation_rows

    def _policy_groups(self) -> list[tuple[Policy, np.ndarray]]:
        """Each policy other than the behavioural one, with the rows of the nations it
        decides for."""
        groups: dict[int, tuple[Policy, list[int]]] = {}
        for agent in self.nations:
            if agent.policy is not self.behavioural:
                groups.setdefault(id(agent.policy), (agent.policy, []))[1].append(agent.index)
        return [(policy, np.array(rows)) for policy, rows in groups.values()]

    def set_policy(self, codes: Iterable[str], policy: Policy) -> None:
        """Give the nations with these codes another policy (before or between steps)."""
        wanted = set(codes)
        unknown = wanted - {agent.code for agent in self.nations}
        if unknown:
            raise ValueError(f"unknown nation codes: {', '.join(sorted(unknown))}")
        for agent in self.nations:
            if agent.code in wanted:
                agent.policy = policy
        self.other_policies = self._policy_groups()

    @property
    def governance(self) -> Governance:
        return self.config.alliance.governance

    def step(self) -> None:
        """One quarter, in the order of docs/MODEL.md, 1.3 ("Process overview")."""
        if self.steps > self.horizon:  # Mesa counts the quarter before calling step()
            # The drivers' paths and the recorder's rows are drawn to the horizon at set-up.
            raise RuntimeError(f"the run has played all {self.horizon} of its steps "
                               f"(simulation.steps); make a model with a later horizon")
        state, alliance = self.state, self.config.alliance
        steps_per_year = self.config.simulation.steps_per_year
        state.step = self.steps
        state.totals.start_step()
        drivers.advance(state, alliance.decisions)
        attacks.advance(state, alliance.industry, alliance.resilience, self.streams.attacks)
        state.standards.reference = standards.reference_standards(state.forces.fleet)
        decided = decisions.advance(state, alliance, steps_per_year, self.behavioural,
                                    self.other_policies)
        budgets.advance(state, alliance.spending, alliance.pledges, steps_per_year)
        negotiation.advance(state, decided, alliance, self.streams.formation)
        production.advance(state, alliance.industry)
        milestones.assess(state, alliance.formation)
        aid.advance(state, alliance.aid)
        orders.advance(state, alliance)
        standards.switch(state, alliance.decisions, alliance.governance)
        capability.wear_out(state)
        exercises.advance(state, alliance.exercises)
        capability.advance(state, alliance.industry, alliance.exercises, alliance.us_attention)
        capability.tally_losses(state)
        cohesion.advance(state, alliance.cohesion, alliance.governance,
                         alliance.exercises.trust_gain)
        state.ventures.drop_finished()
        self._collect()
        self.running = self.steps < self.horizon  # lets Mesa's batch_run stop at the horizon

    def _collect(self) -> None:
        """Record this step: what the model figures are made of (sim.records
        step_quantities; the figures are computed when read) and the nations' figures
        - a DataCollector agent reporter would cost a Python call per nation and step, a
        model reporter a call and a deep copy per figure."""
        self.datacollector.record(*records.step_quantities(self.state, self._europe),
                                  records.nation_figures(self.state))

    def kpis(self) -> dict[str, float]:
        """End-of-run key performance indicators (sim/outputs.py, docs/OUTPUTS.md)."""
        return records.end_of_run_kpis(self.state, self.datacollector.figures)
