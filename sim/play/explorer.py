"""Explore one run live: the main scenario parameters as sliders (ranges and units read
from the schema), and a model stepped quarter by quarter, as Mesa's SolaraViz does."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
from pydantic import TypeAdapter, ValidationError

from sim.model import AllianceModel
from sim.results import RunResults
from sim.results.tables import timeseries_table
from sim.schema import Scenario, Simulation
from sim.schema.reference import Parameter, parameter

# The parameters offered, by dotted path: the debates of the seed article (governance,
# pooling, trust) and the drivers' strength.
MAIN_PARAMETERS = (
    "alliance.governance",
    "alliance.spending.threat_response",
    "alliance.spending.burden_shifting",
    "alliance.spending.political_drag",
    "alliance.formation.pooling_discount",
    "alliance.formation.agreement_rate",
    "alliance.decisions.trust_weight",
    "alliance.industry.capacity_realisation",
    "alliance.resilience.protection_max",
    "alliance.aid.from_stocks",
    "drivers.negotiation_threat_drop",
    "drivers.migration_weight",
)


SLIDER_STEPS = 100  # positions of a slider between its ends


@dataclass(frozen=True)
class Slider:
    path: str
    declaration: Parameter
    choices: list[str] | None  # words a parameter can take; None: a number
    low: float
    high: float

    @property
    def label(self) -> str:
        return self.declaration.label

    @property
    def step(self) -> float:
        return (self.high - self.low) / SLIDER_STEPS


def sliders(paths: tuple[str, ...] = MAIN_PARAMETERS) -> list[Slider]:
    """A slider per parameter, over the range the schema declares (an open upper end
    becomes four times the default)."""
    found = []
    for path in paths:
        declared = parameter(path)
        if declared.type not in ("float", "int"):  # words: the schema lists them in type
            choices = [word.strip(" '") for word in declared.type.split("|")]
            found.append(Slider(path, declared, choices, 0, 0))
            continue
        low = float(declared.minimum if declared.minimum is not None else 0.0)
        high = float(declared.maximum if declared.maximum is not None
                     else 4 * float(declared.default))
        step = (high - low) / SLIDER_STEPS
        low += step if declared.exclusive_minimum else 0.0  # an open end is not a value
        high -= step if declared.exclusive_maximum else 0.0
        found.append(Slider(path, declared, None, low, high))
    return found


def current_value(scenario: Scenario, path: str) -> Any:
    value: Any = scenario
    for part in path.split("."):
        value = getattr(value, part)
    return value.value if isinstance(value, Enum) else value


def checked_seed(seed: Any) -> int:
    """The seed typed in the explorer, as the schema allows a scenario's simulation.seed;
    a ValueError in one line otherwise (a negative seed would fail deep in numpy)."""
    declared = Simulation.model_fields["seed"]
    try:
        return TypeAdapter(Annotated[(int, *declared.metadata)]).validate_python(
            seed, strict=True)
    except ValidationError as error:
        raise ValueError(f"seed: {error.errors()[0]['msg']} (got {seed})") from None


@dataclass
class Explorer:
    scenario: Scenario
    seed: int
    values: dict[str, Any] = field(default_factory=dict)  # dotted path -> value set
    model: AllianceModel = field(init=False)

    def __post_init__(self) -> None:
        self.seed = checked_seed(self.seed)
        self.reset()

    def reset(self) -> None:
        """A new run from quarter 0 with the values set."""
        self.model = AllianceModel(self.scenario, rng=self.seed, **self.values)

    @property
    def done(self) -> bool:
        return self.model.steps >= self.model.horizon

    def step(self) -> None:
        if not self.done:
            self.model.step()

    def run(self) -> RunResults:
        """The run so far, shaped like a stored run for the dashboards' figures."""
        frame = timeseries_table(self.model)
        frame.insert(0, "replication", 0)
        empty = pd.DataFrame()
        # The scenario as a run folder's manifest holds it: calendar, horizon, events.
        manifest = {"scenario_name": self.scenario.metadata.name,
                    "scenario": self.model.config.model_dump(mode="json")}
        return RunResults(Path("live"), manifest, timeseries=frame, nations=empty, kpis=empty,
                          programmes=empty, milestones=empty, summary=empty)
