"""A scripted policy: decisions read from a table by quarter, and from rules that apply
while conditions hold (sim.schema.policy).

A decision given in an entry (the desired defence, resilience and aid shares, the share of
defence spending on exercises, the split of
an area) holds from the entry's quarter until a later entry gives it again; what no entry
has given yet, the nation decides as the behavioural policy advises. A rule's decisions
apply in every quarter in which all its conditions hold, over the entries (a later rule
over an earlier one). A split given is taken exactly; willingness follows from it by the
behavioural rule (a pooled or hubs share of at least ``willingness_threshold`` makes the
nation willing to join a venture of that kind in the area), and a share of 0 makes the
nation leave the venture it is in. A coalition proposal is made once, in its entry's
quarter.

Played back in a future that differs from the one it was written in, a script does what
it says by quarter whatever happens; what no longer applies is skipped (leaving a venture
the nation is not in, inviting a partner already in a programme in the area).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.enums import Pathway, VentureKind
from sim.policies.base import Decisions, Observation, Proposal
from sim.schema.policy import (
    ALL_AREAS,
    DecisionFields,
    NationPolicy,
    Observable,
    PathwaySplit,
)

# Each number field of sim.schema.policy.DecisionFields -> the field of Decisions it sets
# (one value per nation). A new decision is declared there and named here.
SCALAR_DECISIONS = {"defence_pct_gdp": "desired_share",
                    "resilience_pct_gdp": "desired_resilience",
                    "ukraine_aid_pct_gdp": "desired_aid",
                    "exercise_share": "exercise_share"}

# What a rule's condition reads, per nation decided for: [n] values.
OBSERVED: dict[Observable, Callable[[Observation, np.ndarray], np.ndarray]] = {
    Observable.THREAT: lambda seen, rows: np.full(rows.size, seen.threat),
    Observable.US_COMMITMENT: lambda seen, rows: np.full(rows.size, seen.us_commitment),
    Observable.POLITICAL_PRESSURE: lambda seen, rows: seen.nations.pressure[rows],
    Observable.DEFENCE_PCT_GDP: lambda seen, rows: seen.nations.share[rows],
    Observable.READINESS: lambda seen, rows: seen.readiness[rows].mean(axis=1),
}


def split_vector(split: PathwaySplit) -> np.ndarray:
    """[P] shares in sim.enums.Pathway order."""
    return np.array([getattr(split, pathway.label) for pathway in Pathway])


@dataclass(frozen=True)
class Plan:
    """Decisions in force: from one entry's quarter on, or while a rule holds."""

    scalars: dict[str, float]  # Decisions field -> value; decisions not given are absent
    splits: dict[int, np.ndarray]  # area index -> [P] shares; areas not given are absent


def given(fields: DecisionFields, area_names: list[str]) -> Plan:
    """The decisions one entry or rule gives."""
    scalars = {target: float(value) for name, target in SCALAR_DECISIONS.items()
               if (value := getattr(fields, name)) is not None}
    splits = {}
    for area, name in enumerate(area_names):
        split = fields.allocation.get(name, fields.allocation.get(ALL_AREAS))
        if split is not None:
            splits[area] = split_vector(split)
    return Plan(scalars, splits)


def plans(spec: NationPolicy, area_names: list[str]) -> list[Plan]:
    """The decisions in force from each entry on, carrying earlier entries forward."""
    resolved: list[Plan] = []
    carried = Plan({}, {})
    for entry in spec.decisions:
        new = given(entry, area_names)
        carried = Plan({**carried.scalars, **new.scalars}, {**carried.splits, **new.splits})
        resolved.append(carried)
    return resolved


class ScriptedPolicy:
    name = "scripted"

    def __init__(self, spec: NationPolicy, area_names: list[str],
                 willingness_threshold: float, codes: list[str]) -> None:
        self.steps = [entry.step for entry in spec.decisions]
        self.plans = plans(spec, area_names)
        self.rules = [(rule.when, given(rule, area_names)) for rule in spec.rules]
        self.proposals = {entry.step: entry.propose for entry in spec.decisions
                          if entry.propose is not None}
        self.area_names, self.codes = area_names, codes
        self.threshold = willingness_threshold

    def plan_at(self, step: int) -> Plan | None:
        """The entries' decisions in force in quarter ``step`` (None before the first)."""
        position = bisect.bisect_right(self.steps, step)
        return self.plans[position - 1] if position else None

    def decide(self, observation: Observation, nations: np.ndarray, advice: Decisions
               ) -> Decisions:
        decisions = advice.rows(nations)
        plan = self.plan_at(observation.step)
        if plan is not None:
            self._apply(decisions, plan, np.ones(nations.size, dtype=bool))
        for when, rule in self.rules:
            holds = np.ones(nations.size, dtype=bool)
            for observable, bounds in when.items():
                value = OBSERVED[observable](observation, nations)
                if bounds.above is not None:
                    holds &= value > bounds.above
                if bounds.below is not None:
                    holds &= value < bounds.below
            self._apply(decisions, rule, holds)
        proposal = self.proposals.get(observation.step)
        if proposal is not None:
            partners = [self.codes.index(code) for code in proposal.partners]
            decisions.proposals = [
                Proposal(self.area_names.index(proposal.area),
                         np.array([int(row), *partners]), proposal.name)
                for row in nations]
        return decisions

    def _apply(self, decisions: Decisions, plan: Plan, rows: np.ndarray) -> None:
        """Rows ``rows`` (bool [n]) take the plan's decisions."""
        if not rows.any():
            return
        for target, value in plan.scalars.items():
            getattr(decisions, target)[rows] = value
        for area, shares in plan.splits.items():
            decisions.allocation[rows, area, :] = shares
            for kind in VentureKind:
                decisions.join[kind][rows, area] = shares[kind.pathway] >= self.threshold
                decisions.leave[kind][rows, area] = shares[kind.pathway] == 0.0
