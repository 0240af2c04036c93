"""Sustainment and readiness: the share of capability actually available.

Readiness rises toward a ceiling with joint sustainment hub coverage (shared maintenance,
spares and ammunition). Sustainment depends on industrial nodes: its supplier's node, or
the host nodes of its hub. When lines are down readiness falls in proportion; a hub spread
over several hosts keeps most of its service when one is hit (redundancy).
"""

from __future__ import annotations

import numpy as np


def hub_coverage(hub_funding: np.ndarray, stock: np.ndarray, hub_cost: float) -> np.ndarray:
    """Share of a nation's stock in an area covered by its hub funding this quarter."""
    needed = hub_cost * stock
    covered = np.divide(hub_funding, needed, out=np.zeros_like(hub_funding), where=needed > 0)
    # minimum/maximum in place rather than np.clip: the same values, less call overhead.
    return np.minimum(np.maximum(covered, 0.0, out=covered), 1.0, out=covered)


def sustained_readiness(coverage: np.ndarray, base: float, ceiling: float) -> np.ndarray:
    """Readiness a nation's forces tend to given hub coverage, with every node up."""
    return base + (ceiling - base) * coverage


def readiness_target(sustained: np.ndarray, availability: np.ndarray,
                     disruption_sensitivity: float) -> np.ndarray:
    """Readiness a nation's forces tend to: the sustained level, less what node outages
    (``availability`` below 1) take away."""
    return sustained * (1.0 - disruption_sensitivity * (1.0 - availability))


def sustainment_availability(coverage: np.ndarray, hub_availability: np.ndarray,
                             own_availability: np.ndarray) -> np.ndarray:
    """Share of sustainment service up: the hub's share for covered stock, the national
    supply chain's for the rest."""
    return coverage * hub_availability + (1.0 - coverage) * own_availability


def hub_availability(hosts_up: np.ndarray, hosts: np.ndarray, surge: float) -> np.ndarray:
    """Share of each hub's service still delivered: working hosts (counted by their share
    of lines up) take on up to ``surge`` more work, so one host down out of three costs
    nothing at a surge of 0.5 (``hosts`` at least 1)."""
    return np.minimum(1.0, hosts_up / hosts * (1.0 + surge))
