"""Orders, lead times and finite industrial capacity.

Orders wait out their lead time in a pipeline, then queue at an industrial node. Each node
produces at most its capacity per quarter; pooled programmes are served first (larger
orders win production priority), national orders share what is left in proportion to
their backlog. Capacity ramps up slowly when backlogs exceed it. Deliveries join the
fleets on the standard they were built on.
"""

from __future__ import annotations

import numpy as np

from sim.enums import VentureKind, VentureState
from sim.mechanisms.capability import interoperability_factor
from sim.schema.alliance import Industry
from sim.state import State, Venture


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


def producing_programmes(state: State) -> list[Venture]:
    """Programmes with orders in their pipeline or backlog."""
    return [v for v in state.ventures.live if v.kind is VentureKind.PROGRAMME
            and v.state in (VentureState.ACTIVE, VentureState.COMPLETED)
            and (v.backlog > 0 or v.pipeline.any())]


def advance(state: State, params: Industry) -> None:
    """Pipelines advance; programme backlogs are built first (the largest first), then
    national backlogs share what capacity is left pro rata; deliveries join the fleets;
    capacity grows toward the backlog."""
    t, industry, forces, totals = state.step, state.industry, state.forces, state.totals
    n, n_areas = state.n, state.areas.n
    capacity_left = industry.capacity * industry.nodes_up(t)
    demand = np.zeros_like(industry.capacity)
    programmes = producing_programmes(state)
    for venture in programmes:
        venture.backlog += float(advance_pipeline(venture.pipeline))
    industry.backlog += advance_pipeline(industry.pipeline)
    delivered = np.zeros((n, n_areas))

    # Pooled programmes first, the largest backlog first: production priority.
    for venture in sorted(programmes, key=lambda v: -v.backlog):
        area, hosts = venture.area, venture.hosts
        share = industry.capacity[hosts, area] / max(industry.capacity[hosts, area].sum(),
                                                     1e-12)
        demand[hosts, area] += venture.backlog * share
        available = capacity_left[hosts, area]
        built = min(venture.backlog, float(available.sum()), venture.line_capacity)
        if venture.backlog > built:  # a new line ramps up while orders wait
            venture.line_capacity *= 1.0 + params.line_ramp_growth
        if built <= 0:
            continue
        capacity_left[hosts, area] -= built * available / available.sum()
        venture.backlog -= built
        outstanding = np.maximum(venture.ordered - venture.delivered, 0.0)
        portion = built * outstanding / max(outstanding.sum(), 1e-12)
        venture.delivered += portion
        delivered[venture.members, area] += portion  # members are distinct
        forces.fleet[venture.members, area, venture.standard] += portion
        totals.joint_units += built
        if venture.first_delivery_step is None:
            venture.first_delivery_step = t
            totals.note_first_joint_delivery(t)

    demand += node_demand(industry.backlog, industry.supplier)
    built_national = serve_national(industry.backlog, industry.supplier, capacity_left)
    industry.backlog -= built_national
    delivered += built_national
    # National orders arrive on the standard the nation buys now (orders placed before
    # a switch are counted on the new standard: a simplification).
    forces.fleet[np.arange(n)[:, None], state.areas.grid, state.standards.standard] += \
        built_national
    forces.stock = forces.fleet.sum(axis=2)
    industry.capacity = np.where(industry.capacity > 0, grow_capacity(
        industry.capacity, demand, params.capacity_growth), 0.0)
    factor = interoperability_factor(forces.interoperability, params.interoperability_floor)
    totals.units_delivered += float(delivered.sum())
    totals.effective_units_delivered += float(
        (delivered * forces.readiness * factor[None, :]).sum())
