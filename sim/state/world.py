"""The world the nations face: exogenous drivers, drawn for the whole run at its start
(sim.mechanisms.drivers), and their values this quarter."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class NodeAttack:
    """A scripted attack on industrial nodes (an inject)."""

    nations: np.ndarray  # nation indices
    area: int | None  # None: every area
    duration: int | None  # None: the scenario's attack duration


@dataclass
class DriverPaths:
    """Index 0 of every path is the starting state; index t the value during quarter t."""

    threat: np.ndarray  # [T+1] in [0, 1], after any negotiation
    us_commitment: np.ndarray  # [T+1] in [0, 1]
    attack_rate: np.ndarray  # [T+1] expected hybrid attacks per quarter
    migration_salience: np.ndarray  # [T+1, N] in [0, 1]
    political_pressure: np.ndarray  # [T+1, N] in [0, 1]
    growth: np.ndarray  # [T+1, N] GDP growth per step (fraction)
    negotiation_step: int  # first step with Moscow negotiating; T+1 if never
    node_attacks: dict[int, list[NodeAttack]] = field(default_factory=dict)
    pacific_attention: np.ndarray = field(default_factory=lambda: np.zeros(1))  # [T+1] 0-1
    perception_shift: np.ndarray = field(default_factory=lambda: np.zeros((1, 1)))  # [T+1, N]
    ukraine_aid: np.ndarray = field(default_factory=lambda: np.zeros((1, 1)))  # [T+1, N] %GDP


@dataclass
class WorldState:
    paths: DriverPaths
    threat: float  # 0-1 this quarter
    us_commitment: float  # 0-1 this quarter, before the Indo-Pacific pulls at it
    pacific_attention: float  # 0-1: share of US attention pulled to the Indo-Pacific
    us_europe: float  # 0-1: US commitment to Europe = us_commitment x (1 - attention)
