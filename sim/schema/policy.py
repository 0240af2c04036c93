"""How a nation decides: the behavioural policy (default) or a script of decisions.

A script is a table of entries by quarter, and optionally rules that apply while a
condition on what the nation sees holds. A decision given in an entry (the defence share,
an area's split) holds from its quarter until a later entry gives it again; what no entry
has given yet, the nation decides as the behavioural policy would (docs/POLICIES.md).

:class:`DecisionFields` is the one place where the decisions a nation can take are
declared: scripted entries and rules, the play page's controls and play logs all read
them from here (docs/PLAY.md, "Adding a decision").
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import field_validator, model_validator

from sim.scenario_files.problems import FieldError
from sim.schema.base import Section, distinct_codes, param

# The key of an allocation entry that applies to every area not named on its own.
ALL_AREAS = "all"
# Shares of a split must sum to 1 within this (YAML decimals rarely add up exactly).
SPLIT_TOLERANCE = 1e-6


class PathwaySplit(Section):
    """Shares of an area's procurement budget over the four pathways (they sum to 1)."""

    national: float = param(0.0, "Share bought nationally.", ge=0, le=1)
    standards: float = param(0.0, "Share spent harmonising technical standards.", ge=0,
                             le=1)
    pooled: float = param(0.0, "Share paid into pooled programmes.", ge=0, le=1)
    hubs: float = param(0.0, "Share paid into joint sustainment hubs.", ge=0, le=1)

    @model_validator(mode="after")
    def _sums_to_one(self) -> PathwaySplit:
        total = self.national + self.standards + self.pooled + self.hubs
        if abs(total - 1.0) > SPLIT_TOLERANCE:
            raise ValueError(f"the shares must sum to 1 (they sum to {total:g})")
        return self


class DecisionFields(Section):
    """The decisions a nation takes each quarter, each optional (empty: as before, or at
    first as the behavioural policy would). A number field here becomes a control of the
    play page and a line of the play log; sim.policies.scripted.SCALAR_DECISIONS names the
    field of sim.policies.Decisions it sets."""

    defence_pct_gdp: float | None = param(
        None, "Desired defence spending (actual spending moves toward it at the "
        "adjustment rate); empty: as before (at first, as the behavioural policy would).",
        unit="% of GDP", ge=0, le=50, control=(0.5, 8.0, 0.1),
    )
    resilience_pct_gdp: float | None = param(
        None, "Desired resilience spending (civil preparedness, infrastructure, protection "
        "of industry); empty: as before (at first, as the behavioural policy would).",
        unit="% of GDP", ge=0, le=20, control=(0.0, 3.0, 0.05),
    )
    ukraine_aid_pct_gdp: float | None = param(
        None, "Military aid to Ukraine, from stocks in service and new builds (competing "
        "with your own orders for industrial capacity); empty: as before (at first, what "
        "the alliance's aid effort asks of the nation).",
        unit="% of GDP a year", ge=0, le=5, control=(0.0, 1.0, 0.01),
    )
    exercise_share: float | None = param(
        None, "Share of defence spending put into multinational exercises and "
        "intelligence-sharing: practice raises interoperability beyond shared standards "
        "and trust in allies (full practice at alliance.exercises.full_share); empty: as "
        "before (at first, as the behavioural policy would).",
        unit="share of defence spending", ge=0, le=0.2, control=(0.0, 0.05, 0.001),
    )
    allocation: dict[str, PathwaySplit] = param(
        dict, "Split of procurement over the pathways, by area name, or 'all' for every "
        "area not named; areas left out: as before (at first, as the behavioural policy "
        "would). A share of at "
        "least alliance.formation.willingness_threshold in pooled (hubs) makes the nation "
        "willing to join a programme (hub) in the area; a share of 0 makes it leave one.",
    )


class CoalitionProposal(Section):
    """A pooled programme the nation proposes, in one quarter, to partners it names (as the
    scenario's coalitions of the willing do): the nation leads and its standard is bought;
    partners already in a programme in the area stay where they are; agreement is then
    negotiated among the members like any proposal."""

    area: str = param(..., "Capability area of the programme.")
    partners: list[str] = param(..., "Nation codes invited (at least one).")
    name: str = param("", "Name, for outputs.")

    @field_validator("partners")
    @classmethod
    def _partners(cls, partners: list[str]) -> list[str]:
        return distinct_codes(partners, 1, "name at least one partner", "partners")


class PolicyEntry(DecisionFields):
    """The decisions a scripted nation takes from one quarter on."""

    step: int = param(..., "First quarter of these decisions; each holds until a later "
                      "entry gives it again (decisions after the horizon have no effect: "
                      "validate and run warn about them).", unit="quarters", ge=1)
    propose: CoalitionProposal | None = param(
        None, "A pooled programme proposed to named partners in this quarter only.")


class Observable(StrEnum):
    """What a rule's condition can look at: the drivers, and the nation's own figures."""

    THREAT = "threat"  # 0-1 this quarter
    US_COMMITMENT = "us_commitment"  # 0-1 this quarter
    POLITICAL_PRESSURE = "political_pressure"  # 0-1, the nation's own
    DEFENCE_PCT_GDP = "defence_pct_gdp"  # % of GDP, the nation's own spending now
    READINESS = "readiness"  # 0-1, the nation's own, mean over areas


class Bounds(Section):
    above: float | None = param(None, "The condition holds while the value is above this.")
    below: float | None = param(None, "The condition holds while the value is below this.")

    @model_validator(mode="after")
    def _some_bound(self) -> Bounds:
        if self.above is None and self.below is None:
            raise ValueError("give above:, below: or both")
        return self


class PolicyRule(DecisionFields):
    """Decisions taken in every quarter in which every condition holds (they override the
    entries; a later rule overrides an earlier one)."""

    when: dict[Observable, Bounds] = param(
        ..., "Conditions on what the nation sees: threat, us_commitment (0-1), its own "
        "political_pressure (0-1), defence_pct_gdp (% of GDP) and readiness (0-1), each "
        "with above: and/or below:.")

    @model_validator(mode="before")
    @classmethod
    def _conditions_not_an_expression(cls, data: Any) -> Any:
        """A rule written as an expression (``when: "threat > 0.7"``), its decisions
        under ``then:``, is one mistake, said once at when: - not also as an unknown key
        then:."""
        when = data.get("when") if isinstance(data, dict) else None
        if isinstance(when, str):
            under_then = "; the decisions go beside when:, not under then:" \
                if "then" in data else ""
            raise FieldError(("when",), "expected conditions as a mapping, e.g. when: "
                             f"{{threat: {{above: 0.7}}}}, not an expression (got {when!r})"
                             + under_then)
        return data

    @field_validator("when")
    @classmethod
    def _some_condition(cls, when: dict[Observable, Bounds]) -> dict[Observable, Bounds]:
        if not when:
            raise ValueError("give at least one condition")
        return when


class NationPolicy(Section):
    kind: Literal["behavioural", "scripted"] = param(
        "behavioural", "behavioural: the model's logit choice (docs/MODEL.md); scripted: "
        "the decisions listed.",
    )
    decisions: list[PolicyEntry] = param(list, "Scripted decisions by quarter.")
    rules: list[PolicyRule] = param(list, "Scripted decisions taken while conditions hold.")

    @model_validator(mode="after")
    def _entries(self) -> NationPolicy:
        if self.kind == "behavioural" and (self.decisions or self.rules):
            raise FieldError(("decisions",) if self.decisions else ("rules",),
                             "a behavioural policy takes no decisions (use kind: scripted)")
        if self.kind == "scripted" and not self.decisions and not self.rules:
            raise FieldError(("decisions",), "a scripted policy needs at least one entry "
                             "or rule")
        for index in range(1, len(self.decisions)):
            if self.decisions[index].step <= self.decisions[index - 1].step:
                raise FieldError(("decisions", index, "step"), "entries must be in order of "
                                 "step, one entry per step (the one before is step "
                                 f"{self.decisions[index - 1].step})")
        return self
