"""Results in memory: the model's outputs as pandas DataFrames."""

from sim.results.load import ComparisonResults, RunResults, SweepResults, load, load_run
from sim.results.tables import (
    kpi_table,
    milestone_table,
    nation_table,
    programme_table,
    result_tables,
    run_replication,
    timeseries_table,
)

__all__ = ["ComparisonResults", "RunResults", "SweepResults", "kpi_table", "load", "load_run",
           "milestone_table", "nation_table", "programme_table", "result_tables",
           "run_replication", "timeseries_table"]
