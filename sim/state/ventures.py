"""Joint ventures: pooled procurement programmes and sustainment hubs, and the book that
keeps them.

A venture is proposed by willing nations and negotiated among its veto players. A
programme then runs for a fixed number of quarters in which members pay in: it orders
units on the standard its members chose, has them built on a dedicated production line at
its hosts' nodes, and promises dated delivery milestones from its production plan. A hub
is a standing institution: it lasts while members fund it and closes when fewer than two
remain; it pays for shared sustainment at its hosts' nodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import accumulate

import numpy as np

from sim.enums import MilestoneStatus, VentureKind, VentureState

# Module constants: enum lookups are slow, and these are read for every venture each
# quarter. A stalled or closed venture has nothing left to do.
OPEN = (VentureState.PROPOSED, VentureState.ACTIVE)
ENDED = (VentureState.STALLED, VentureState.CLOSED)
COMPLETED = VentureState.COMPLETED


@dataclass
class Milestone:
    due_step: int
    promised_units: float  # cumulative units promised by the due step
    planned_units: float  # cumulative units the production plan gives (no optimism)
    status: MilestoneStatus = MilestoneStatus.PENDING
    delivered_at_due: float = 0.0
    # Traces of a shortfall, at the due step: units members ordered fewer than planned
    # (budget cuts, members leaving) and programme output lost to attacks on its line.
    order_shortfall_at_due: float = 0.0
    lost_to_attacks_at_due: float = 0.0
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
    # Programmes only: the dedicated production line, one line of each host's node
    # (line index ``line`` of the area's node), its output shared by work share.
    line: int = 0
    work_share: np.ndarray = field(default_factory=lambda: np.zeros(0))  # [hosts], sums to 1
    # Share of the line's work at European hosts: fixed at agreement (hosts, work shares
    # and who is European never change), so records need not recompute it each quarter.
    european_work_share: float = 0.0
    # The work share working when every host's line is up, summed as production sums the
    # share of lines up (a dot product with ones; not always exactly 1): fixed at agreement.
    work_share_all_up: float = 0.0
    line_capacity: float = 0.0  # units per quarter the programme's line builds when up
    planned_orders: float = 0.0  # units per quarter the plan expected members to order
    order_history: list[float] = field(default_factory=list)  # units ordered each quarter
    units_lost_to_attacks: float = 0.0  # output lost while the line was down
    first_delivery_step: int | None = None
    members_left: bool = False  # some listed member has left (and no longer pays in)
    milestones: list[Milestone] = field(default_factory=list)
    settled_milestones: int = 0  # milestones before this index are settled for good

    @property
    def open(self) -> bool:
        return self.state in OPEN

    @property
    def finished(self) -> bool:
        """Nothing about it can change any more: stalled, or completed with every order
        built and every milestone settled."""
        if self.state in ENDED:
            return True
        return self.state is COMPLETED and self.backlog <= 0 and \
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

    def withdraw_before_agreement(self, nations: np.ndarray) -> None:
        """Nations leave a proposal: they are no longer counted as members. (Members of
        an agreed venture stay listed, so that what they ordered is still delivered.)"""
        keep = ~np.isin(self.members, nations)
        self.members = self.members[keep]
        self.ordered = self.ordered[keep]
        self.delivered = self.delivered[keep]
        self.adapting = self.adapting[keep]


@dataclass
class VentureBook:
    """Every venture of a run, the ones still changing, and who is in which.

    ``member_of[kind][i, a]`` is the id of nation i's open (proposed or active) venture of
    that kind in area a, or -1. Who is in an active venture is refreshed after
    negotiation, the only time ventures change state or members (several mechanisms read
    it each quarter).
    """

    member_of: dict[VentureKind, np.ndarray]  # kind -> [N, A] venture id or -1
    ventures: list[Venture] = field(default_factory=list)  # by id, every one proposed
    # The ventures that can still change: the per-quarter loops read these, so that a
    # run's cost stays linear in its steps as finished ones pile up.
    live: list[Venture] = field(default_factory=list)
    # kind -> [N, A] bool: the nation is in an active venture of that kind in the area.
    active_in: dict[VentureKind, np.ndarray] = field(default_factory=dict)

    @classmethod
    def empty(cls, n: int, n_areas: int) -> VentureBook:
        book = cls(member_of={kind: np.full((n, n_areas), -1, dtype=int)
                              for kind in VentureKind})
        book.refresh()
        return book

    def add(self, venture: Venture) -> None:
        self.ventures.append(venture)
        self.live.append(venture)

    def refresh(self) -> None:
        """Recompute who is in an active venture after ventures changed state (only live
        ventures can be active: the finished ones need not be looked at)."""
        active = VentureState.ACTIVE  # enum lookup once, not per venture
        # Indexed by venture id, with a trailing entry read by index -1 (no venture).
        flags = np.zeros(len(self.ventures) + 1, dtype=bool)
        flags[[venture.venture_id for venture in self.live if venture.state is active]] = True
        self.active_in = {kind: flags[member_of] for kind, member_of in self.member_of.items()}
        for in_active in self.active_in.values():
            in_active.flags.writeable = False  # shared by every reader until the next refresh

    def drop_finished(self) -> None:
        self.live = [venture for venture in self.live if not venture.finished]

    def current_members(self, venture: Venture) -> np.ndarray:
        """The members still in the venture (those who left stay listed in ``members``
        for the orders they placed)."""
        if not venture.members_left:
            return venture.members
        here = self.member_of[venture.kind][venture.members, venture.area]
        return venture.members[here == venture.venture_id]

    def paying(self, venture: Venture) -> np.ndarray:
        """[members] bool: which listed members are still in (and so pay in)."""
        here = self.member_of[venture.kind][venture.members, venture.area]
        return here == venture.venture_id

    def active_member(self, kind: VentureKind) -> np.ndarray:
        """[N, A] bool: the nation is in an active venture of this kind in the area (as of
        the last refresh; read only)."""
        return self.active_in[kind]


def members_end_to_end(ventures: list[Venture]) -> tuple[np.ndarray, list[int], list[slice]]:
    """The listed members of ``ventures`` laid end to end, how many each venture has, and
    each venture's span: per-member figures of many ventures in one array operation."""
    sizes = [venture.members.size for venture in ventures]
    spans = [slice(end - size, end)
             for size, end in zip(sizes, accumulate(sizes), strict=True)]
    return np.concatenate([venture.members for venture in ventures]), sizes, spans
