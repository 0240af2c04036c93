"""Experiment files: which scenario, which parameters vary over which ranges, by which
design, with how many replications per design point (docs/EXPLORATION.md).

An experiment file is read and checked once, here, into an :class:`Experiment`: every
varied parameter resolved against what the model declares (its range defaulting to the
schema's), every problem reported at its file, line and field.
"""

from __future__ import annotations

import copy
import json
import math
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.experiment.design import Factor
from sim.experiment.evaluators import Evaluator, evaluator_for
from sim.loader import apply_overrides, load_scenario
from sim.scenario_files.documents import Document, parse_dotted, set_path
from sim.scenario_files.problems import FieldError, Problem, ScenarioError
from sim.scenario_files.validation import refuse_another_kind, suggestion, validate_as
from sim.scenario_files.yaml_reader import read_located_yaml
from sim.schema import Scenario
from sim.schema.base import Checked
from sim.schema.reference import SCHEMA_URL

# Bounds of the numbers the command line may override too (sim.cli.sweep_command).
SAMPLES = (1, 1_000_000)
REPLICATIONS = (1, 10_000)


class Method(StrEnum):
    FULL_FACTORIAL = "full_factorial"
    LATIN_HYPERCUBE = "latin_hypercube"
    SOBOL = "sobol"
    MORRIS = "morris"


def same_value(one: Any, other: Any) -> bool:
    """Equal as a parameter's values: 1 and 1.0 are one number, but true is not 1."""
    numbers = all(isinstance(value, int | float) and not isinstance(value, bool)
                  for value in (one, other))
    return one == other and (numbers or type(one) is type(other))


class VariedParameter(Checked):
    path: str = Field(description="Dotted path of a scenario parameter, e.g. "
                      "alliance.cohesion.trust_gain or nations.members.DEU.gdp_usd_bn.")
    range: tuple[float, float] | None = Field(
        None, description="[low, high]; default: the range the schema declares.")
    values: list[Any] | None = Field(
        None, description="Discrete values instead of a range (numbers, words or "
        "true/false).")

    @model_validator(mode="after")
    def _one_kind(self) -> VariedParameter:
        if self.range is not None and self.values is not None:
            raise FieldError((), "give range or values, not both")
        if self.range is not None and not self.range[0] < self.range[1]:
            raise FieldError(("range",), f"expected low < high, got "
                                        f"{list(self.range)}")
        if self.values is not None and len(self.values) < 2:
            raise FieldError(("values",), "give at least two values")
        for index, value in enumerate(self.values or []):
            if any(same_value(earlier, value)  # the same points would run again
                   for earlier in self.values[:index]):
                raise FieldError(("values", index), f"{value!r} is listed twice")
        return self


class DesignSpec(Checked):
    method: Method = Field(Method.LATIN_HYPERCUBE, description="full_factorial, "
                           "latin_hypercube, sobol (Saltelli scheme) or morris.")
    samples: int = Field(64, ge=SAMPLES[0], le=SAMPLES[1], description="latin_hypercube: "
                         "design points; sobol: base samples N (N(D+2) points, N(2D+2) with "
                         "second order; a power of 2); morris: trajectories (N(D+1) "
                         "points).")
    levels: int | None = Field(None, ge=2, le=1000, description="full_factorial: levels "
                               "of each range (default 3); morris: grid levels (default "
                               "4, even).")
    second_order: bool = Field(False, description="sobol: also estimate second-order "
                               "indices.")

    @model_validator(mode="after")
    def _levels_fit(self) -> DesignSpec:
        if self.method is Method.MORRIS and self.levels is not None and self.levels % 2:
            raise FieldError(("levels",), "Morris designs need an even number "
                                        "of levels (Saltelli et al. 2008, ch. 3)")
        return self


class ExperimentFile(Checked):
    name: str = Field(min_length=1, description="Shown on dashboards and in folders.")
    description: str = ""
    model: Literal["alliance", "ishigami"] = Field(
        "alliance", description="alliance: the simulation; ishigami: the Ishigami test "
        "function, to check the sensitivity machinery against known indices.")
    scenario: str | None = Field(None, description="Scenario file, relative to this "
                                 "file (alliance model only).")
    set: dict[str, Any] = Field(default_factory=dict, description="Fixed overrides by "
                                "dotted path, applied to the scenario before the design.")
    seed: int | None = Field(None, ge=0, description="Root seed (default: the "
                             "scenario's simulation.seed).")
    replications: int = Field(1, ge=REPLICATIONS[0], le=REPLICATIONS[1],
                              description="Replications per design point; replication "
                              "i of every point uses the same random streams (common "
                              "random numbers).")
    parameters: list[VariedParameter] = Field(min_length=1)
    design: DesignSpec = Field(default_factory=DesignSpec)
    kpis: list[str] | None = Field(None, description="KPIs analysed and drawn (default: "
                                   "the model's headline KPIs).")

    @model_validator(mode="after")
    def _scenario_fits_model(self) -> ExperimentFile:
        if self.model == "alliance" and self.scenario is None:
            raise FieldError(("scenario",), "the alliance model needs a "
                                        "scenario file")
        if self.model != "alliance" and (self.scenario is not None or self.set):
            raise FieldError(("model",), f"the {self.model} model takes no "
                                        "scenario or set")
        paths = [item.path for item in self.parameters]
        for index, path in enumerate(paths):
            if path in paths[:index]:
                raise FieldError(("parameters", index, "path"),
                                            f"{path} is varied twice")
        return self


class Experiment(BaseModel):
    """A checked experiment: everything a sweep needs, nothing left to resolve."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    name: str
    description: str
    source: str
    model: str
    scenario: Scenario | None
    seed: int
    replications: int
    factors: list[Factor]
    method: Method
    samples: int
    levels: int | None
    second_order: bool
    kpis: list[str]

    def evaluator(self) -> Evaluator:
        return evaluator_for(self.model, self.scenario)

    def with_method(self, method: Method) -> Experiment:
        return self.model_copy(update={"method": method, "levels": None
                                       if method is not self.method else self.levels})

    def describe(self) -> dict[str, Any]:
        """What the manifest records: enough to rebuild the design."""
        return {"name": self.name, "description": self.description, "file": self.source,
                "model": self.model, "seed": self.seed, "replications": self.replications,
                "design": {"method": self.method.value, "samples": self.samples,
                           "levels": self.levels, "second_order": self.second_order},
                "parameters": [factor.describe() for factor in self.factors],
                "kpis": self.kpis}


def recorded_experiment(manifest: dict[str, Any]) -> Experiment:
    """The experiment a sweep folder's manifest records - ``describe()`` and the resolved
    scenario: everything a resume needs, so the experiment file is not read again (it
    may have moved with its checkout, or be on another machine). Raises KeyError,
    TypeError or ValueError (pydantic's ValidationError is one) when it records none."""
    recorded, design = manifest["experiment"], manifest["experiment"]["design"]
    model = recorded["model"]
    return Experiment(
        name=recorded["name"], description=recorded["description"], source=recorded["file"],
        model=model,
        scenario=Scenario.model_validate(manifest["scenario"]) if model == "alliance"
        else None,
        seed=recorded["seed"], replications=recorded["replications"],
        factors=[Factor.described(item) for item in recorded["parameters"]],
        method=Method(design["method"]), samples=design["samples"], levels=design["levels"],
        second_order=design["second_order"], kpis=recorded["kpis"])


def experiment_json_schema_text() -> str:
    """JSON Schema of experiment files, for editors (YAML language server)."""
    schema = ExperimentFile.model_json_schema()
    schema["$schema"] = SCHEMA_URL
    schema["title"] = "alliance-sim experiment"
    return json.dumps(schema, indent=2) + "\n"


def _fail(document: Document, path: tuple[str | int, ...], message: str) -> ScenarioError:
    return ScenarioError(Problem(document.where(path), ".".join(map(str, path)), message))


def _scenario(document: Document, spec: ExperimentFile, file: Path) -> Scenario | None:
    if spec.scenario is None:
        return None
    target = (file.parent / spec.scenario)
    if not target.is_file():
        raise _fail(document, ("scenario",), f"no scenario file at {target}")
    return load_scenario(target, spec.set, written_at={
        key: document.where(("set", key)) for key in spec.set})


def _factor(document: Document, index: int, item: VariedParameter, evaluator: Evaluator,
            scenario: Scenario | None) -> Factor:
    where = ("parameters", index)
    try:
        declared = evaluator.declared(item.path)
    except KeyError:
        hint = suggestion(item.path, evaluator.names())
        raise _fail(document, (*where, "path"), f"no such parameter{hint}") from None
    if item.values is not None:
        factor = Factor(item.path, values=tuple(item.values), integer=declared.integer)
    else:
        low, high = item.range if item.range is not None else (declared.low, declared.high)
        if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
            raise _fail(document, (*where, "path"), "the schema declares no full range "
                        "for this parameter; give range: [low, high] or values")
        if declared.integer:  # the design varies the whole numbers within the range
            whole = math.floor(high) - math.ceil(low) + 1
            if whole < 2:
                raise _fail(document, (*where, "range" if item.range else "path"),
                            f"{item.path} takes whole numbers and [{low:g}, {high:g}] "
                            f"holds {'only one' if whole == 1 else 'none'}; expected a "
                            "range with at least two, so that it varies")
            low, high = math.ceil(low), math.floor(high)
        factor = Factor(item.path, low=float(low), high=float(high),
                        integer=declared.integer)
    if scenario is not None:  # the extremes must make valid scenarios
        for value in factor.extremes():
            try:
                apply_overrides(scenario, {item.path: value})
            except ScenarioError as error:
                message = str(error).split(": ", 1)[-1]
                field = "values" if item.values is not None else \
                    "range" if item.range is not None else "path"
                raise _fail(document, (*where, field), f"{value!r} is not allowed "
                            f"({message})") from None
    return factor


def _each_varied_once(document: Document, spec: ExperimentFile, scenario: Scenario) -> None:
    """Two paths to one parameter (``nations.members.POL.x`` and ``...pol.x``, or by
    position), or a section and a field inside it, would silently vary it twice, the
    last one winning while both are recorded as inputs."""
    data = scenario.model_dump(mode="python")
    first: list[tuple[tuple[str | int, ...], str]] = []
    for index, item in enumerate(spec.parameters):
        # Resolved in a copy of its own: setting a path replaces what lies under it.
        concrete = set_path(copy.deepcopy(data), parse_dotted(item.path), None)
        for earlier, earlier_path in first:
            shorter = min(len(earlier), len(concrete))
            if earlier[:shorter] != concrete[:shorter]:
                continue
            relation = ("is" if len(earlier) == len(concrete) else
                        "is inside" if len(concrete) > len(earlier) else "contains")
            raise _fail(document, ("parameters", index, "path"),
                        f"{item.path} {relation} {earlier_path}, also varied; a parameter "
                        "is varied once")
        first.append((concrete, item.path))


def load_experiment(path: str | Path) -> Experiment:
    """Read and check an experiment file; every problem is a ScenarioError."""
    file = Path(path)
    document = Document.from_located(read_located_yaml(file, str(path)))
    refuse_another_kind(document, ExperimentFile, "an experiment file")
    spec = validate_as(ExperimentFile, document)
    scenario = _scenario(document, spec, file)
    evaluator = evaluator_for(spec.model, scenario)
    factors = [_factor(document, index, item, evaluator, scenario)
               for index, item in enumerate(spec.parameters)]
    if scenario is not None:
        _each_varied_once(document, spec, scenario)
    kpis = spec.kpis if spec.kpis is not None else list(evaluator.headline)
    for index, kpi in enumerate(kpis):
        if kpi not in evaluator.kpis:
            raise _fail(document, ("kpis", index), f"unknown KPI {kpi!r}"
                        + suggestion(kpi, list(evaluator.kpis)))
    if spec.design.method is Method.FULL_FACTORIAL:
        points = math.prod(factor.level_count(spec.design.levels or 3) for factor in factors)
        if points * spec.replications > 10_000_000:
            raise _fail(document, ("design", "levels"), f"{points:,} design points x "
                        f"{spec.replications} replications is too many runs")
    seed = spec.seed if spec.seed is not None else \
        scenario.simulation.seed if scenario is not None else 0
    return Experiment(
        name=spec.name, description=spec.description, source=str(file.resolve()),
        model=spec.model,
        scenario=scenario, seed=seed, replications=spec.replications, factors=factors,
        method=spec.design.method, samples=spec.design.samples, levels=spec.design.levels,
        second_order=spec.design.second_order, kpis=kpis)

