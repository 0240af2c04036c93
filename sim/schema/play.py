"""A play log: the game a person played, as a file (results/plays/<id>/play.yaml).

It names the scenario, seed and nation played and holds the player's decisions as a
scripted policy, so that the same file replays the game (``run.py play --replay``) and
serves as a strategy for other futures (``--policy CODE=play.yaml``; docs/PLAY.md).
"""

from __future__ import annotations

from pydantic import field_validator

from sim.schema.base import Section, param
from sim.schema.policy import NationPolicy


class PlayLog(Section):
    scenario: str = param(..., "The scenario file played (relative to the folder the game "
                          "was started in, or absolute).")
    scenario_hash: str = param("", "Hash of the scenario as played; a replay refuses a "
                               "scenario file that has changed since.")
    seed: int = param(..., "Seed of the game's random streams.", ge=0, le=2**63 - 1)
    nation: str = param(..., "Code of the nation played.")
    quarters: int = param(..., "Length of the game (a game ended early: the quarters "
                          "played, so that it resumes at its debrief).", unit="quarters",
                          ge=1, le=10_000)
    policy: NationPolicy = param(..., "The player's decisions, by quarter (kind: scripted).")

    @field_validator("nation")
    @classmethod
    def _code(cls, value: str) -> str:
        return value.upper()

    @property
    def quarters_played(self) -> int:
        """Quarters ended so far: one entry per quarter."""
        return len(self.policy.decisions)
