"""The `nations` section: the allies, inline or loaded from CSV tables."""

from __future__ import annotations

from pydantic import field_validator, model_validator

from sim.scenario_files.problems import FieldError
from sim.schema.base import Section, param
from sim.schema.policy import NationPolicy


class Nation(Section):
    """One ally. Economic figures default to NATO's 2024 estimates where loaded from the
    shipped table; behavioural attributes are the modeller's judgement (docs/MODEL.md)."""

    code: str = param(..., "ISO 3166 alpha-3 code, e.g. DEU.")
    name: str = param("", "Display name.")
    gdp_usd_bn: float = param(
        ..., "GDP at current prices.", unit="USD bn per year", gt=0, le=1e6,
        source="NATO 2024 Table 5",
    )
    defence_pct_gdp: float = param(
        0.0, "Defence expenditure at the start (0: no armed forces, e.g. Iceland).",
        unit="% of GDP", ge=0, le=50,
        source="NATO 2024 Table 3",
    )
    equipment_pct: float = param(
        25.0, "Major equipment incl. R&D as a share of defence expenditure (procurement "
        "budget).", unit="% of defence spending", ge=0, le=100, source="NATO 2024 Table 8a",
    )
    gdp_growth: float = param(
        1.5, "Trend real GDP growth.", unit="% per year", ge=-20, le=20,
    )
    threat_exposure: float = param(
        0.5, "How directly the Russian threat bears on this nation (1: front line).", ge=0,
        le=1,
    )
    sovereignty_preference: float = param(
        0.5, "Weight on national control of procurement and supply.", ge=0, le=1,
    )
    speed_weight: float = param(1.0, "Weight on time to capability in decisions.", ge=0, le=10)
    cost_weight: float = param(1.0, "Weight on unit cost in decisions.", ge=0, le=10)
    migration_salience: float = param(
        0.4, "Salience of migration in domestic politics at the start.", ge=0, le=1,
    )
    political_pressure: float = param(
        0.3, "Domestic pressure against defence spending and pooling, other than migration.",
        ge=0, le=1,
    )
    industrial_weight: float | None = param(
        None, "Relative size of the defence-industrial base; empty: GDP x equipment share.",
        ge=0,
    )
    trust_allies: float = param(0.6, "Initial trust in European and Canadian allies.", ge=0,
                                le=1)
    trust_us: float = param(0.6, "Initial trust in the United States.", ge=0, le=1)
    is_us: bool = param(False, "This nation is the United States (no burden shifting).")
    european: bool = param(True, "A European ally (false for the United States and "
                           "Canada): counts in Europe's dependency and industrial share.")
    resilience_pct_gdp: float = param(
        0.5, "Resilience spending at the start (civil preparedness, infrastructure, "
        "protection of industry), beside defence spending.", unit="% of GDP", ge=0, le=20,
        source="modeller's judgement; NATO publishes no per-ally figure",
    )
    policy: NationPolicy = param(
        NationPolicy, "How the nation decides each quarter: the behavioural policy, or a "
        "script (docs/POLICIES.md).",
    )

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not (2 <= len(value) <= 8 and value.replace("_", "").isalnum()):
            raise ValueError("must be 2-8 letters or digits, e.g. DEU")
        return value.upper()


class Nations(Section):
    from_csv: list[str] = param(
        list, "CSV tables (paths relative to the scenario file) whose rows are nations; "
        "columns are nation fields; later tables and inline members override by code.",
    )
    members: list[Nation] = param(list, "Nations given inline (merged by code).")

    @model_validator(mode="after")
    def _unique(self) -> Nations:
        first: dict[str, int] = {}
        for index, nation in enumerate(self.members):  # files merge by code: a --set can't
            if nation.code in first:
                raise FieldError(("members", index, "code"), f"duplicate nation code "
                                 f"{nation.code!r}: nation {first[nation.code]} of the list "
                                 "has it too")
            first[nation.code] = index
        return self
