"""Stored tables are encoded for cheap writing and read back in order and in bounded
batches, with the same values whatever their layout on disk."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.results.load import _batches, in_order
from sim.writers import write_arrow


def test_float_columns_are_stored_without_a_dictionary_and_the_rest_with_one(tmp_path):
    file = tmp_path / "table.parquet"
    write_arrow(file, pa.table({"step": np.arange(4), "code": ["DEU", "FRA", "DEU", "FRA"],
                                "gdp_usd_bn": [1.5, 2.5, 1.5, 2.5]}))
    group = pq.ParquetFile(file).metadata.row_group(0)
    dictionary = {group.column(index).path_in_schema: group.column(index).has_dictionary_page
                  for index in range(group.num_columns)}
    assert dictionary == {"step": True, "code": True, "gdp_usd_bn": False}
    assert pq.read_table(file).equals(pa.table({
        "step": np.arange(4), "code": ["DEU", "FRA", "DEU", "FRA"],
        "gdp_usd_bn": [1.5, 2.5, 1.5, 2.5]}))


def test_rows_in_order_are_told_from_rows_out_of_order_on_any_key():
    frame = pd.DataFrame({"replication": [0, 0, 1, 1], "step": [0, 1, 0, 1],
                          "code": ["A", "B", "A", "B"]})
    assert in_order(frame, ["replication", "step"])
    assert in_order(frame.iloc[:1], ["replication", "step"])
    assert not in_order(frame.iloc[[1, 0, 2, 3]], ["replication", "step"])
    assert not in_order(frame.iloc[[0, 1, 3, 2]], ["replication", "step"])
    assert not in_order(frame.iloc[[2, 3, 0, 1]], ["replication", "step"])
    # Ties on the first key are ordered by the next.
    assert not in_order(pd.DataFrame({"replication": [0, 0], "code": ["B", "A"]}),
                        ["replication", "code"])


def test_batches_hold_the_same_rows_whatever_the_row_groups(tmp_path):
    table = pa.table({"step": np.arange(23), "value": np.arange(23) * 0.5})
    for row_group_size in (4, 7, 23):
        file = tmp_path / f"groups-{row_group_size}.parquet"
        pq.write_table(table, file, row_group_size=row_group_size)
        batches = list(_batches(file, ["step", "value"], size=5))
        assert [batch.num_rows for batch in batches] == [5, 5, 5, 5, 3]
        assert pa.concat_tables(batches).equals(table)
