"""Military aid to Ukraine: transfers from stocks, refill orders and new equipment bought
for Ukraine, all competing for the same industrial capacity.

Each quarter a giving ally spends its aid (paid from its equipment budget, sim.mechanisms
.budgets) in the areas aid draws on - artillery and ammunition, air defence first. A share
``from_stocks`` is delivered at once from the fleet in service (on every standard pro
rata) and re-ordered for the nation's own forces, so the stock is drawn down until the
refill arrives a lead time later; the rest is bought new from the nation's supplier node
for Ukraine. Refills and new builds queue at the same nodes as national orders. Aid
coordinated among many partners builds trust among the givers (seed article: "more than
thirty partners coordinated sanctions and aid packages").
"""

from __future__ import annotations

import functools

import numpy as np

from sim.mechanisms import prices
from sim.mechanisms.production import place_orders
from sim.schema.alliance import Aid
from sim.state import State


def area_weights(state: State, params: Aid) -> np.ndarray:
    """[A] how aid is spread over the areas: the configured weights over the areas that
    exist, normalised; evenly over all areas when none exists."""
    return _spread(tuple(state.areas.names), tuple(params.area_weights.items()))


@functools.cache  # the same few settings every quarter of every run
def _spread(names: tuple[str, ...], configured: tuple[tuple[str, float], ...]
            ) -> np.ndarray:
    weight_of = dict(configured)
    weights = np.array([weight_of.get(name, 0.0) for name in names])
    if weights.sum() <= 0:
        weights = np.ones(len(names))
    weights = weights / weights.sum()
    weights.flags.writeable = False  # shared by every caller
    return weights


def aid_units(state: State, params: Aid) -> tuple[np.ndarray, np.ndarray]:
    """[N, A] units a quarter transferred from stocks (and re-ordered) and units bought
    new for Ukraine, at each nation's national prices."""
    money = state.nations.aid_money[:, None] * area_weights(state, params)[None, :]
    units = money / prices.order_price(state)
    return units * params.from_stocks, units * (1.0 - params.from_stocks)


def transfer_from_stocks(state: State, units: np.ndarray) -> np.ndarray:
    """Take ``units[N, A]`` from the fleets in service, on every standard pro rata (never
    more than there is); return what was transferred."""
    fleet = state.forces.fleet
    stock = fleet.sum(axis=2)
    taken = np.minimum(units, stock)
    share = np.divide(taken, stock, out=np.zeros_like(taken), where=stock > 0)
    fleet *= 1.0 - share[..., None]
    state.forces.stock = fleet.sum(axis=2)
    return taken


def advance(state: State, params: Aid) -> None:
    """This quarter's aid: transfers, refill orders, new builds, and the trust coordination
    builds among the givers."""
    from_stocks, new_builds = aid_units(state, params)
    transferred = transfer_from_stocks(state, from_stocks)
    industry, areas = state.industry, state.areas
    place_orders(industry.pipeline, transferred, areas.lead_time)
    place_orders(industry.ukraine_pipeline, new_builds, areas.lead_time)
    state.totals.aid_transferred += float(transferred.sum())
    state.forces.aid_transferred = transferred.sum(axis=1)
    nations = state.nations
    giving = nations.aid > 0
    spending = np.count_nonzero(nations.spends)
    share_giving = np.count_nonzero(giving & nations.spends) / spending if spending else 0.0
    gain = params.trust_gain_coordination * share_giving
    nations.trust_allies = np.where(giving, 1.0 - (1.0 - nations.trust_allies) * (1.0 - gain),
                                    nations.trust_allies)
