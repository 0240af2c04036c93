"""Capability areas: fixed per-area parameters read once from the scenario."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.schema import Scenario

# Figures reported per area as well as in total (sim.records), as column prefixes.
AREA_FIGURES = (
    "capability", "interoperability", "fragmentation", "deliveries", "joint_deliveries",
    "backlog", "order_book", "capacity", "capacity_building", "capability_from_stock",
    "capability_from_readiness", "capability_from_interoperability",
)


@dataclass(frozen=True)
class AreaState:
    names: list[str]
    share: np.ndarray  # [A] share of each procurement budget spent in the area (sums to 1)
    lead_time: np.ndarray  # [A] int, quarters from order to the earliest delivery
    wear: np.ndarray  # [A] 1/quarter: share of the stock worn out each quarter
    # [A] log2 of the learning rate (the unit-cost multiplier per doubling of output): the
    # learning-curve exponent
    log2_learning: np.ndarray
    standards_wanted: list[int]  # [A] distinct standards in use at the start
    capacity_growth: np.ndarray  # [A] 1/quarter: largest growth of a node's capacity
    capacity_ramp_delay: np.ndarray  # [A] int, quarters before new capacity produces
    ids: np.ndarray  # [A] 0 .. A-1
    grid: np.ndarray  # [N, A] the area index of each cell (read-only broadcast)
    columns: dict[str, list[str]]  # per-area column names of the timeseries, by prefix
    n: int = field(init=False)  # number of areas

    def __post_init__(self) -> None:
        object.__setattr__(self, "n", len(self.names))  # frozen: set once here


def initial_areas(scenario: Scenario, n_nations: int) -> AreaState:
    areas = scenario.alliance.areas
    names = [area.name for area in areas]
    shares = np.array([area.budget_share for area in areas])
    ids = np.arange(len(areas))
    return AreaState(
        names=names, share=shares / shares.sum(),
        lead_time=np.array([area.lead_time for area in areas], dtype=int),
        wear=np.array([area.wear_rate for area in areas]),
        log2_learning=np.log2(np.array([area.learning_rate for area in areas])),
        standards_wanted=[area.initial_standards for area in areas],
        capacity_growth=np.array([area.capacity_growth for area in areas]),
        capacity_ramp_delay=np.array([area.capacity_ramp_delay for area in areas], dtype=int),
        ids=ids,
        grid=np.broadcast_to(ids, (n_nations, len(areas))),
        columns={prefix: [f"{prefix}_{name}" for name in names]
                 for prefix in AREA_FIGURES},
    )
