"""How a nation decides: the behavioural policy (default) or a script of decisions.

A script is a table of entries by quarter. A decision given in an entry (the defence
share, an area's split) holds from its quarter until a later entry gives it again; what no
entry has given yet, the nation decides as the behavioural policy would (docs/POLICIES.md).
"""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from sim.scenario_files.problems import FieldError
from sim.schema.base import Section, param

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


class PolicyEntry(Section):
    """The decisions a scripted nation takes from one quarter on."""

    step: int = param(..., "First quarter of these decisions; each holds until a later "
                      "entry gives it again.", unit="quarters", ge=1)
    defence_pct_gdp: float | None = param(
        None, "Desired defence spending (actual spending moves toward it at the "
        "adjustment rate); empty: as before (at first, as the behavioural policy would).",
        unit="% of GDP", ge=0,
        le=50,
    )
    resilience_pct_gdp: float | None = param(
        None, "Desired resilience spending (civil preparedness, infrastructure, protection "
        "of industry); empty: as before (at first, as the behavioural policy would).",
        unit="% of GDP", ge=0, le=20,
    )
    allocation: dict[str, PathwaySplit] = param(
        dict, "Split of procurement over the pathways, by area name, or 'all' for every "
        "area not named; areas left out: as before (at first, as the behavioural policy "
        "would). A share of at "
        "least alliance.formation.willingness_threshold in pooled (hubs) makes the nation "
        "willing to join a programme (hub) in the area; a share of 0 makes it leave one.",
    )


class NationPolicy(Section):
    kind: Literal["behavioural", "scripted"] = param(
        "behavioural", "behavioural: the model's logit choice (docs/MODEL.md); scripted: "
        "the decisions listed.",
    )
    decisions: list[PolicyEntry] = param(list, "Scripted decisions by quarter.")

    @model_validator(mode="after")
    def _entries(self) -> NationPolicy:
        if self.kind == "behavioural" and self.decisions:
            raise FieldError(("decisions",), "a behavioural policy takes no decisions (use "
                             "kind: scripted)")
        if self.kind == "scripted" and not self.decisions:
            raise FieldError(("decisions",), "a scripted policy needs at least one entry")
        for index in range(1, len(self.decisions)):
            if self.decisions[index].step <= self.decisions[index - 1].step:
                raise FieldError(("decisions", index, "step"), "entries must be in order of "
                                 "step, one entry per step (the one before is step "
                                 f"{self.decisions[index - 1].step})")
        return self
