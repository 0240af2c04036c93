"""Run one seeded replication of a scenario to its horizon."""

from __future__ import annotations

import numpy as np

from sim.model import AllianceModel
from sim.schema import Scenario


def run_model(scenario: Scenario, seed: int | np.random.SeedSequence | None = None
              ) -> AllianceModel:
    """Build the model and step it to the scenario's horizon."""
    model = AllianceModel(scenario, rng=seed)
    for _ in range(model.horizon):
        model.step()
    return model
