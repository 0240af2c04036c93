"""The model's whole state, in a few named containers: one place to read what the model
knows at any quarter. Each field's shape and unit is documented where it is declared.

Mechanisms (sim.mechanisms) advance their part of it each quarter; records
(sim.records) read it; nothing else writes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.state.areas import AreaState
from sim.state.choices import ChoiceState
from sim.state.cohesion import CohesionState
from sim.state.forces import ForcesState
from sim.state.industry import IndustryState
from sim.state.nations import NationState
from sim.state.standards import StandardsState
from sim.state.totals import RunningTotals
from sim.state.ventures import Milestone, Venture, VentureBook
from sim.state.world import DriverPaths, NodeAttack, WorldState

__all__ = [
    "AreaState",
    "ChoiceState",
    "CohesionState",
    "DriverPaths",
    "ForcesState",
    "IndustryState",
    "Milestone",
    "NationState",
    "NodeAttack",
    "RunningTotals",
    "StandardsState",
    "State",
    "Venture",
    "VentureBook",
    "WorldState",
]


@dataclass
class State:
    step: int  # the quarter being played (0 at set-up)
    steps_per_year: int
    nations: NationState
    areas: AreaState
    world: WorldState
    standards: StandardsState
    industry: IndustryState
    forces: ForcesState
    ventures: VentureBook
    choices: ChoiceState
    cohesion: CohesionState
    totals: RunningTotals
    initial_capability: float = 0.0  # effective capability at the start
    n: int = field(init=False)  # number of nations (rows of every nation array)

    def __post_init__(self) -> None:
        self.n = self.nations.n
