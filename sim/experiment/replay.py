"""Re-run exactly one replication of a run folder (same scenario, same seed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import ValidationError

from sim.experiment.folder_checks import RunFolderError, read_manifest
from sim.experiment.runner import Replicate
from sim.experiment.seeds import replication_seed
from sim.results.tables import run_replication
from sim.schema import Scenario


def replay_inputs(folder: Path, index: int) -> tuple[Scenario, np.random.SeedSequence]:
    """The scenario and seed of replication ``index`` as the folder records them;
    IndexError for a replication the run does not have."""
    manifest = read_manifest(folder)
    if manifest.get("kind") == "sweep":
        raise RunFolderError(f"{folder}: a sweep folder; replay re-runs a replication of "
                             "a run folder")
    replications = manifest["seeds"]["replications"]
    if not 0 <= index < replications:
        raise IndexError(f"the run has replications 0 to {replications - 1}")
    try:
        scenario = Scenario.model_validate(manifest["scenario"])
    except ValidationError as error:
        raise RunFolderError(f"{folder / 'manifest.json'}: its scenario is not valid "
                             f"({error.errors()[0]['msg']})") from None
    return scenario, replication_seed(manifest["seeds"]["root"], index)


def replay(folder: Path, index: int, replicate: Replicate = run_replication
           ) -> dict[str, pd.DataFrame]:
    """The tables of replication ``index``; raises what the replication raises."""
    return replicate(*replay_inputs(folder, index))
