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
    return np.clip(np.divide(hub_funding, needed, out=np.zeros_like(hub_funding),
                             where=needed > 0), 0.0, 1.0)


def readiness_target(coverage: np.ndarray, availability: np.ndarray, base: float,
                     ceiling: float, disruption_sensitivity: float) -> np.ndarray:
    """Readiness a nation's forces tend to, given hub coverage and node availability."""
    sustained = base + (ceiling - base) * coverage
    return sustained * (1.0 - disruption_sensitivity * (1.0 - availability))


def sustainment_availability(coverage: np.ndarray, hub_availability: np.ndarray,
                             own_availability: np.ndarray) -> np.ndarray:
    """Share of sustainment service up: the hub's share for covered stock, the national
    supply chain's for the rest."""
    return coverage * hub_availability + (1.0 - coverage) * own_availability


def hub_availability(hosts_up: float, hosts: int, surge: float) -> float:
    """Share of a hub's service still delivered: working hosts (counted by their share of
    lines up) take on up to ``surge`` more work, so one host down out of three costs
    nothing at a surge of 0.5."""
    if hosts == 0:
        return 1.0
    return min(1.0, hosts_up / hosts * (1.0 + surge))
