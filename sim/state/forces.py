"""Equipment in service, how ready it is, and what it adds up to."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class ForcesState:
    fleet: np.ndarray  # [N, A, S] capability units by the standard they were built on
    stock: np.ndarray  # [N, A] capability units: fleet summed over standards
    readiness: np.ndarray  # [N, A] 0-1: share of the stock available
    undisrupted_readiness: np.ndarray  # [N, A] 0-1: the same without node outages
    hub_funding: np.ndarray  # [N, A] USD bn per quarter paid into sustainment hubs
    hub_coverage: np.ndarray  # [N, A] 0-1: share of the stock hub funding covers
    # Derived every quarter (sim.mechanisms.capability).
    capability: np.ndarray  # [N, A] capability units: stock x readiness
    interoperability: np.ndarray  # [A] 0-1: capability-weighted share of pairs on a standard
    fragmentation: np.ndarray  # [A] int: distinct standards being bought
    area_capability: np.ndarray  # [A] capability x interoperability factor
    effective_capability: float  # alliance total of area_capability
    nation_capability: np.ndarray  # [N] capability summed over areas
    nation_readiness: np.ndarray  # [N] 0-1: capability / stock
    capability_lost: float  # capability units lost this quarter to node outages
    # Where capability comes from: this quarter's change in area capability split into
    # the parts due to the equipment stock, its readiness and interoperability (additive,
    # log-mean Divisia), and the three factors it was split on, for next quarter.
    change_from: dict[str, np.ndarray]  # part -> [A] capability units this quarter
    factors: np.ndarray  # [part, A] stock, stock-weighted readiness, interoperability
    #                      factor (sim.mechanisms.capability.FACTORS; no rows at set-up)
    delivered: np.ndarray  # [N, A] units delivered this quarter
    joint_delivered: np.ndarray  # [N, A] of which from pooled programmes
    aid_transferred: np.ndarray  # [N] units given to Ukraine from stocks this quarter
    aid_built: np.ndarray  # [N] units built new for Ukraine and delivered this quarter
