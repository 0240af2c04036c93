"""Calendar time: a scenario starts in a year and quarter (declared once, in the schema),
every table has the period beside each step, and any start works - a hindcast from 2014
as well as the 2025 baseline."""

from __future__ import annotations

import pytest

from sim.calendar import Calendar
from sim.cli import main
from sim.loader import apply_overrides
from sim.results import result_tables
from sim.runner import run_model
from sim.schema import Simulation
from tests.conftest import SCENARIOS


def test_the_baseline_starts_in_2025_q1_and_step_0_is_the_quarter_before(baseline):
    series = result_tables(run_model(apply_overrides(baseline, {"simulation.steps": 5}), 1)
                           )["timeseries"]
    assert baseline.simulation.start == "2025Q1"
    assert series[["step", "period"]].values.tolist() == [
        [0, "2024Q4"], [1, "2025Q1"], [2, "2025Q2"], [3, "2025Q3"], [4, "2025Q4"],
        [5, "2026Q1"]]


def test_every_step_column_has_its_period_beside_it(baseline):
    scenario = apply_overrides(baseline, {"simulation.steps": 24, "simulation.start": "2014Q1"})
    tables = result_tables(run_model(scenario, 2))
    calendar = Calendar("2014Q1")
    nations = tables["nations"]
    assert list(nations.columns[:3]) == ["step", "period", "code"]
    assert (nations["period"] == nations["step"].map(calendar.period)).all()
    milestones = tables["milestones"]
    assert not milestones.empty
    assert (milestones["due_period"] == milestones["due_step"].map(calendar.period)).all()
    programmes = tables["programmes"]
    never = programmes["end_step"] == -1
    assert programmes.loc[never, "end_period"].isna().all()
    assert (programmes.loc[~never, "end_period"]
            == programmes.loc[~never, "end_step"].map(calendar.period)).all()
    assert tables["timeseries"]["period"].iloc[-1] == "2019Q4"


@pytest.mark.parametrize(("steps_per_year", "labels"), [
    (4, ["2024Q4", "2025Q1", "2025Q2"]), (12, ["2024-12", "2025-01", "2025-02"]),
    (1, ["2024", "2025", "2026"]), (2, ["2024H2", "2025H1", "2025H2"])])
def test_periods_follow_the_step_length(steps_per_year, labels):
    assert Calendar("2025Q1", steps_per_year).periods(range(3)) == labels


@pytest.mark.parametrize("start", ["2025", "2025Q5", "25Q1", "1850Q1", "2025-01-01"])
def test_a_start_that_is_not_a_year_and_quarter_is_refused(start):
    with pytest.raises(ValueError, match="expected a year"):
        Simulation(start=start)


def test_a_bad_start_in_a_file_is_one_line_naming_the_field(tmp_path, capsys):
    scenario = tmp_path / "late.yaml"
    scenario.write_text("metadata: {name: late}\nsimulation:\n  steps: 8\n  start: 2025-13\n")
    assert main(["validate", str(scenario)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{scenario}:4:10: simulation.start: ")
    assert "2025Q1" in lines[0]
    assert main(["validate", str(SCENARIOS / "baseline.yaml"), "--set",
                 "simulation.start=2014Q1", "--quiet"]) == 0
