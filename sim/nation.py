"""Nations as Mesa agents.

A nation's state lives in the model's arrays (one row per nation), so that the rules can
be applied to all nations at once (Mesa's guidance: compute shared totals once per step,
not inside each agent). The agent is the nation's identity (its row, code and name), for
Mesa's AgentSet methods; the model records the nations' figures per step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from sim.model import AllianceModel


class NationAgent(mesa.Agent):
    """One ally; ``index`` is its row in the model's arrays."""

    model: AllianceModel

    def __init__(self, model: AllianceModel, index: int, code: str, name: str) -> None:
        super().__init__(model)
        self.index = index
        self.code = code
        self.name = name or code

