"""Every output has a label and a unit, declared once (sim/outputs.py), and KPIs that are
not defined in every run are stored and summarised as what they are: a delivery that never
came is not "horizon + 1 quarters", and a rate over nothing due is not 0 %."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.experiment.statistics import kpi_summary, paired_differences, welch_differences
from sim.loader import apply_overrides
from sim.outputs import KPIS, Censoring, describe, markdown_reference
from sim.results import result_tables
from sim.runner import run_model
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def tables(baseline) -> dict[str, pd.DataFrame]:
    return result_tables(run_model(apply_overrides(baseline, {"simulation.steps": 24}), 3))


def test_every_column_of_every_table_has_a_label_and_a_unit(tables, baseline):
    areas = [area.name for area in baseline.alliance.areas]
    for name, table in tables.items():
        for column in table.columns:
            output = describe(column, name, areas)  # KeyError: a column nobody declared
            assert output.label and output.unit.name and output.description, \
                f"{name}.{column}"


def test_every_kpi_the_model_reports_is_declared_and_every_declared_one_reported(tables):
    assert list(tables["kpis"].columns) == list(KPIS)


def test_per_area_columns_are_declared_for_any_area_name(baseline):
    scenario = apply_overrides(baseline, {"simulation.steps": 2, "alliance.areas": [
        {"name": "space"}, {"name": "cyber_defence"}]})
    series = result_tables(run_model(scenario, 1))["timeseries"]
    assert describe("capability_cyber_defence").unit.name == "capability units"
    assert all(describe(column, areas=["space", "cyber_defence"]).unit.name
               for column in series.columns)


def test_an_undeclared_column_is_an_error():
    with pytest.raises(KeyError):
        describe("final_happiness", "kpis")
    # A new timeseries figure is not taken for a per-area one of an area that is not there.
    with pytest.raises(KeyError):
        describe("capacity_utilisation", "timeseries", areas=["naval", "armour"])
    assert describe("capacity_naval", areas=["naval"]).unit.name == \
        "equipment units per quarter"


def test_censoring_is_declared_only_where_a_kpi_can_be_undefined():
    censored = {name for name, output in KPIS.items()
                if output.censoring is not Censoring.NONE}
    assert censored == {"time_to_first_joint_delivery", "milestone_on_time_rate",
                        "unit_cost", "cost_per_effective_capability"}


def test_outputs_reference_is_up_to_date():
    shipped = (ROOT / "docs" / "OUTPUTS.md").read_text(encoding="utf-8")
    assert shipped == markdown_reference(), \
        "regenerate: python3 run.py schema --outputs > docs/OUTPUTS.md"


# ---------------------------------------------------------------- censoring rules
def test_a_run_without_a_joint_delivery_has_no_time_to_it_not_horizon_plus_one(baseline):
    """Rule NOT_REACHED: the time is undefined (NaN) and the companion flag says 0."""
    never = run_model(apply_overrides(baseline, {
        "simulation.steps": 6, "alliance.pathways.pooled.enabled": False}), 1).kpis()
    assert math.isnan(never["time_to_first_joint_delivery"])
    assert never["joint_delivery_achieved"] == 0.0
    delivered = run_model(apply_overrides(baseline, {"simulation.steps": 24}), 1).kpis()
    assert 1 <= delivered["time_to_first_joint_delivery"] <= 24
    assert delivered["joint_delivery_achieved"] == 1.0


def test_not_reached_runs_are_counted_and_left_out_of_the_mean_and_median():
    kpis = pd.DataFrame({"replication": range(4),
                         "time_to_first_joint_delivery": [5.0, 9.0, np.nan, np.nan],
                         "joint_delivery_achieved": [1.0, 1.0, 0.0, 0.0]})
    summary = kpi_summary(kpis).set_index("kpi")
    time = summary.loc["time_to_first_joint_delivery"]
    assert (time["n"], time["excluded"], time["mean"], time["q50"]) == (2, 2, 7.0, 7.0)
    assert time["censoring"] == Censoring.NOT_REACHED.value
    assert summary.loc["joint_delivery_achieved", "mean"] == 0.5  # the share that did


def test_a_rate_with_nothing_due_is_undefined_not_zero(baseline):
    """Rule UNDEFINED: no milestone falls due in four quarters."""
    model = run_model(apply_overrides(baseline, {"simulation.steps": 4}), 1)
    assert model.kpis()["milestones_due"] == 0.0
    assert math.isnan(model.kpis()["milestone_on_time_rate"])
    series = model.datacollector.get_model_vars_dataframe()["milestone_on_time_rate"]
    assert series.isna().all()


def test_undefined_rates_are_counted_and_left_out_of_means_and_intervals():
    kpis = pd.DataFrame({"replication": range(4),
                         "milestone_on_time_rate": [0.5, np.nan, 1.0, 0.75]})
    row = kpi_summary(kpis).set_index("kpi").loc["milestone_on_time_rate"]
    assert (row["n"], row["excluded"], row["mean"]) == (3, 1, 0.75)
    assert row["ci_low"] < 0.75 < row["ci_high"]
    assert row["unit"] == "share 0-1" and row["label"] == "Milestones on time"


def test_paired_differences_leave_out_pairs_with_an_undefined_value():
    reference = pd.DataFrame({"replication": range(4),
                              "milestone_on_time_rate": [0.5, np.nan, 0.5, 0.5]})
    other = pd.DataFrame({"replication": range(4),
                          "milestone_on_time_rate": [0.7, 0.9, np.nan, 0.6]})
    row = paired_differences(reference, other, "a", "b").iloc[0]
    assert (row["n"], row["excluded"]) == (2, 2)
    assert row["mean_difference"] == pytest.approx(0.15)


def test_welch_interval_matches_scipy_for_independent_samples():
    from scipy import stats

    generator = np.random.default_rng(0)
    first, second = generator.normal(10, 1, 12), generator.normal(11, 3, 8)
    row = welch_differences(pd.DataFrame({"replication": range(12), "final_cohesion": first}),
                            pd.DataFrame({"replication": range(8), "final_cohesion": second}),
                            "a", "b").iloc[0]
    result = stats.ttest_ind(second, first, equal_var=False)
    low, high = result.confidence_interval(0.95)
    assert row["method"] == "welch"
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))
    assert row["mean_difference"] == pytest.approx(second.mean() - first.mean())
    assert (row["n_reference"], row["n_scenario"]) == (12, 8)


def test_one_replication_gives_no_interval_rather_than_a_zero_width_one():
    row = kpi_summary(pd.DataFrame({"replication": [0], "final_cohesion": [0.8]})).iloc[0]
    assert math.isnan(row["ci_low"]) and math.isnan(row["ci_high"])
