"""The scenario schema: the single place where each parameter is declared."""

from sim.schema.alliance import (
    Alliance,
    CapabilityArea,
    Coalition,
    Cohesion,
    Decisions,
    Formation,
    Industry,
    PathwayParams,
    Pathways,
    Spending,
)
from sim.schema.drivers import Drivers, Inject, InjectMode, InjectTarget, Trajectory
from sim.schema.nations import Nation, Nations
from sim.schema.scenario import Metadata, Outputs, Scenario, Simulation

__all__ = [
    "Alliance", "CapabilityArea", "Coalition", "Cohesion", "Decisions", "Drivers", "Formation",
    "Industry", "Inject", "InjectMode", "InjectTarget", "Metadata", "Nation", "Nations",
    "Outputs", "PathwayParams", "Pathways", "Scenario", "Simulation", "Spending",
    "Trajectory",
]
