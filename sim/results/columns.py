"""``columns.csv``: the label, unit and meaning of every column of every table in a run or
sweep folder (sim/outputs.py; a sweep's inputs from the schema), so that a reader of the
Parquet files or of ``points.csv`` needs nothing else to know what a number is."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from sim.experiment.folder_checks import read_csv
from sim.outputs import Output, Unit
from sim.outputs import describe as describe_output
from sim.writers import write_csv

UNDECLARED = Unit("unit not declared", "unit not declared")
Describe = Callable[[str, str], Output]


def run_column(table: str, column: str) -> Output:
    """A run folder's column as sim/outputs.py declares it."""
    try:
        return describe_output(column, table)
    except KeyError:
        return Output(column, column.replace("_", " "), UNDECLARED, "")


def _row(table: str, output: Output) -> dict[str, str]:
    return {"table": table, "column": output.name, "label": output.label,
            "unit": output.unit.name, "description": output.description,
            "censoring": "" if output.censoring.value == "none" else output.censoring.value}


def write_columns(folder: Path, describe: Describe = run_column) -> None:
    """Describe every column of the folder's Parquet tables and CSV summaries that have
    one column per figure (a sweep's ``points.csv``, a hindcast's ``hindcast.csv``)."""
    rows = []
    for file in sorted(folder.glob("*.parquet")):
        table = file.stem
        rows += [_row(table, describe(table, column))
                 for column in pq.read_schema(file).names if column != "__index_level_0__"]
    for table in ("points", "hindcast"):
        file = folder / f"{table}.csv"
        if file.is_file():
            rows += [_row(table, describe(table, column)) for column in read_csv(file).columns]
    write_csv(folder / "columns.csv", pd.DataFrame(rows))
