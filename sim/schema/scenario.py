"""The whole scenario: one pydantic model per YAML section, cross-checked once here."""

from __future__ import annotations

from pydantic import field_validator, model_validator

from sim.calendar import format_start, parse_start
from sim.scenario_files.problems import FieldError
from sim.schema.alliance import Alliance
from sim.schema.base import Section, param
from sim.schema.drivers import EVENT_TARGETS, NATION_TARGETS, Drivers, Inject, InjectTarget
from sim.schema.nations import Nations
from sim.schema.policy import ALL_AREAS, NationPolicy


class Metadata(Section):
    name: str = param("scenario", "Short name, used for result folders.")
    description: str = param("", "What the scenario represents.")
    sources: list[str] = param(list, "Where its figures come from.")
    assumptions: list[str] = param(list, "Assumptions a reader should know.")


class Simulation(Section):
    start: str = param(
        "2025Q1", "Year and quarter of the first step (YYYYQn); step 0, the starting state, "
        "is the end of the quarter before. Dates on tables and charts count from here.",
        unit="year and quarter",
    )
    steps: int = param(40, "Horizon of a run.", unit="quarters", ge=1, le=10_000)
    steps_per_year: int = param(
        4, "Steps per year (a step is a quarter by default).", ge=1, le=52,
    )
    replications: int = param(
        1, "Monte Carlo replications of a run (replication i uses the i-th seed spawned from "
        "the root seed).", ge=1, le=10_000_000,
    )
    seed: int = param(0, "Root seed of the run's random streams.", ge=0, le=2**63 - 1)

    @field_validator("start", mode="before")
    @classmethod
    def _year_and_quarter(cls, value: object) -> str:
        if not isinstance(value, str):  # YAML reads 2025-01-01 as a date, 2025 as a number
            raise ValueError("expected a year and quarter such as 2025Q1, not a date or a "
                             "number")
        return format_start(*parse_start(value))


class Outputs(Section):
    per_area: bool = param(True, "Collect capability, interoperability and fragmentation per "
                           "area.")


class Scenario(Section):
    metadata: Metadata = param(Metadata, "Name, description, sources and assumptions.")
    simulation: Simulation = param(Simulation, "Horizon, step length, replications, seed.")
    alliance: Alliance = param(Alliance, "Capability areas, pathways and behaviour.")
    nations: Nations = param(Nations, "The allies.")
    drivers: Drivers = param(Drivers, "Threat, US commitment, politics and economy.")
    injects: list[Inject] = param(list, "Dated events.")
    outputs: Outputs = param(Outputs, "What to collect.")

    @model_validator(mode="after")
    def _cross_checks(self) -> Scenario:
        """Checks across sections; each names the offending field (FieldError)."""
        codes = {nation.code for nation in self.nations.members}
        areas = {area.name for area in self.alliance.areas}
        for index, inject in enumerate(self.injects):
            where = ("injects", index)
            for position, code in enumerate(inject.nations):
                if codes and code.upper() not in codes:
                    raise FieldError((*where, "nations", position),
                                     f"unknown nation code {code!r}")
            if inject.nations and inject.target not in NATION_TARGETS:
                raise FieldError((*where, "nations"), f"target {inject.target.value!r} is "
                                 "alliance-wide and takes no nations")
            if inject.area is not None and inject.target is not InjectTarget.NODE_ATTACK:
                raise FieldError((*where, "area"), "only node_attack takes an area")
            if inject.area is not None and inject.area not in areas:
                raise FieldError((*where, "area"), f"unknown capability area {inject.area!r}")
            if inject.target in EVENT_TARGETS and inject.mode.value != "set":
                raise FieldError((*where, "mode"), "events take no mode")
            if inject.target in EVENT_TARGETS and inject.step < 1:
                raise FieldError((*where, "step"), "events happen in quarters 1 and later")
        for index, coalition in enumerate(self.alliance.coalitions):
            where = ("alliance", "coalitions", index)
            for position, code in enumerate(coalition.members):
                if code.upper() not in codes:
                    raise FieldError((*where, "members", position),
                                     f"unknown nation code {code!r}")
            if coalition.area not in areas:
                raise FieldError((*where, "area"),
                                 f"unknown capability area {coalition.area!r}")
        for index, nation in enumerate(self.nations.members):
            check_policy(nation.policy, ("nations", "members", index, "policy"),
                         nation.code, codes, areas)
        if self.nations.members and not any(nation.defence_pct_gdp > 0
                                            for nation in self.nations.members):
            raise FieldError(("nations", "members"), "at least one nation must spend on "
                             "defence (defence_pct_gdp > 0)")
        if sum(nation.is_us for nation in self.nations.members) > 1:
            raise FieldError(("nations", "members"), "at most one nation may be the "
                             "United States (is_us)")
        return self

    @property
    def nation_codes(self) -> list[str]:
        return [nation.code for nation in self.nations.members]


def check_policy(policy: NationPolicy, where: tuple[str | int, ...], code: str,
                 codes: set[str], areas: set[str]) -> None:
    """A nation's script names only areas and allies the scenario has."""
    for group in ("decisions", "rules"):
        for entry_index, entry in enumerate(getattr(policy, group)):
            for key in entry.allocation:
                if key != ALL_AREAS and key not in areas:
                    raise FieldError((*where, group, entry_index, "allocation", key),
                                     f"unknown capability area {key!r} (or '{ALL_AREAS}')")
    for entry_index, entry in enumerate(policy.decisions):
        if entry.propose is None:
            continue
        proposal = (*where, "decisions", entry_index, "propose")
        if entry.propose.area not in areas:
            raise FieldError((*proposal, "area"),
                             f"unknown capability area {entry.propose.area!r}")
        for position, partner in enumerate(entry.propose.partners):
            if partner not in codes or partner == code:
                raise FieldError((*proposal, "partners", position),
                                 f"{partner!r} is not another nation of the scenario")
