"""Nations decide through policies (sim.policies.base.Policy): the behavioural policy by
default, or a scripted one given in the scenario. docs/POLICIES.md says how to write one.
"""

from __future__ import annotations

from sim.policies.base import Decisions, Observation, Policy, Proposal
from sim.policies.behavioural import BehaviouralPolicy
from sim.policies.scripted import ScriptedPolicy
from sim.schema import Scenario

__all__ = ["BehaviouralPolicy", "Decisions", "Observation", "Policy", "Proposal",
           "ScriptedPolicy", "nation_policies"]


def nation_policies(scenario: Scenario, behavioural: BehaviouralPolicy) -> list[Policy]:
    """Each nation's policy, in scenario order (the behavioural one shared by all that
    use it, so that they are decided together)."""
    alliance = scenario.alliance
    areas = [area.name for area in alliance.areas]
    threshold = alliance.formation.willingness_threshold
    codes = scenario.nation_codes
    return [behavioural if nation.policy.kind == "behavioural" else
            ScriptedPolicy(nation.policy, areas, threshold, codes)
            for nation in scenario.nations.members]
