"""The `drivers` and `injects` sections: exogenous pressures and dated events."""

from __future__ import annotations

import math
from enum import StrEnum

from pydantic import field_validator, model_validator

from sim.scenario_files.problems import FieldError
from sim.schema.base import Section, param


class Trajectory(Section):
    """A driver's path: keyframes (step -> value) joined by straight lines and held flat
    beyond the last, plus AR(1) noise around that path."""

    points: dict[int, float] = param(lambda: {0: 0.5}, "Keyframes: quarter -> level, "
                                     "within the driver's range (threat, us_commitment, "
                                     "us_pacific_attention, negotiation_chance: 0-1; "
                                     "threat_perception_shift: -1 to 1; "
                                     "hybrid_attack_rate, migration_salience, ukraine_aid: "
                                     ">= 0; gdp_growth_shift: -100 to 100).")
    noise_sd: float = param(0.0, "Standard deviation of the AR(1) noise.", ge=0, le=10)
    persistence: float = param(0.8, "AR(1) coefficient of the noise.", ge=0, lt=1)

    @field_validator("points")
    @classmethod
    def _points(cls, points: dict[int, float]) -> dict[int, float]:
        if not points:
            raise ValueError("at least one keyframe is needed")
        if min(points) < 0:
            raise ValueError("keyframe steps must be >= 0")
        return dict(sorted(points.items()))


def _flat(level: float, noise_sd: float = 0.0) -> Trajectory:
    return Trajectory(points={0: level}, noise_sd=noise_sd)


# The range each driver's level lives in. The model holds every path inside it
# (sim/mechanisms/drivers.py clips at these bounds), so a keyframe outside it would
# silently run as the bound: it is refused instead. Migration salience is a multiplier of
# each nation's own salience here; the economic cycle is a shift in % per year; aid to
# Ukraine is in % of GDP per year.
TRAJECTORY_RANGES: dict[str, tuple[float, float]] = {
    "threat": (0.0, 1.0),
    "us_commitment": (0.0, 1.0),
    "us_pacific_attention": (0.0, 1.0),
    "threat_perception_shift": (-1.0, 1.0),
    "ukraine_aid": (0.0, math.inf),
    "hybrid_attack_rate": (0.0, math.inf),
    "negotiation_chance": (0.0, 1.0),
    "migration_salience": (0.0, math.inf),
    "gdp_growth_shift": (-100.0, 100.0),
}


def range_text(low: float, high: float) -> str:
    return f">= {low:g}" if math.isinf(high) else f"[{low:g}, {high:g}]"


class Drivers(Section):
    threat: Trajectory = param(
        lambda: _flat(0.6, 0.03), "Russian threat level (0-1), as the alliance assesses it.",
    )
    hybrid_attack_rate: Trajectory = param(
        lambda: _flat(0.4), "Expected hybrid attacks on industrial nodes per quarter at "
        "threat 1 (scaled by the threat level).",
    )
    us_commitment: Trajectory = param(
        lambda: _flat(0.7, 0.03), "US commitment to European defence (0-1), before the "
        "Indo-Pacific pulls at it.",
    )
    us_pacific_attention: Trajectory = param(
        lambda: _flat(0.0), "Share of US attention and forces pulled to the Indo-Pacific "
        "(0-1): US commitment to Europe is us_commitment x (1 - this).",
    )
    threat_perception_shift: Trajectory = param(
        lambda: _flat(0.0), "Added to every nation's perceived threat (nation-level "
        "injects shift it for some nations only: diverging perceptions).",
    )
    ukraine_aid: Trajectory = param(
        lambda: _flat(0.15), "Military aid to Ukraine by an ally of threat exposure 0.5, in "
        "% of GDP per year (an ally gives this x 2 x its exposure: the front line gives "
        "most).",
    )
    negotiation_chance: Trajectory = param(
        lambda: _flat(0.01), "Chance per quarter that Moscow opens serious negotiations.",
    )
    negotiation_threat_drop: float = param(
        0.3, "Share of the threat removed for the rest of the run once Moscow negotiates.",
        ge=0, le=1,
    )
    migration_salience: Trajectory = param(
        lambda: _flat(1.0, 0.03), "Alliance-wide multiplier of each nation's migration "
        "salience.",
    )
    migration_weight: float = param(
        0.5, "Domestic pressure added per unit of migration salience.", ge=0, le=5,
    )
    gdp_growth_shift: Trajectory = param(
        lambda: _flat(0.0, 0.3), "Added to every nation's trend growth (economic cycle).",
    )
    election_interval: int = param(
        16, "Quarters between national elections.", unit="quarters", ge=1, le=200,
    )
    election_shock_sd: float = param(
        0.12, "Standard deviation of the change in domestic pressure at an election.", ge=0,
        le=1,
    )
    pressure_persistence: float = param(
        0.92, "Share of an election's shock to domestic pressure still felt a quarter later.",
        ge=0, le=1,
    )

    @model_validator(mode="after")
    def _keyframes_in_range(self) -> Drivers:
        for name, (low, high) in TRAJECTORY_RANGES.items():
            for step, level in getattr(self, name).points.items():
                if not low <= level <= high:
                    raise FieldError((name, "points", step), f"{name} lives in "
                                     f"{range_text(low, high)}; {level:g} would run as "
                                     f"{min(max(level, low), high):g}")
        return self


class InjectTarget(StrEnum):
    THREAT = "threat"
    HYBRID_ATTACK_RATE = "hybrid_attack_rate"
    US_COMMITMENT = "us_commitment"
    NEGOTIATION_CHANCE = "negotiation_chance"
    MIGRATION_SALIENCE = "migration_salience"
    POLITICAL_PRESSURE = "political_pressure"
    GDP_GROWTH = "gdp_growth"
    NODE_ATTACK = "node_attack"
    ELECTION = "election"
    NEGOTIATION = "negotiation"
    US_PACIFIC_ATTENTION = "us_pacific_attention"
    THREAT_PERCEPTION = "threat_perception"
    UKRAINE_AID = "ukraine_aid"


# The range of what each inject sets: the driver's level, or for nation-level targets the
# nation's level (migration salience and domestic pressure in [0, 1], growth in % per
# year, held within +-50 by the model).
INJECT_RANGES: dict[InjectTarget, tuple[float, float]] = {
    InjectTarget.THREAT: TRAJECTORY_RANGES["threat"],
    InjectTarget.US_COMMITMENT: TRAJECTORY_RANGES["us_commitment"],
    InjectTarget.HYBRID_ATTACK_RATE: TRAJECTORY_RANGES["hybrid_attack_rate"],
    InjectTarget.NEGOTIATION_CHANCE: TRAJECTORY_RANGES["negotiation_chance"],
    InjectTarget.MIGRATION_SALIENCE: (0.0, 1.0),
    InjectTarget.POLITICAL_PRESSURE: (0.0, 1.0),
    InjectTarget.GDP_GROWTH: (-50.0, 50.0),
    InjectTarget.US_PACIFIC_ATTENTION: TRAJECTORY_RANGES["us_pacific_attention"],
    InjectTarget.THREAT_PERCEPTION: TRAJECTORY_RANGES["threat_perception_shift"],
    InjectTarget.UKRAINE_AID: TRAJECTORY_RANGES["ukraine_aid"],
}

NATION_TARGETS = {InjectTarget.MIGRATION_SALIENCE, InjectTarget.POLITICAL_PRESSURE,
                  InjectTarget.GDP_GROWTH, InjectTarget.NODE_ATTACK, InjectTarget.ELECTION,
                  InjectTarget.THREAT_PERCEPTION, InjectTarget.UKRAINE_AID}
EVENT_TARGETS = {InjectTarget.NODE_ATTACK, InjectTarget.ELECTION, InjectTarget.NEGOTIATION}


class InjectMode(StrEnum):
    SET = "set"
    ADD = "add"
    SCALE = "scale"


class Inject(Section):
    """A dated event, as in seminar and matrix wargames: "quarter 8: US commitment falls to
    0.4"."""

    step: int = param(..., "Quarter at which the inject applies (an inject after the "
                      "horizon has no effect: validate and run warn about it).",
                      unit="quarters", ge=0)
    target: InjectTarget = param(..., "What the inject changes.")
    value: float = param(0.0, "New level (set), change (add) or factor (scale); for "
                         "elections the shift in domestic pressure. A level set must lie in "
                         "the target's range (threat, us_commitment, us_pacific_attention, "
                         "negotiation_chance, migration_salience, political_pressure: 0-1; "
                         "threat_perception: -1 to 1; hybrid_attack_rate, ukraine_aid: >= 0; "
                         "gdp_growth: -50 to 50 % per year); a factor must be >= 0 for "
                         "levels that cannot be negative.", ge=-1e6, le=1e6)
    mode: InjectMode = param(InjectMode.SET, "How the value applies to a driver.")
    duration: int | None = param(
        None, "Quarters the change lasts; empty: to the end of the run.", unit="quarters",
        ge=1,
    )
    nations: list[str] = param(list, "Nation codes affected (nation-level targets; empty: "
                               "all).")
    area: str | None = param(None, "Capability area of a node attack; empty: all areas.")
    label: str = param("", "What the inject represents, for outputs.")

    @model_validator(mode="after")
    def _value_in_range(self) -> Inject:
        """A level set outside its target's range would silently run as the bound; a
        negative factor would flip a level that cannot be negative."""
        if self.target not in INJECT_RANGES:
            return self
        low, high = INJECT_RANGES[self.target]
        if self.mode is InjectMode.SET and not low <= self.value <= high:
            raise FieldError(("value",), f"{self.target.value} lives in "
                             f"{range_text(low, high)}; setting it to {self.value:g} would "
                             f"run as {min(max(self.value, low), high):g}")
        if self.mode is InjectMode.SCALE and low >= 0 and self.value < 0:
            raise FieldError(("value",), f"{self.target.value} cannot be negative; scale "
                             f"it by a factor >= 0 (got {self.value:g})")
        return self
