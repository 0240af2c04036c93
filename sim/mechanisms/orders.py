"""Spending and orders: each pathway's money goes where it can, and buys.

Money a pathway cannot take (no active venture to pay into, nothing to harmonise toward,
hub money beyond what full coverage of the nation's stock needs) reverts to national
procurement, so every dollar of the procurement budget is spent. National money orders
units on the nation's standard at its learning-curve price plus its supplier's surge
premium; pooled money orders units on the programme's standard at the pooled price;
harmonisation money accumulates toward a switch of standard and retrofits; hub money
funds sustainment.
"""

from __future__ import annotations

import numpy as np

from sim.enums import PATHWAY_OF, Pathway, VentureKind, VentureState
from sim.mechanisms import prices
from sim.mechanisms.production import place_orders
from sim.mechanisms.standards import harmonisation_need
from sim.schema.alliance import Alliance
from sim.state import State, Venture
from sim.state.ventures import members_end_to_end


def pathway_spending(state: State, alliance: Alliance) -> np.ndarray:
    """[N, A, P] USD bn this quarter: the intended allocation, where the pathway can
    take it."""
    nations, ventures = state.nations, state.ventures
    area_budget = nations.procurement[:, None] * state.areas.share[None, :]
    intended = area_budget[..., None] * state.choices.allocation
    spend = np.zeros_like(intended)
    spend[..., Pathway.POOLED] = intended[..., Pathway.POOLED] * \
        ventures.active_member(VentureKind.PROGRAMME)
    # Coverage is judged on the stock after this quarter's wear (sim.mechanisms.capability).
    full_coverage = alliance.industry.hub_cost * state.forces.stock * \
        (1.0 - state.areas.wear)[None, :]
    spend[..., Pathway.HUBS] = np.minimum(intended[..., Pathway.HUBS], full_coverage) * \
        ventures.active_member(VentureKind.HUB)
    spend[..., Pathway.STANDARDS] = np.minimum(
        intended[..., Pathway.STANDARDS],
        harmonisation_need(state, alliance.decisions, alliance.governance))
    # Money that cannot flow through a pathway yet reverts to national procurement.
    spend[..., Pathway.NATIONAL] = area_budget - spend[..., 1:].sum(axis=-1)
    return spend


def venture_money(state: State, spend: np.ndarray, active: list[Venture]
                  ) -> tuple[np.ndarray, list[slice]]:
    """USD bn each listed member of the ``active`` ventures pays in this quarter through
    the venture's pathway (those who left pay nothing), the ventures' members end to end
    (one array operation whatever their number), and each venture's span."""
    if not active:
        return np.zeros(0), []
    members, sizes, spans = members_end_to_end(active)
    # The array method: np.repeat on lists costs several times as much.
    money = spend[members, np.array([venture.area for venture in active]).repeat(sizes),
                  np.array([PATHWAY_OF[venture.kind] for venture in active]).repeat(sizes)]
    for venture, span in zip(active, spans, strict=True):
        if venture.members_left:
            money[span] *= state.ventures.paying(venture)
    return money, spans


def advance(state: State, alliance: Alliance) -> None:
    """Spend this quarter's budgets and place the orders they buy."""
    choices, formation = state.choices, alliance.formation
    spend = choices.pathway_spend = pathway_spending(state, alliance)
    standards, industry, ventures = state.standards, state.industry, state.ventures
    standards.harmonisation += spend[..., Pathway.STANDARDS]
    state.forces.hub_funding = spend[..., Pathway.HUBS]
    area_budget = state.nations.procurement[:, None] * state.areas.share[None, :]
    intended_hubs = area_budget * choices.allocation[..., Pathway.HUBS] * \
        ventures.active_member(VentureKind.HUB)
    choices.hub_money_returned = float((intended_hubs - spend[..., Pathway.HUBS]).sum())

    premium = industry.premium[industry.supplier, state.areas.grid]
    units = spend[..., Pathway.NATIONAL] / prices.order_price(state)
    choices.surge_premium_paid = float(
        (spend[..., Pathway.NATIONAL] * premium / (1.0 + premium)).sum())
    place_orders(industry.pipeline, units, state.areas.lead_time)
    standards.cumulative += standards.per_standard(units, state.areas.grid)
    acquisition_money = float(spend[..., Pathway.NATIONAL].sum())
    acquisition_units = float(units.sum())

    active_state, hub = VentureState.ACTIVE, VentureKind.HUB  # enum lookups once, not per venture
    active = [venture for venture in ventures.live if venture.state is active_state]
    money, spans = venture_money(state, spend, active)
    cumulative = standards.cumulative
    add_up = np.add.reduce  # what ndarray.sum calls, without its Python wrapper
    for venture, span in zip(active, spans, strict=True):
        money_in = money[span]
        paid = float(add_up(money_in))
        venture.paid += paid
        if venture.kind is hub:
            continue
        bought = money_in / prices.pooled_price(state, venture, formation)
        units_bought = float(add_up(bought))
        venture.ordered += bought
        venture.order_history.append(units_bought)
        venture.pipeline[-1] += units_bought
        cumulative[venture.area, venture.standard] += units_bought
        acquisition_money += paid
        acquisition_units += units_bought
    state.totals.add_spending(float(state.nations.procurement.sum()), acquisition_money,
                              acquisition_units)
