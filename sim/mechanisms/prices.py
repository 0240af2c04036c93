"""Unit costs on a learning curve (Wright 1936), shared by the mechanisms that buy.

The cost of a unit falls by a fixed share with each doubling of cumulative output:
``cost(Q) = cost(Q_ref) * (Q / Q_ref) ** log2(learning_rate)``. Output is counted per
technical standard, so fragmentation into many small standards keeps every standard high
on its curve, and harmonising or pooling moves buyers down a shared one. Prices are
factors of the area's reference price (1 = USD 1 bn per capability unit).
"""

from __future__ import annotations

import numpy as np

from sim.schema.alliance import Formation
from sim.state import State, Venture

# Learning-curve position is clipped to this factor of the reference either way: legacy
# stock is only a rough proxy of a standard's cumulative output.
LEARNING_RATIO_BOUNDS = (0.25, 4.0)


def price_factor(ratio: np.ndarray, exponent: np.ndarray | float) -> np.ndarray:
    """Unit cost relative to the reference cost at ``ratio`` times the reference
    cumulative output (positive), on a curve of exponent log2(learning rate)."""
    return ratio ** exponent


def price(state: State, cumulative: np.ndarray, area: np.ndarray | int) -> np.ndarray:
    """Unit cost factor at cumulative output ``cumulative`` on a standard of ``area``
    (an area index, or indices that broadcast against ``cumulative``)."""
    low, high = LEARNING_RATIO_BOUNDS
    # np.minimum(np.maximum()) is np.clip without its wrapper's overhead; the exponent is
    # computed once in set-up.
    ratio = np.minimum(np.maximum(cumulative / state.standards.reference_output[area], low),
                       high)
    return price_factor(ratio, state.areas.log2_learning[area])


def national_price(state: State) -> np.ndarray:
    """[N, A] unit cost factor of each nation's national orders on its own standard."""
    areas = state.areas
    # The area's parameters per area ([A]), broadcast over nations: the same figures as
    # gathering them per cell of the grid, at a fraction of the cost.
    return price(state, state.standards.cumulative[areas.grid, state.standards.standard],
                 areas.ids)


def order_price(state: State) -> np.ndarray:
    """[N, A] unit cost factor of a new national order: this quarter's national price
    (computed once, at decisions) plus the surge premium of the supplier node
    (sim.mechanisms.production)."""
    industry = state.industry
    return state.standards.national_price * (1.0 + industry.premium[industry.supplier,
                                                                    state.areas.grid])


def standard_price(state: State, area: int, standard: int) -> float:
    """Unit cost factor of one standard (scalar version of :func:`price`)."""
    low, high = LEARNING_RATIO_BOUNDS
    # Python floats: the same IEEE operations without numpy scalar overhead.
    ratio = float(state.standards.cumulative[area, standard]) / \
        float(state.standards.reference_output[area])
    return min(max(ratio, low), high) ** float(state.areas.log2_learning[area])


def pooled_price(state: State, venture: Venture, formation: Formation) -> np.ndarray:
    """[members] unit cost factor of a programme's orders: its standard's price less the
    pooling discount, plus a surcharge for members adapting from another standard."""
    pooled = standard_price(state, venture.area, venture.standard) * (
        1.0 - formation.pooling_discount)
    # One array operation: the surcharge factor is 1 + surcharge or exactly 1.
    return np.where(venture.adapting, pooled * (1.0 + formation.adaptation_surcharge), pooled)
