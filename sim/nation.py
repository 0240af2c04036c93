"""Nations as Mesa agents: each holds its identity and the policy that decides for it.

A nation's state lives in the model's arrays (sim.state, one row per nation) so that
mechanisms apply to all nations at once (Mesa's guidance: compute shared totals once per
step, not inside each agent). What a nation decides each quarter comes from its policy
(sim.policies): the behavioural one decides for all nations that use it at once.
"""

from __future__ import annotations

import mesa

from sim.policies import Policy


class NationAgent(mesa.Agent):
    """One ally; ``index`` is its row in the state's arrays."""

    def __init__(self, model: mesa.Model, index: int, code: str, name: str,
                 policy: Policy) -> None:
        super().__init__(model)
        self.index = index
        self.code = code
        self.name = name or code
        self.policy = policy
