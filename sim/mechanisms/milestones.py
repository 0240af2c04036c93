"""Delivery milestones: dated promises of a programme, and whether they are kept.

At agreement the programme office plans deliveries as the orders its members' money buys,
built on a new line that ramps up, and promises them with a dose of optimism drawn for the
programme (mean ``planning_optimism``). A milestone is judged when it falls due: on time
if cumulative deliveries reach the promise (less a tolerance), else late; a late one is
re-checked each quarter until delivered late or, after the grace period, missed. Kept and
broken promises move trust (sim.mechanisms.cohesion).
"""

from __future__ import annotations

import numpy as np

from sim.enums import MilestoneStatus, Pathway
from sim.mechanisms import prices
from sim.mechanisms.production import planned_deliveries
from sim.schema.alliance import Formation, Industry
from sim.state import Milestone, State, Venture

SETTLED = (MilestoneStatus.ON_TIME, MilestoneStatus.DELIVERED_LATE, MilestoneStatus.MISSED)


def milestone_quarters(interval: int, duration: int) -> list[int]:
    """Quarters after the first orders fall ready at which milestones fall due: every
    ``interval``, and always the last quarter of the programme."""
    quarters = list(range(interval, duration + 1, interval))
    if not quarters or quarters[-1] != duration:
        quarters.append(duration)
    return quarters


def promise(state: State, venture: Venture, formation: Formation, industry: Industry,
            rng: np.random.Generator) -> None:
    """Dated promises from the money members put forward at agreement; later changes in
    contributions, attacks on host nodes and competing orders decide whether they are
    kept."""
    area, members = venture.area, venture.members
    nations = state.nations
    money = (nations.procurement[members] * state.areas.share[area]
             * state.choices.allocation[members, area, Pathway.POOLED])
    planned = float((money / prices.pooled_price(state, venture, formation)).sum())
    venture.line_capacity = planned * industry.line_ramp_start
    lead = int(state.areas.lead_time[area])
    plan = planned_deliveries(planned, formation.programme_duration,
                              industry.line_ramp_start, industry.line_ramp_growth)
    optimism = rng.uniform(0.0, 2.0 * formation.planning_optimism)
    for quarter in milestone_quarters(formation.milestone_interval,
                                      formation.programme_duration):
        venture.milestones.append(Milestone(
            due_step=state.step + lead + quarter - 1,
            promised_units=plan[quarter - 1] * (1.0 + optimism)))


def assess(state: State, formation: Formation) -> None:
    """Judge the milestones falling due and re-check the late ones; count promises kept
    and broken per nation this quarter."""
    t, totals = state.step, state.totals
    kept = np.zeros(state.n)
    broken = np.zeros(state.n)
    for venture in state.ventures.live:
        if venture.settled_milestones == len(venture.milestones):
            continue
        delivered = venture.delivered_total
        for milestone in venture.milestones[venture.settled_milestones:]:
            met = delivered >= milestone.promised_units * (1.0 - formation.milestone_tolerance)
            if milestone.status is MilestoneStatus.PENDING and milestone.due_step == t:
                milestone.delivered_at_due = delivered
                milestone.assessed_step = t
                milestone.status = MilestoneStatus.ON_TIME if met else MilestoneStatus.LATE
                (kept if met else broken)[venture.members] += 1.0
                totals.milestones_due += 1
                totals.milestones_on_time += int(met)
            elif milestone.status is MilestoneStatus.LATE:
                if met:
                    milestone.status = MilestoneStatus.DELIVERED_LATE
                    milestone.assessed_step = t
                elif t >= milestone.due_step + formation.milestone_grace:
                    milestone.status = MilestoneStatus.MISSED
                    milestone.assessed_step = t
                    broken[venture.members] += 1.0
        while venture.settled_milestones < len(venture.milestones) and \
                venture.milestones[venture.settled_milestones].status in SETTLED:
            venture.settled_milestones += 1
    state.cohesion.kept = kept
    state.cohesion.broken = broken
