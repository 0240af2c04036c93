"""The `drivers` and `injects` sections: exogenous pressures and dated events."""

from __future__ import annotations

from enum import StrEnum

from pydantic import field_validator

from sim.schema.base import Section, param


class Trajectory(Section):
    """A driver's path: keyframes (step -> value) joined by straight lines and held flat
    beyond the last, plus AR(1) noise around that path."""

    points: dict[int, float] = param(lambda: {0: 0.5}, "Keyframes: quarter -> level.")
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

    step: int = param(..., "Quarter at which the inject applies (injects after the horizon "
                      "have no effect).", unit="quarters", ge=0)
    target: InjectTarget = param(..., "What the inject changes.")
    value: float = param(0.0, "New level (set), change (add) or factor (scale); for "
                         "elections the shift in domestic pressure.", ge=-1e6, le=1e6)
    mode: InjectMode = param(InjectMode.SET, "How the value applies to a driver.")
    duration: int | None = param(
        None, "Quarters the change lasts; empty: to the end of the run.", unit="quarters",
        ge=1,
    )
    nations: list[str] = param(list, "Nation codes affected (nation-level targets; empty: "
                               "all).")
    area: str | None = param(None, "Capability area of a node attack; empty: all areas.")
    label: str = param("", "What the inject represents, for outputs.")
