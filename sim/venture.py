"""Joint ventures: pooled procurement programmes and sustainment hubs.

A venture is proposed by willing nations, negotiated among its veto players, then runs for
a fixed number of quarters in which members pay in. A programme orders units on its
standard, has them built at its members' industrial nodes with production priority, and
promises dated delivery milestones; a hub pays for shared sustainment at its hosts' nodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.enums import MilestoneStatus, VentureKind, VentureState


@dataclass
class Milestone:
    due_step: int
    promised_units: float  # cumulative units promised by the due step
    status: MilestoneStatus = MilestoneStatus.PENDING
    delivered_at_due: float = 0.0
    assessed_step: int | None = None


@dataclass
class Venture:
    venture_id: int
    kind: VentureKind
    area: int
    lead: int
    members: np.ndarray  # nation indices
    veto_players: int
    preference_spread: float
    proposed_step: int
    alliance_wide: bool = False  # agreed by consensus and open to every ally
    name: str = ""  # for coalitions set up by the scenario
    standard: int = -1
    state: VentureState = VentureState.PROPOSED
    agreed_step: int | None = None
    end_step: int | None = None
    hosts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    # Programmes only: orders and deliveries, per member and in total.
    pipeline: np.ndarray = field(default_factory=lambda: np.zeros(0))
    backlog: float = 0.0
    ordered: np.ndarray = field(default_factory=lambda: np.zeros(0))
    delivered: np.ndarray = field(default_factory=lambda: np.zeros(0))
    adapting: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    paid: float = 0.0
    line_capacity: float = 0.0  # units per quarter the programme's line can build
    first_delivery_step: int | None = None
    milestones: list[Milestone] = field(default_factory=list)
    settled_milestones: int = 0  # milestones before this index are settled for good

    @property
    def open(self) -> bool:
        return self.state in (VentureState.PROPOSED, VentureState.ACTIVE)

    @property
    def finished(self) -> bool:
        """Nothing about it can change any more: stalled, or completed with every order
        built and every milestone settled."""
        if self.state is VentureState.STALLED:
            return True
        return self.state is VentureState.COMPLETED and self.backlog <= 0 and \
            not self.pipeline.any() and self.settled_milestones == len(self.milestones)

    @property
    def delivered_total(self) -> float:
        return float(self.delivered.sum()) if self.delivered.size else 0.0

    def add_members(self, nations: np.ndarray, adapting: np.ndarray) -> None:
        """Nations join (consensus ventures stay open to latecomers)."""
        self.members = np.concatenate((self.members, nations)).astype(int)
        self.ordered = np.concatenate((self.ordered, np.zeros(nations.size)))
        self.delivered = np.concatenate((self.delivered, np.zeros(nations.size)))
        self.adapting = np.concatenate((self.adapting, adapting)).astype(bool)
