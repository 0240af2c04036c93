"""Discrete choices of the model, as enums rather than strings scattered around."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Pathway(IntEnum):
    """How a nation spends its procurement budget in a capability area.

    The three cooperative pathways are those debated at the Munich Security Conference
    (seed article): harmonise technical standards, pool acquisition budgets for critical
    platforms, create joint sustainment hubs. The integer value is the column index in the
    model's allocation arrays.
    """

    NATIONAL = 0
    STANDARDS = 1
    POOLED = 2
    HUBS = 3

    @property
    def label(self) -> str:
        return self.name.lower()


class Governance(StrEnum):
    """How joint programmes and hubs are agreed."""

    CONSENSUS = "consensus"  # alliance-wide; every member is a veto player
    COALITIONS = "coalitions"  # coalitions of the willing form around lead nations


class VentureKind(StrEnum):
    """The two kinds of joint venture that need partners."""

    PROGRAMME = "programme"  # pooled acquisition budget for a platform
    HUB = "hub"  # joint sustainment hub

    @property
    def pathway(self) -> Pathway:
        """The pathway whose money flows into ventures of this kind."""
        return Pathway.POOLED if self is VentureKind.PROGRAMME else Pathway.HUBS


# Each venture kind's pathway as an index, looked up once: the property costs
# microseconds, and the per-quarter loops over ventures and nations read it.
PATHWAY_OF: dict[VentureKind, int] = {kind: int(kind.pathway) for kind in VentureKind}


class VentureState(StrEnum):
    PROPOSED = "proposed"  # negotiating; veto players may still delay it
    ACTIVE = "active"  # agreed; members pay in, orders flow
    COMPLETED = "completed"  # a programme that ran its full duration
    STALLED = "stalled"  # negotiation abandoned
    CLOSED = "closed"  # a hub whose members left (fewer than two remain)


class MilestoneStatus(StrEnum):
    PENDING = "pending"  # not yet due
    ON_TIME = "on_time"  # promised quantity delivered by the due quarter
    LATE = "late"  # due, not yet met: re-checked each quarter within the grace period
    DELIVERED_LATE = "delivered_late"
    MISSED = "missed"  # still short when the grace period ran out
