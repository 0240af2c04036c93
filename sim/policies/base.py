"""What a nation sees, what it decides, and the interface every decision-maker follows.

Each quarter the model builds one :class:`Observation` (sim.mechanisms.decisions) and asks
the nations' policies for :class:`Decisions`. Arrays have one row per nation; a policy
answers for the rows it is asked about. The behavioural policy is always asked for every
nation first: its answer is the ``advice`` other policies receive (what the nation's staff
would recommend), so that a policy may decide some things and leave the rest to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from sim.enums import Governance, VentureKind
from sim.state import NationState, Venture


@dataclass
class Observation:
    """What the nations know when they decide, at the start of quarter ``step``. Its
    arrays are the state's own: policies read them and never write them."""

    step: int
    governance: Governance
    steps_per_year: int
    # Drivers this quarter.
    threat: float  # 0-1, as the alliance assesses it (each nation's: nations.perceived)
    us_commitment: float  # 0-1, before the Indo-Pacific pulls at it
    us_europe: float  # 0-1: US commitment to Europe
    aid_asked: np.ndarray  # [N] % of GDP a year the alliance's aid effort asks of each
    # The alliance as the nations see it.
    cohesion: float  # 0-1, last quarter
    satisfaction: np.ndarray  # [N] 0-1, last quarter
    # Every nation's figures and traits (public figures of allies; own plans and traits).
    # Read-only: policies never write the state.
    nations: NationState
    lead_time: np.ndarray  # [A] quarters from order to the earliest delivery
    previous_allocation: np.ndarray  # [N, A, P] last quarter's split over pathways
    readiness: np.ndarray  # [N, A] 0-1
    standard: np.ndarray  # [N, A] the standard each nation buys on
    harmonisation_target: np.ndarray  # [N, A] the standard harmonising moves it to (-1)
    harmonisable: np.ndarray  # [N, A] bool: harmonisation money has a use there
    # [N, A] gain in strategic autonomy from harmonising: the nation's autonomy weight
    # where it would move from a standard owned outside Europe to one owned in Europe
    # (negative the other way round, 0 where neither).
    autonomy_gain: np.ndarray
    # Staff estimates of unit cost (factors of the area's reference price).
    national_price: np.ndarray  # [N, A] national orders on the nation's own standard
    reference_price: np.ndarray  # [A] the alliance's reference standard
    target_price: np.ndarray  # [N, A] the harmonisation target (national price if none)
    pooled_price: np.ndarray  # [N, A] a pooled order on the reference standard
    # Ventures: the nation's own, the quarters it would wait for money to flow, proposals.
    member_of: dict[VentureKind, np.ndarray]  # kind -> [N, A] venture id or -1
    expected_wait: dict[VentureKind, np.ndarray]  # kind -> [N, A] quarters
    proposals: list[Venture] = field(default_factory=list)  # open, not yet agreed


@dataclass(frozen=True)
class Proposal:
    """A pooled programme a nation proposes to partners it names (sim.mechanisms.
    negotiation opens it as it opens the scenario's coalitions of the willing)."""

    area: int
    members: np.ndarray  # nation indices, the proposing nation (the lead) first
    name: str = ""


@dataclass
class Decisions:
    """A quarter's decisions, one row per nation asked."""

    desired_share: np.ndarray  # [n] % of GDP the nation wants to spend on defence
    desired_resilience: np.ndarray  # [n] % of GDP it wants to spend on resilience
    desired_aid: np.ndarray  # [n] % of GDP a year of military aid to Ukraine
    exercise_share: np.ndarray  # [n] share of defence spending on exercises and intelligence
    allocation: np.ndarray  # [n, A, P] split of each area's procurement over pathways
    join: dict[VentureKind, np.ndarray]  # kind -> [n, A] bool: wants to be in one
    leave: dict[VentureKind, np.ndarray]  # kind -> [n, A] bool: leaves the one it is in
    proposals: list[Proposal] = field(default_factory=list)  # coalitions proposed now

    def rows(self, index: np.ndarray) -> Decisions:
        """A copy of the decisions of rows ``index``."""
        return Decisions(
            desired_share=self.desired_share[index].copy(),
            desired_resilience=self.desired_resilience[index].copy(),
            desired_aid=self.desired_aid[index].copy(),
            exercise_share=self.exercise_share[index].copy(),
            allocation=self.allocation[index].copy(),
            join={kind: value[index].copy() for kind, value in self.join.items()},
            leave={kind: value[index].copy() for kind, value in self.leave.items()},
            proposals=[p for p in self.proposals if np.isin(p.members[0], index)])

    def assign(self, index: np.ndarray, other: Decisions) -> None:
        """Rows ``index`` take ``other``'s decisions."""
        self.desired_share[index] = other.desired_share
        self.desired_resilience[index] = other.desired_resilience
        self.desired_aid[index] = other.desired_aid
        self.exercise_share[index] = other.exercise_share
        self.allocation[index] = other.allocation
        for kind in VentureKind:
            self.join[kind][index] = other.join[kind]
            self.leave[kind][index] = other.leave[kind]
        self.proposals = [p for p in self.proposals if not np.isin(p.members[0], index)]
        self.proposals.extend(other.proposals)


class Policy(Protocol):
    """A decision-maker for one or more nations."""

    name: str

    def decide(self, observation: Observation, nations: np.ndarray, advice: Decisions
               ) -> Decisions:
        """Decisions for the rows ``nations`` (``advice`` holds every nation's row)."""
        ...
