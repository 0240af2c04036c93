"""A scripted policy: decisions read from a table by quarter (sim.schema.policy).

A decision given in an entry (the desired defence and resilience shares, the split of an
area) holds from
the entry's quarter until a later entry gives it again; what no entry has given yet, the
nation decides as the behavioural policy advises. A split given is taken exactly;
willingness follows from it by the behavioural rule (a pooled or hubs share of at least
``willingness_threshold`` makes the nation willing to join a venture of that kind in the
area), and a share of 0 makes the nation leave the venture it is in.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np

from sim.enums import Pathway, VentureKind
from sim.policies.base import Decisions, Observation
from sim.schema.policy import ALL_AREAS, NationPolicy, PathwaySplit


def split_vector(split: PathwaySplit) -> np.ndarray:
    """[P] shares in sim.enums.Pathway order."""
    return np.array([getattr(split, pathway.label) for pathway in Pathway])


@dataclass(frozen=True)
class Plan:
    """Every decision in force from one entry's quarter on."""

    desired_share: float | None  # None: not scripted yet
    desired_resilience: float | None
    splits: dict[int, np.ndarray]  # area index -> [P] shares; areas not scripted are absent


def plans(spec: NationPolicy, area_names: list[str]) -> list[Plan]:
    """The decisions in force from each entry on, carrying earlier entries forward."""
    share: float | None = None
    resilience: float | None = None
    splits: dict[int, np.ndarray] = {}
    resolved = []
    for entry in spec.decisions:
        if entry.defence_pct_gdp is not None:
            share = entry.defence_pct_gdp
        if entry.resilience_pct_gdp is not None:
            resilience = entry.resilience_pct_gdp
        splits = dict(splits)
        for area, name in enumerate(area_names):
            split = entry.allocation.get(name, entry.allocation.get(ALL_AREAS))
            if split is not None:
                splits[area] = split_vector(split)
        resolved.append(Plan(share, resilience, splits))
    return resolved


class ScriptedPolicy:
    name = "scripted"

    def __init__(self, spec: NationPolicy, area_names: list[str],
                 willingness_threshold: float) -> None:
        self.steps = [entry.step for entry in spec.decisions]
        self.plans = plans(spec, area_names)
        self.threshold = willingness_threshold

    def plan_at(self, step: int) -> Plan | None:
        """The decisions in force in quarter ``step`` (None before the first entry)."""
        position = bisect.bisect_right(self.steps, step)
        return self.plans[position - 1] if position else None

    def decide(self, observation: Observation, nations: np.ndarray, advice: Decisions
               ) -> Decisions:
        decisions = advice.rows(nations)
        plan = self.plan_at(observation.step)
        if plan is None:
            return decisions
        if plan.desired_share is not None:
            decisions.desired_share[:] = plan.desired_share
        if plan.desired_resilience is not None:
            decisions.desired_resilience[:] = plan.desired_resilience
        for area, shares in plan.splits.items():
            decisions.allocation[:, area, :] = shares
            for kind in VentureKind:
                decisions.join[kind][:, area] = shares[kind.pathway] >= self.threshold
                decisions.leave[kind][:, area] = shares[kind.pathway] == 0.0
        return decisions
