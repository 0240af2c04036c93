"""Results in memory: the model's outputs as pandas DataFrames."""

from typing import Any

from sim.results.load import ComparisonResults, RunResults, SweepResults, load, load_run

# sim.results.tables imports the model (and Mesa): read stored results without them, and
# import the tables module only when one of its functions is asked for.
_TABLES = ("kpi_table", "milestone_table", "nation_table", "programme_table",
           "result_tables", "run_replication", "timeseries_table")

__all__ = ["ComparisonResults", "RunResults", "SweepResults", "load", "load_run", *_TABLES]


def __getattr__(name: str) -> Any:
    if name in _TABLES:
        from sim.results import tables
        return getattr(tables, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
