"""Results in memory: the model's outputs as pandas DataFrames."""

from sim.results.load import RunResults, load
from sim.results.tables import (
    kpi_table,
    milestone_table,
    nation_table,
    programme_table,
    result_tables,
    run_replication,
    timeseries_table,
)

__all__ = ["RunResults", "kpi_table", "load", "milestone_table", "nation_table", "programme_table",
           "result_tables", "run_replication", "timeseries_table"]
