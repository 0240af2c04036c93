"""Capability areas: fixed per-area parameters read once from the scenario."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.schema import Scenario


@dataclass(frozen=True)
class AreaState:
    names: list[str]
    share: np.ndarray  # [A] share of each procurement budget spent in the area (sums to 1)
    lead_time: np.ndarray  # [A] int, quarters from order to the earliest delivery
    wear: np.ndarray  # [A] 1/quarter: share of the stock worn out each quarter
    learning_rate: np.ndarray  # [A] unit-cost multiplier per doubling of output
    log2_learning: np.ndarray  # [A] log2(learning_rate), the learning-curve exponent
    standards_wanted: list[int]  # [A] distinct standards in use at the start
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
    learning_rate = np.array([area.learning_rate for area in areas])
    ids = np.arange(len(areas))
    return AreaState(
        names=names, share=shares / shares.sum(),
        lead_time=np.array([area.lead_time for area in areas], dtype=int),
        wear=np.array([area.wear_rate for area in areas]), learning_rate=learning_rate,
        log2_learning=np.log2(learning_rate),
        standards_wanted=[area.initial_standards for area in areas], ids=ids,
        grid=np.broadcast_to(ids, (n_nations, len(areas))),
        columns={prefix: [f"{prefix}_{name}" for name in names]
                 for prefix in ("capability", "interoperability", "fragmentation")},
    )
