"""Trust, membership and cohesion as measured at the end of a quarter."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class CohesionState:
    kept: np.ndarray  # [N] milestones of the nation's programmes kept this quarter
    broken: np.ndarray  # [N] milestones slipped or missed this quarter
    memberships: np.ndarray  # [N] open (proposed or active) ventures, all areas
    active_memberships: np.ndarray  # [N] active ventures, all areas (they build trust)
    left_out: np.ndarray  # [N, A] bool: a coalition is open in the area, the nation not in one
    cohesion: float = 0.0  # 0-1 alliance cohesion index
    parts: dict[str, float] = field(default_factory=dict)  # its parts, each 0-1
    burden_gini: float = 0.0  # Gini of defence shares of GDP among nations that spend
    satisfaction: np.ndarray = field(default_factory=lambda: np.zeros(0))  # [N] 0-1
