"""Delivery milestones: dated promises of a programme, from its production plan.

At agreement the programme office plans production: members' pledged money orders units
at the pooled price each quarter; after the lead time they are built on the programme's
new line, which starts at ``programme_line_start`` of the order rate and grows at the
area's nominal capacity growth while orders wait. The promise is that plan, raised by a
planning optimism drawn for the programme (mean ``planning_optimism``) but never above the
units ordered by then: optimism only matters where production, not orders, is the limit.
Production itself follows the same rule with the growth industry realises, attacks on the
line and the money members actually pay, so it does not depend on the optimism.

A milestone is judged when it falls due: on time if cumulative deliveries reach the
promise (less a tolerance), else late; a late one is re-checked each quarter until
delivered late or, after the grace period, missed. A shortfall can be traced: the
milestone records the units members ordered below plan (budget cuts, members leaving) and
the output lost to attacks on the programme's line. Kept and broken promises move trust
(sim.mechanisms.cohesion).
"""

from __future__ import annotations

from itertools import takewhile

import numpy as np

from sim.enums import MilestoneStatus, Pathway
from sim.mechanisms import prices
from sim.mechanisms.production import planned_deliveries
from sim.schema.alliance import Formation, Industry
from sim.state import Milestone, State, Venture

SETTLED = (MilestoneStatus.ON_TIME, MilestoneStatus.DELIVERED_LATE, MilestoneStatus.MISSED)


def milestone_quarters(interval: int, duration: int) -> list[int]:
    """Quarters of orders after which milestones fall due (one lead time later): every
    ``interval``, and always the last quarter of the programme."""
    quarters = list(range(interval, duration + 1, interval))
    if not quarters or quarters[-1] != duration:
        quarters.append(duration)
    return quarters


def pledged_money(state: State, venture: Venture) -> np.ndarray:
    """[members] USD bn a quarter each member means to pay into the programme."""
    members, area = venture.members, venture.area
    return (state.nations.procurement[members] * state.areas.share[area]
            * state.choices.allocation[members, area, Pathway.POOLED])


def promise(state: State, venture: Venture, formation: Formation, industry: Industry,
            rng: np.random.Generator) -> None:
    """The programme's plan: its order rate, its line, and dated promises."""
    area = venture.area
    order_rate = float((pledged_money(state, venture)
                        / prices.pooled_price(state, venture, formation)).sum())
    venture.planned_orders = order_rate
    venture.line_capacity = order_rate * industry.programme_line_start
    lead = int(state.areas.lead_time[area])
    plan = planned_deliveries(order_rate, formation.programme_duration,
                              industry.programme_line_start,
                              float(state.areas.capacity_growth[area]))
    optimism = rng.uniform(0.0, 2.0 * formation.planning_optimism)
    for quarter in milestone_quarters(formation.milestone_interval,
                                      formation.programme_duration):
        planned = float(plan[quarter - 1])
        venture.milestones.append(Milestone(
            due_step=state.step + lead + quarter - 1,
            promised_units=min(planned * (1.0 + optimism), order_rate * quarter),
            planned_units=planned))


def order_shortfall(venture: Venture, quarters: int) -> float:
    """Units members ordered below plan in the programme's first ``quarters`` quarters."""
    ordered = sum(venture.order_history[:quarters])
    return max(venture.planned_orders * quarters - ordered, 0.0)


def assess(state: State, formation: Formation) -> None:
    """Judge the milestones falling due and re-check the late ones; count promises kept
    and broken per nation this quarter."""
    t, totals = state.step, state.totals
    kept = np.zeros(state.n)
    broken = np.zeros(state.n)
    # Enum members read for every milestone looked up once (a lookup costs ~0.1 us).
    pending, late = MilestoneStatus.PENDING, MilestoneStatus.LATE
    for venture in state.ventures.live:
        # Milestones fall due in order: from the first pending one not yet due on, none
        # is due or late, so only those before it are judged. Most quarters the first
        # unsettled one is pending and not due: that is told without building a list.
        first = venture.settled_milestones
        if first == len(venture.milestones) or (
                venture.milestones[first].status is pending
                and venture.milestones[first].due_step > t):
            continue
        judged = list(takewhile(
            lambda milestone: milestone.status is not pending or milestone.due_step <= t,
            venture.milestones[first:]))
        delivered = venture.delivered_total
        for milestone in judged:
            met = delivered >= milestone.promised_units * (1.0 - formation.milestone_tolerance)
            if milestone.status is pending and milestone.due_step == t:
                milestone.delivered_at_due = delivered
                milestone.assessed_step = t
                quarters = milestone.due_step - venture.agreed_step - \
                    int(state.areas.lead_time[venture.area]) + 1
                milestone.order_shortfall_at_due = order_shortfall(venture, quarters)
                milestone.lost_to_attacks_at_due = venture.units_lost_to_attacks
                milestone.status = MilestoneStatus.ON_TIME if met else late
                (kept if met else broken)[venture.members] += 1.0
                totals.milestones_due += 1
                totals.milestones_on_time += int(met)
            elif milestone.status is late:
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
