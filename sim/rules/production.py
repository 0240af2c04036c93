"""Orders, lead times and finite industrial capacity.

Orders wait out their lead time in a pipeline, then queue at an industrial node. Each node
produces at most its capacity per quarter; pooled programmes are served first (larger
orders win production priority), national orders share what is left in proportion to
their backlog. Capacity ramps up slowly when backlogs exceed it.
"""

from __future__ import annotations

import numpy as np


def advance_pipeline(pipeline: np.ndarray) -> np.ndarray:
    """Move orders one quarter along ``pipeline[..., L]`` in place (slot 0 is the next to
    be ready) and return what became ready."""
    ready = pipeline[..., 0].copy()
    pipeline[..., :-1] = pipeline[..., 1:]
    pipeline[..., -1] = 0.0
    return ready


def place_orders(pipeline: np.ndarray, units: np.ndarray, lead_time: np.ndarray) -> None:
    """Add ``units[..., A]`` so that they become ready ``lead_time[A]`` quarters from now."""
    slots = lead_time - 1
    area_index = np.arange(lead_time.size)
    pipeline[..., area_index, slots] += units


def serve_national(backlog: np.ndarray, supplier: np.ndarray, capacity_left: np.ndarray
                   ) -> np.ndarray:
    """Units produced for each nation's national backlog ``[N, A]``.

    ``supplier[N, A]`` is the nation whose node in that area builds the order; a node with
    less capacity than demand serves its customers pro rata.
    """
    n, n_areas = backlog.shape
    node = (supplier * n_areas + np.arange(n_areas)[None, :]).ravel()
    demand = np.bincount(node, weights=backlog.ravel(), minlength=n * n_areas)
    produced = np.minimum(demand, capacity_left.ravel())
    served = np.divide(produced, demand, out=np.zeros_like(produced), where=demand > 0)
    return backlog * served[node].reshape(n, n_areas)


def node_demand(backlog: np.ndarray, supplier: np.ndarray) -> np.ndarray:
    """Backlog per node ``[N, A]`` from national orders."""
    n, n_areas = backlog.shape
    node = (supplier * n_areas + np.arange(n_areas)[None, :]).ravel()
    return np.bincount(node, weights=backlog.ravel(), minlength=n * n_areas).reshape(
        n, n_areas)


def grow_capacity(capacity: np.ndarray, demand: np.ndarray, growth: float) -> np.ndarray:
    """Capacity rises toward a larger backlog by at most ``growth`` of itself per quarter."""
    shortfall = np.maximum(demand - capacity, 0.0)
    return capacity + np.minimum(shortfall, growth * capacity)


def planned_deliveries(planned_rate: float, quarters: int, ramp_start: float,
                       ramp_growth: float) -> np.ndarray:
    """Cumulative deliveries a programme office plans for each quarter after the first
    orders fall ready: ``planned_rate`` ordered a quarter for ``quarters`` quarters, built
    on a line that starts at ``ramp_start`` of that rate and grows by ``ramp_growth`` a
    quarter while orders wait (the same rule production follows)."""
    line, backlog, built_total = planned_rate * ramp_start, 0.0, 0.0
    cumulative = np.zeros(quarters)
    for quarter in range(quarters):
        backlog += planned_rate
        built = min(backlog, line)
        if backlog > built:
            line *= 1.0 + ramp_growth
        backlog -= built
        built_total += built
        cumulative[quarter] = built_total
    return cumulative
