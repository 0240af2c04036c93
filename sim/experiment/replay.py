"""Re-run exactly one replication of a run folder (same scenario, same seed)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.experiment.runner import Replicate
from sim.experiment.seeds import replication_seed
from sim.experiment.store import RunFolder
from sim.results.tables import run_replication
from sim.schema import Scenario


def replay(folder: Path, index: int, replicate: Replicate = run_replication
           ) -> dict[str, pd.DataFrame]:
    """The tables of replication ``index``; raises what the replication raises."""
    manifest = RunFolder(folder).read_manifest()
    replications = int(manifest["seeds"]["replications"])
    if not 0 <= index < replications:
        raise IndexError(f"the run has replications 0 to {replications - 1}")
    scenario = Scenario.model_validate(manifest["scenario"])
    return replicate(scenario, replication_seed(int(manifest["seeds"]["root"]), index))
