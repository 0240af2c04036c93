"""Production: orders, lead times, production lines and an industrial base that grows and
shrinks.

Orders wait out their lead time in a pipeline, then queue for production. A pooled
programme is built on its own dedicated line - one line at each host's node, its output
shared by work share - that starts at a share of the planned order rate and grows while
orders wait. National orders are built at their supplier's node: the node's capacity,
less the lines that attacks have disabled, is shared among its customers pro rata.

A node's capacity follows its order book (orders in lead time and waiting): the capacity
needed delivers the book within a lead time, with the usual spare. When built and coming
capacity fall short of it, industry adds capacity - after a ramp-up delay, at most the
area's growth rate a quarter (ammunition faster than platforms) - closing the share
``national_order_certainty`` of the gap a quarter: national orders, placed year by year,
are not certain enough to build for at once, while a programme's multi-year orders build
its own line at the full growth rate (the demand-certainty argument for joint
procurement). Industry realises ``capacity_realisation`` of what it plans. Idle capacity
closes slowly. While the book exceeds capacity, new orders pay a
surge premium (sim.mechanisms.orders): the buyers pay for the expansion.
"""

from __future__ import annotations

import numpy as np

from sim.enums import VentureKind, VentureState
from sim.mechanisms.capability import interoperability_factor
from sim.schema.alliance import Industry
from sim.state import State, Venture
from sim.state.ventures import members_end_to_end


def advance_pipeline(pipeline: np.ndarray) -> np.ndarray:
    """Move orders one quarter along ``pipeline[..., L]`` in place (slot 0 is the next to
    be ready) and return what became ready."""
    ready = pipeline[..., 0].copy()
    pipeline[..., :-1] = pipeline[..., 1:]
    pipeline[..., -1] = 0.0
    return ready


def advance_programme_pipeline(pipeline: np.ndarray) -> float:
    """:func:`advance_pipeline` for one programme's pipeline ``[L]``: what became ready as
    a Python float (no copy of a one-element array)."""
    ready = float(pipeline[0])
    pipeline[:-1] = pipeline[1:]
    pipeline[-1] = 0.0
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


def node_demand(units: np.ndarray, supplier: np.ndarray) -> np.ndarray:
    """National orders ``units[N, A]`` summed per supplying node ``[N, A]``."""
    n, n_areas = units.shape
    node = (supplier * n_areas + np.arange(n_areas)[None, :]).ravel()
    return np.bincount(node, weights=units.ravel(), minlength=n * n_areas).reshape(
        n, n_areas)


def capacity_needed(book: np.ndarray, lead_time: np.ndarray, spare: float) -> np.ndarray:
    """[N, A] capacity that delivers the order book within a lead time, with the usual
    spare."""
    return book / lead_time[None, :] * (1.0 + spare)


def capacity_additions(capacity: np.ndarray, under_construction: np.ndarray,
                       needed: np.ndarray, growth: np.ndarray, certainty: float
                       ) -> np.ndarray:
    """[N, A] units per quarter of capacity industry decides to add this quarter: the
    share ``certainty`` of the gap between the capacity its order book needs and what is
    built and coming, at most ``growth`` of the capacity built."""
    gap = np.maximum(needed - capacity - under_construction, 0.0)
    return np.minimum(certainty * gap, growth[None, :] * capacity)


def idle_closure(capacity: np.ndarray, under_construction: np.ndarray, needed: np.ndarray,
                 decay: float) -> np.ndarray:
    """[N, A] capacity closed this quarter: ``decay`` of what exceeds the need."""
    idle = np.maximum(capacity + under_construction - needed, 0.0)
    return decay * np.minimum(idle, capacity)


def surge_premium(book: np.ndarray, capacity: np.ndarray, lead_time: np.ndarray,
                  premium: float, cap: float) -> np.ndarray:
    """[N, A] price premium of new orders at each node: ``premium`` per unit of order
    book beyond what the node delivers within a lead time, at most ``cap``."""
    deliverable = capacity * lead_time[None, :]
    cover = np.divide(book, deliverable, out=np.zeros_like(book), where=deliverable > 0)
    return np.minimum(np.maximum(premium * (cover - 1.0), 0.0), cap)  # np.clip, cheaper


def planned_deliveries(order_rate: float, quarters: int, line_start: float, growth: float
                       ) -> np.ndarray:
    """Cumulative deliveries of a programme in each quarter after its first orders are
    ready: ``order_rate`` ordered a quarter for ``quarters`` quarters, built on a line that
    starts at ``line_start`` of that rate and grows by ``growth`` a quarter while orders
    wait (the rule production follows)."""
    line, backlog, built_total = order_rate * line_start, 0.0, 0.0
    cumulative = np.zeros(quarters)
    for quarter in range(quarters):
        backlog += order_rate
        built = min(backlog, line)
        if backlog > line:
            line *= 1.0 + growth
        backlog -= built
        built_total += built
        cumulative[quarter] = built_total
    return cumulative


def producing_programmes(state: State) -> list[Venture]:
    """Programmes with orders in their pipeline or backlog."""
    # Enum members looked up once, not for every venture (a lookup costs about 0.1 us).
    programme, producing = VentureKind.PROGRAMME, (VentureState.ACTIVE, VentureState.COMPLETED)
    return [v for v in state.ventures.live if v.kind is programme and v.state in producing
            and (v.backlog > 0 or v.pipeline.any())]


def build_programmes(state: State, params: Industry, lines_up: np.ndarray,
                     delivered: np.ndarray) -> None:
    """Each programme builds on its own line; members receive what is built in
    proportion to what they ordered and have not yet received."""
    t, totals = state.step, state.totals
    # Python floats: the per-programme arithmetic below stays on cheap scalars; lines as
    # 0/1 floats: the work share of those up is a dot product without a cast each time.
    growth = (state.areas.capacity_growth * params.capacity_realisation).tolist()
    lines_working = lines_up.astype(float)
    # [A][L] the line is up at every node (most lines, most quarters): a programme on it
    # then works at the work share it has with all hosts up, with no look-up of its hosts.
    up_everywhere = lines_up.all(axis=0).tolist()
    building: list[Venture] = []
    built_units: list[float] = []
    for venture in producing_programmes(state):
        venture.backlog += advance_programme_pipeline(venture.pipeline)
        if venture.backlog <= 0:  # orders still in lead time: nothing to build or lose
            continue
        area = venture.area
        if up_everywhere[area][venture.line]:
            available = venture.line_capacity * venture.work_share_all_up
        else:
            line_up = lines_working[venture.hosts, area, venture.line]
            available = venture.line_capacity * float(venture.work_share @ line_up)
        built = min(venture.backlog, available)
        venture.units_lost_to_attacks += min(venture.backlog, venture.line_capacity) - built
        if venture.backlog > venture.line_capacity:  # orders wait: the line ramps up
            venture.line_capacity *= 1.0 + growth[area]
        if built <= 0:
            continue
        venture.backlog -= built
        totals.joint_units += built
        if venture.first_delivery_step is None:
            venture.first_delivery_step = t
            totals.note_first_joint_delivery(t)
        building.append(venture)
        built_units.append(built)
    if building:
        share_out(building, built_units, delivered, state.forces.fleet)


def share_out(programmes: list[Venture], built: list[float], delivered: np.ndarray,
              fleet: np.ndarray) -> None:
    """Each programme's members receive what it ``built`` in proportion to what they
    ordered and have not yet received; ``delivered[N, A]`` and ``fleet[N, A, S]`` gain
    it. The programmes' members are laid end to end, so that each step takes a few array
    operations whatever the number of programmes (each programme's total is still summed
    on its own, as a single programme's would be)."""
    members, sizes, spans = members_end_to_end(programmes)
    outstanding = np.maximum(np.concatenate([venture.ordered for venture in programmes])
                             - np.concatenate([venture.delivered for venture in programmes]),
                             0.0)
    owed = [max(outstanding[span].sum(), 1e-12) for span in spans]
    # The array method: np.repeat on lists costs several times as much.
    portion = np.array(built).repeat(sizes) * outstanding / np.array(owed).repeat(sizes)
    for venture, span in zip(programmes, spans, strict=True):
        venture.delivered += portion[span]
    areas = np.array([venture.area for venture in programmes]).repeat(sizes)
    standards = np.array([venture.standard for venture in programmes]).repeat(sizes)
    # Unbuffered, in programme order: a nation in two programmes of an area gets both.
    np.add.at(delivered, (members, areas), portion)
    np.add.at(fleet, (members, areas, standards), portion)


def adjust_capacity(state: State, params: Industry) -> None:
    """Nodes add capacity for their order book (after the ramp-up delay), close idle
    capacity slowly, and set the surge premium of new orders."""
    industry, areas = state.industry, state.areas
    book = node_demand(industry.backlog + industry.pipeline.sum(axis=2)
                       + industry.ukraine_backlog + industry.ukraine_pipeline.sum(axis=2),
                       industry.supplier)
    coming = industry.building.sum(axis=2)
    needed = capacity_needed(book, areas.lead_time, params.spare_capacity)
    added = capacity_additions(industry.capacity, coming, needed, areas.capacity_growth,
                               params.national_order_certainty)
    added *= params.capacity_realisation
    closed = np.where(added > 0, 0.0, idle_closure(industry.capacity, coming, needed,
                                                   params.capacity_decay))
    delay = areas.capacity_ramp_delay
    industry.capacity = industry.capacity - closed + advance_pipeline(industry.building) + \
        np.where(delay[None, :] == 0, added, 0.0)
    later = delay > 0  # on line ``delay`` quarters from now
    industry.building[:, later, delay[later] - 1] += added[:, later]
    industry.premium = surge_premium(book, industry.capacity, areas.lead_time,
                                     params.surge_premium, params.surge_premium_cap)


def advance(state: State, params: Industry) -> None:
    """Pipelines advance; programmes build on their lines, then national backlogs share
    what their nodes' working lines can build; deliveries join the fleets; capacity
    follows the order book."""
    t, industry, forces, totals = state.step, state.industry, state.forces, state.totals
    n, n_areas = state.n, state.areas.n
    lines_up = industry.lines_up(t)
    delivered = np.zeros((n, n_areas))
    build_programmes(state, params, lines_up, delivered)
    joint = delivered.copy()

    industry.backlog += advance_pipeline(industry.pipeline)
    industry.ukraine_backlog += advance_pipeline(industry.ukraine_pipeline)
    # The share of lines up as ndarray.mean computes it (a float sum of the flags, exact in
    # any order, over their number), without its Python-level overhead.
    capacity_left = industry.capacity * (lines_up.sum(axis=2, dtype=float) / lines_up.shape[2])
    # National orders and equipment bought for Ukraine share each node pro rata.
    waiting = industry.backlog + industry.ukraine_backlog
    built = serve_national(waiting, industry.supplier, capacity_left)
    served = np.divide(built, waiting, out=np.zeros_like(built), where=waiting > 0)
    built_national = industry.backlog * served
    built_for_ukraine = industry.ukraine_backlog * served
    industry.backlog -= built_national
    industry.ukraine_backlog -= built_for_ukraine
    forces.aid_built = built_for_ukraine.sum(axis=1)
    totals.aid_built += float(built_for_ukraine.sum())
    delivered += built_national
    # National orders arrive on the standard the nation buys now (orders placed before
    # a switch of standard are delivered on the new one: the switching cost covers it).
    forces.fleet[np.arange(n)[:, None], state.areas.grid, state.standards.standard] += \
        built_national
    forces.stock = forces.fleet.sum(axis=2)
    forces.delivered, forces.joint_delivered = delivered, joint
    adjust_capacity(state, params)
    factor = interoperability_factor(forces.interoperability, params.interoperability_floor)
    totals.units_delivered += float(delivered.sum())
    totals.effective_units_delivered += float(
        (delivered * forces.readiness * factor[None, :]).sum())
