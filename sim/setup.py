"""Set-up: the state at quarter 0, built from a validated scenario (docs/MODEL.md, 3.1).

Nations start as NATO's figures give them; the industrial base, fleets and pipelines
start in a steady state in which deliveries replace wear and capacity carries the usual
spare; readiness, capability, cohesion and the nations' first split of their budgets are
then measured as in a quarter.
"""

from __future__ import annotations

import numpy as np

from sim.enums import Pathway
from sim.mechanisms import (
    aid,
    attacks,
    budgets,
    capability,
    cohesion,
    decisions,
    drivers,
    exercises,
    orders,
    prices,
    standards,
)
from sim.mechanisms.drivers import draw_driver_paths
from sim.mechanisms.production import node_demand
from sim.policies import BehaviouralPolicy
from sim.schema import Scenario
from sim.state import (
    ChoiceState,
    CohesionState,
    ForcesState,
    IndustryState,
    RunningTotals,
    StandardsState,
    State,
    VentureBook,
    WorldState,
)
from sim.state.areas import initial_areas
from sim.state.nations import initial_nations
from sim.streams import RandomStreams


def initial_state(scenario: Scenario, streams: RandomStreams,
                  behavioural: BehaviouralPolicy) -> State:
    alliance = scenario.alliance
    nations = initial_nations(scenario)
    n = nations.n
    areas = initial_areas(scenario, n)
    paths = draw_driver_paths(scenario, streams.drivers, streams.politics)
    nations.pressure = paths.political_pressure[0].copy()
    nations.pressure_start = paths.political_pressure[0].copy()
    attention = float(paths.pacific_attention[0])
    world = WorldState(paths=paths, threat=float(paths.threat[0]),
                       us_commitment=float(paths.us_commitment[0]),
                       pacific_attention=attention,
                       us_europe=float(paths.us_commitment[0]) * (1.0 - attention))
    nations.perceived = drivers.perceived_threat(world.threat, nations.exposure,
                                                 paths.perception_shift[0])
    zeros = np.zeros((n, areas.n))
    state = State(
        step=0, steps_per_year=scenario.simulation.steps_per_year, nations=nations,
        areas=areas, world=world,
        standards=StandardsState(standard=np.zeros((n, areas.n), dtype=int),
                                 owner=np.zeros((areas.n, 1), dtype=int),
                                 cumulative=np.zeros((areas.n, 1)),
                                 reference_output=np.ones(areas.n),
                                 reference=np.zeros(areas.n, dtype=int),
                                 target=np.full((n, areas.n), -1),
                                 alliance=np.full(areas.n, -1),
                                 harmonisation=zeros.copy(),
                                 national_price=np.ones((n, areas.n))),
        industry=IndustryState(
            producers=np.zeros(0, dtype=int), is_producer=np.zeros(n, dtype=bool),
            supplier=np.zeros((n, areas.n), dtype=int), capacity=zeros.copy(),
            building=np.zeros((n, areas.n, max(int(areas.capacity_ramp_delay.max()), 1))),
            line_down_until=np.zeros((n, areas.n, alliance.industry.lines_per_node),
                                     dtype=int),
            pipeline=np.zeros((n, areas.n, int(areas.lead_time.max()))),
            backlog=zeros.copy(),
            ukraine_pipeline=np.zeros((n, areas.n, int(areas.lead_time.max()))),
            ukraine_backlog=zeros.copy(), premium=zeros.copy(), lines_hit=np.zeros(n),
            attacks_foiled=np.zeros(n)),
        forces=ForcesState(
            fleet=np.zeros((n, areas.n, 1)), stock=zeros.copy(), readiness=zeros.copy(),
            undisrupted_readiness=zeros.copy(), hub_funding=zeros.copy(),
            hub_coverage=zeros.copy(), capability=zeros.copy(),
            interoperability=np.zeros(areas.n), fragmentation=np.zeros(areas.n, dtype=int),
            area_capability=np.zeros(areas.n), effective_capability=0.0,
            nation_capability=np.zeros(n), nation_readiness=np.zeros(n),
            capability_lost=0.0, change_from={}, factors=np.zeros((0, areas.n)),
            delivered=zeros.copy(),
            joint_delivered=zeros.copy(), aid_transferred=np.zeros(n),
            aid_built=np.zeros(n)),
        ventures=VentureBook.empty(n, areas.n),
        choices=ChoiceState(allocation=np.zeros((n, areas.n, len(Pathway))),
                            pathway_spend=np.zeros((n, areas.n, len(Pathway))),
                            desired_share=nations.share.copy(),
                            desired_resilience=nations.resilience.copy(),
                            desired_aid=nations.aid.copy()),
        cohesion=CohesionState(kept=np.zeros(n), broken=np.zeros(n),
                               memberships=np.zeros(n, dtype=int),
                               active_memberships=np.zeros(n, dtype=int),
                               left_out=np.zeros((n, areas.n), dtype=bool)),
        totals=RunningTotals(),
    )
    nations.aid = np.where(nations.spends, paths.ukraine_aid[0], 0.0)
    nations.exercise_share = np.where(nations.spends, alliance.exercises.share_of_spending, 0.0)
    budgets.split_equipment_budget(state, scenario.simulation.steps_per_year)
    budgets.calibrate(state, scenario)
    state.nations.protection = attacks.protection(state.nations.resilience,
                                                  alliance.resilience)
    _steady_industrial_base(state, scenario, streams.setup)

    state.nations.practice = exercises.practice_target(state.nations.exercise_share,
                                                       alliance.exercises)
    capability.advance(state, alliance.industry, alliance.exercises, alliance.us_attention)
    cohesion.count_memberships(state, alliance.governance)
    cohesion.measure(state, alliance.cohesion)
    state.standards.reference = standards.reference_standards(state.forces.fleet)
    observation = decisions.observe(state, alliance, scenario.simulation.steps_per_year)
    state.choices.allocation = behavioural.target_allocation(observation)
    state.choices.pathway_spend = orders.pathway_spending(state, alliance)
    state.initial_capability = float(state.forces.effective_capability)
    return state


def _steady_industrial_base(state: State, scenario: Scenario, rng: np.random.Generator
                            ) -> None:
    """Producers, standards, prices, fleets, pipelines and capacity in a steady state."""
    params = scenario.alliance.industry
    nations, areas, industry, forces = state.nations, state.areas, state.industry, state.forces
    n = nations.n
    spenders = np.flatnonzero(nations.spends)
    order = spenders[np.argsort(-nations.industrial_weight[spenders], kind="stable")]
    n_producers = max(1, round(params.producer_share * spenders.size))
    industry.producers = order[:n_producers]
    industry.is_producer[industry.producers] = True
    standard, owner = standards.assign_initial_standards(
        np.maximum(nations.industrial_weight, 1e-12), industry.producers,
        areas.standards_wanted, rng)
    state.standards.standard, state.standards.owner = standard, owner
    # Every nation buys from the owner of the standard it buys on: a production node
    # exists where a standard is owned.
    industry.supplier = owner[areas.grid, standard]

    area_budget = nations.procurement[:, None] * areas.share[None, :]
    # Legacy output per standard (for the learning curve) is proxied by the stock that
    # the budget sustains at reference prices; then start in a steady state at the
    # prices that output implies: stocks where deliveries replace wear, pipelines full.
    cumulative = state.standards.per_standard(area_budget / areas.wear[None, :], areas.grid)
    state.standards.cumulative = cumulative
    used = cumulative > 0
    state.standards.reference_output = np.array([
        cumulative[a, used[a]].mean() if used[a].any() else 1.0 for a in range(areas.n)])
    state.standards.national_price = prices.national_price(state)
    steady_units = area_budget / state.standards.national_price
    forces.stock = steady_units / areas.wear[None, :]
    # Aid at its starting level: what is taken from stocks each quarter is re-ordered, and
    # new builds for Ukraine keep their own pipeline full.
    refills, new_builds = aid.aid_units(state, scenario.alliance.aid)
    # The fleet by standard: legacy equipment stays on its standard until it wears out,
    # so harmonising or joining a programme changes interoperability only as fleets
    # turn over.
    forces.fleet = np.zeros((n, areas.n, state.standards.count))
    forces.fleet[np.arange(n)[:, None], areas.grid, standard] = forces.stock
    for a, lead in enumerate(areas.lead_time):
        industry.pipeline[:, a, :lead] = (steady_units + refills)[:, a, None]
        industry.ukraine_pipeline[:, a, :lead] = new_builds[:, a, None]
    demand = node_demand(steady_units + refills + new_builds, industry.supplier)
    industry.capacity = demand * (1.0 + params.spare_capacity)
    forces.readiness = np.full((n, areas.n), params.base_readiness)
    forces.undisrupted_readiness = forces.readiness.copy()
