"""Run one seeded replication of a scenario end to end."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.model import AllianceModel
from sim.results import result_tables
from sim.schema import Scenario


def run_model(scenario: Scenario, seed: int | np.random.SeedSequence | None = None
              ) -> AllianceModel:
    """Build the model and step it to the scenario's horizon."""
    model = AllianceModel(scenario, rng=seed)
    for _ in range(model.horizon):
        model.step()
    return model


def run_replication(scenario: Scenario, seed: int | np.random.SeedSequence | None = None
                    ) -> dict[str, pd.DataFrame]:
    """The result tables of one replication."""
    return result_tables(run_model(scenario, seed))
