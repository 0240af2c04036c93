"""What a sweep evaluates at each design point and replication: the alliance model, or
the Ishigami test function whose Sobol indices are known analytically (Ishigami & Homma
1990; Saltelli et al. 2008, Global Sensitivity Analysis: The Primer, p. 179), to check the
sensitivity machinery along the very path the model takes.

An evaluator declares the parameters it accepts (with their ranges), the KPIs it reports
and the tables it returns; it travels to worker processes, so it must pickle.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd

from sim.loader import apply_overrides
from sim.outputs import DIMENSIONLESS, HEADLINE_KPIS, KPI_NAMES, Output, Unit
from sim.outputs import kpi as model_kpi
from sim.schema import Scenario
from sim.schema.reference import iter_parameters, parameter


@dataclass(frozen=True)
class Declared:
    low: float | None
    high: float | None
    integer: bool


class Evaluator(Protocol):
    tables: tuple[str, ...]
    kpis: tuple[str, ...]
    headline: tuple[str, ...]

    def declared(self, path: str) -> Declared: ...

    def names(self) -> list[str]: ...

    def __call__(self, values: dict[str, Any], seed: np.random.SeedSequence
                 ) -> dict[str, pd.DataFrame]: ...


def _schema_path(path: str) -> str:
    """``nations.members.DEU.gdp_usd_bn`` -> the declaration ``nations.members[].gdp_usd_bn``
    (nations are addressed by code or position)."""
    parts = path.split(".")
    if parts[:2] == ["nations", "members"] and len(parts) > 3:
        parts[2] = "0"
    return ".".join(parts)


@dataclass
class AllianceEvaluator:
    """Runs the model on the scenario with a design point's values set by dotted path."""

    scenario: dict[str, Any] | Scenario
    tables: tuple[str, ...] = ("timeseries", "kpis")
    kpis: tuple[str, ...] = KPI_NAMES
    headline: tuple[str, ...] = HEADLINE_KPIS
    # The last point's scenario: replications of a point run one after another.
    _last: tuple[str, Scenario] | None = field(default=None, repr=False)

    def declared(self, path: str) -> Declared:
        declaration = parameter(_schema_path(path))
        if declaration.type not in ("float", "int"):
            # Words, switches and lists have no range: they vary by listed values.
            return Declared(None, None, False)
        return Declared(declaration.minimum, declaration.maximum, declaration.type == "int")

    def names(self) -> list[str]:
        return [item.path for item in iter_parameters()]

    def _scenario_at(self, values: dict[str, Any]) -> Scenario:
        key = repr(sorted(values.items()))
        if self._last is None or self._last[0] != key:
            base = self.scenario if isinstance(self.scenario, Scenario) else \
                Scenario.model_validate(self.scenario)
            self.scenario = base
            self._last = (key, apply_overrides(base, values))
        return self._last[1]

    def __call__(self, values: dict[str, Any], seed: np.random.SeedSequence
                 ) -> dict[str, pd.DataFrame]:
        # Imported here, not at start-up: the command line reads this module's
        # descriptions without running the model.
        from sim.results.tables import kpi_table, timeseries_table
        from sim.runner import run_model

        model = run_model(self._scenario_at(values), seed)
        return {"timeseries": timeseries_table(model), "kpis": kpi_table(model)}


ISHIGAMI_A, ISHIGAMI_B = 7.0, 0.1


def ishigami_indices(a: float = ISHIGAMI_A, b: float = ISHIGAMI_B
                     ) -> dict[str, dict[str, float]]:
    """Analytic first-order (S1) and total (ST) Sobol indices of the Ishigami function
    with inputs uniform on [-pi, pi] (Saltelli et al. 2008, p. 179)."""
    pi = math.pi
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
    total = v1 + v2 + v13
    return {"S1": {"x1": v1 / total, "x2": v2 / total, "x3": 0.0},
            "ST": {"x1": (v1 + v13) / total, "x2": v2 / total, "x3": v13 / total}}


@dataclass
class IshigamiEvaluator:
    """y = sin x1 + a sin^2 x2 + b x3^4 sin x1, deterministic (the seed is unused)."""

    tables: tuple[str, ...] = ("kpis",)
    kpis: tuple[str, ...] = ("y",)
    headline: tuple[str, ...] = ("y",)

    def declared(self, path: str) -> Declared:
        if path not in ("x1", "x2", "x3"):
            raise KeyError(path)
        return Declared(-math.pi, math.pi, False)

    def names(self) -> list[str]:
        return ["x1", "x2", "x3"]

    def __call__(self, values: dict[str, Any], seed: np.random.SeedSequence
                 ) -> dict[str, pd.DataFrame]:
        x1, x2, x3 = (float(values.get(name, 0.0)) for name in ("x1", "x2", "x3"))
        y = math.sin(x1) + ISHIGAMI_A * math.sin(x2) ** 2 + ISHIGAMI_B * x3**4 * math.sin(x1)
        return {"kpis": pd.DataFrame({"y": [y]})}


ISHIGAMI_INPUT = "Input of the Ishigami function, uniform on [-pi, pi]."
ISHIGAMI_OUTPUT = Output("y", "Ishigami y", DIMENSIONLESS,
                         "y = sin x1 + 7 sin^2 x2 + 0.1 x3^4 sin x1.")


def describe_input(model: str, path: str) -> Output:
    """A swept input's label and unit, from the schema's declaration (the alliance
    model) or the test function's."""
    if model == "ishigami":
        return Output(path, path, DIMENSIONLESS, ISHIGAMI_INPUT)
    parts = path.split(".")
    name = parts[-1].replace("_", " ")
    if parts[:2] == ["nations", "members"] and len(parts) > 3:
        name = f"{parts[2]} {name}"  # the nation's code
    try:
        declaration = parameter(_schema_path(path))
    except KeyError:
        return Output(path, name, Unit("unit not declared", "unit not declared"), "")
    return Output(path, name, Unit(declaration.unit_text, declaration.unit_text),
                  declaration.description)


def describe_kpi(model: str, name: str) -> Output:
    return ISHIGAMI_OUTPUT if model == "ishigami" else model_kpi(name)


def evaluator_for(model: str, scenario: Scenario | None) -> Evaluator:
    if model == "ishigami":
        return IshigamiEvaluator()
    if scenario is None:
        raise ValueError("the alliance model needs a scenario")
    return AllianceEvaluator(scenario)
