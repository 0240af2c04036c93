"""Stored tables are encoded for cheap writing and read back in order and in bounded
batches, with the same values whatever their layout on disk."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.results.load import _batches, in_order, nation_summaries
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


def test_nation_summaries_group_by_code_as_its_strings_do_whatever_the_row_groups(tmp_path):
    """The codes are read as categories (each row group with its own dictionary, in the
    order codes first appear): the sums come out named and ordered by the code strings,
    and the rows at the horizon keep their codes as strings."""
    rng = np.random.default_rng(7)
    codes = ["USA", "DEU", "ALB", "POL"]
    rows = pd.DataFrame({"step": np.repeat(np.arange(6), 4), "code": codes * 6,
                         "gdp_usd_bn": rng.random(24), "defence_pct_gdp": rng.random(24),
                         "spend_national": rng.random(24)})
    rows = rows.sample(frac=1.0, random_state=3).reset_index(drop=True)
    pq.write_table(pa.Table.from_pandas(rows, preserve_index=False),
                   tmp_path / "nations.parquet", row_group_size=5)
    sums, at_horizon = nation_summaries(tmp_path, horizon=5)
    expected = rows[rows["step"] > 0].groupby("code")[["spend_national"]].sum()
    pd.testing.assert_frame_equal(sums, expected, check_exact=True)
    pd.testing.assert_frame_equal(
        at_horizon, rows.loc[rows["step"] == 5, ["code", "gdp_usd_bn", "defence_pct_gdp"]]
        .reset_index(drop=True), check_exact=True)
