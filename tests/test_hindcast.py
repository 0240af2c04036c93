"""``python3 run.py hindcast RUN_DIR`` scores a stored run of the 2014-2024 hindcast against
NATO's 2024 figures: it prints every score with its unit, writes hindcast.csv (its columns
described in columns.csv) and hindcast.html, and refuses anything but a complete run that
starts at the end of 2014 and reaches the end of 2024 - in one line, exit status 2,
writing nothing."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main
from sim.outputs import HINDCAST
from tests.conftest import SCENARIOS

HINDCAST_SCENARIO = str(SCENARIOS / "hindcast_2014.yaml")


@pytest.fixture(scope="module")
def hindcast_run(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hindcast") / "run"
    assert main(["run", HINDCAST_SCENARIO, "--replications", "3", "--workers", "1",
                 "--out", str(folder), "--quiet"]) == 0
    return folder


@pytest.fixture(scope="module")
def scored(hindcast_run) -> str:
    """The command's output on the hindcast run (the files stay in the folder)."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["hindcast", str(hindcast_run)]) == 0
    return printed.getvalue()


def test_hindcast_prints_every_score_with_its_unit(scored):
    for text in ("mean absolute error", "root mean square error",
                 "rank correlation of increases", "allies at 2 % or more",
                 "Europe and Canada", "largest errors", "in-sample"):
        assert text in scored, text
    assert scored.count("pp of GDP") >= 2 + 5  # MAE, RMSE and the five largest errors
    assert "of 30" in scored  # the allies with figures for both years


def test_hindcast_writes_one_row_per_ally_with_declared_columns(hindcast_run, scored):
    table = pd.read_csv(hindcast_run / "hindcast.csv")
    assert list(table.columns) == list(HINDCAST)
    assert len(table) == 30 and "SWE" not in set(table["code"])  # no 2014 figure
    assert (table["model_q05"] <= table["model_median"]).all()
    assert (table["model_median"] <= table["model_q95"]).all()
    assert table["error"].to_numpy() == pytest.approx(
        (table["model_mean"] - table["observed"]).to_numpy())
    poland = table.set_index("code").loc["POL"]
    assert poland["start"] == 1.88 and poland["observed"] == 4.12  # NATO 2014 and 2024
    columns = pd.read_csv(hindcast_run / "columns.csv")
    described = columns[columns["table"] == "hindcast"]
    assert list(described["column"]) == list(HINDCAST)
    assert (described["unit"] != "unit not declared").all()
    assert (hindcast_run / "hindcast.html").is_file()


def _refused(folder: Path, capsys, *more: str) -> str:
    capsys.readouterr()
    assert main(["hindcast", str(folder), *more]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and error.startswith("error: "), error
    assert not (folder / "hindcast.csv").exists() and not (folder / "hindcast.html").exists()
    return error


def _one_replication(scenario: str, setting: str, folder: Path) -> Path:
    assert main(["run", scenario, "--set", setting, "--replications", "1", "--workers", "1",
                 "--out", str(folder), "--quiet"]) == 0
    return folder


def test_a_run_of_another_scenario_is_refused_in_one_line(tmp_path, capsys):
    folder = _one_replication(str(SCENARIOS / "baseline.yaml"), "simulation.steps=2",
                              tmp_path / "baseline")
    assert "not a hindcast from the end of 2014" in _refused(folder, capsys)


def test_another_scenario_moved_to_a_2015_start_is_refused(tmp_path, capsys):
    """The calendar alone does not make a hindcast: the allies must start from NATO's
    2014 shares."""
    folder = _one_replication(str(SCENARIOS / "baseline.yaml"), "simulation.start=2015Q1",
                              tmp_path / "moved")
    assert "do not start from NATO's 2014 shares" in _refused(folder, capsys)


def test_a_hindcast_that_stops_before_2024_is_refused(tmp_path, capsys):
    folder = _one_replication(HINDCAST_SCENARIO, "simulation.steps=8", tmp_path / "short")
    assert "before 2024 Q4" in _refused(folder, capsys)


def test_an_incomplete_run_is_refused_with_how_to_finish_it(hindcast_run, tmp_path, capsys):
    folder = tmp_path / "incomplete"
    shutil.copytree(hindcast_run, folder,
                    ignore=shutil.ignore_patterns("hindcast.*", "columns.csv"))
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["complete"] = False
    (folder / "manifest.json").write_text(json.dumps(manifest))
    assert "--resume" in _refused(folder, capsys)


def test_a_missing_folder_or_bad_observed_file_is_refused(hindcast_run, tmp_path, capsys):
    _refused(tmp_path / "nothing-here", capsys)
    bad = tmp_path / "observed.csv"
    bad.write_text("code,share\nPOL,4.1\n")
    folder = tmp_path / "copy"
    shutil.copytree(hindcast_run, folder, ignore=shutil.ignore_patterns("hindcast.*"))
    assert "defence_pct_gdp" in _refused(folder, capsys, "--observed", str(bad))
    elsewhere = tmp_path / "elsewhere.csv"
    elsewhere.write_text("code,defence_pct_gdp\nXXX,2.0\nPOL,4.12\n")
    assert "need at least 3" in _refused(folder, capsys, "--observed", str(elsewhere))
    twice = tmp_path / "twice.csv"
    twice.write_text("code,defence_pct_gdp\nPOL,4.12\nPOL,3.0\nUSA,3.38\nDEU,2.1\n")
    assert "POL has more than one row" in _refused(folder, capsys, "--observed", str(twice))
    a_folder = tmp_path / "a-folder.csv"
    a_folder.mkdir()
    assert "not a file" in _refused(folder, capsys, "--observed", str(a_folder))


def test_hindcast_page_axes_have_units_and_time_runs_on_dates(hindcast_run, scored,
                                                               browser):
    dashboards = pytest.importorskip("tests.test_dashboards")
    if dashboards.CHROMIUM is None:
        pytest.skip("no Chromium on this machine (Debian: apt-get install chromium)")
    seen = dashboards.open_page(browser, hindcast_run / "hindcast.html")
    assert seen["errors"] == [] and seen["requests"] and \
        all(url.startswith("file://") for url in seen["requests"])
    panels = {panel["id"]: panel for panel in seen["panels"]}
    assert set(panels) == {"panel-hindcast-scatter", "panel-hindcast-errors",
                           "panel-hindcast-europe-canada"}
    assert all(panel["points"] > 0 for panel in panels.values())
    assert dashboards.axis_problems(seen["panels"]) == []
    assert any(axis["type"] == "date"
               for axis in panels["panel-hindcast-europe-canada"]["axes"])
    assert "NATO (observed)" in panels["panel-hindcast-europe-canada"]["names"]
    assert "mean absolute error" in seen["text"]


def test_nato_figures_are_found_beside_the_scenario_from_any_working_folder(
        tmp_path, monkeypatch, capsys):
    """The run names its scenario file as it was given (scenarios/...), relative to the
    folder it was started in; the command finds the data from elsewhere too."""
    project = tmp_path / "project"
    shutil.copytree(SCENARIOS, project / "scenarios")
    monkeypatch.chdir(project)
    assert main(["run", "scenarios/hindcast_2014.yaml", "--replications", "1",
                 "--workers", "1", "--out", "results/hindcast", "--quiet"]) == 0
    monkeypatch.chdir(tmp_path)
    assert main(["hindcast", str(project / "results" / "hindcast")]) == 0
    assert "mean absolute error" in capsys.readouterr().out


def test_an_observed_figure_that_is_not_a_share_is_refused_at_its_line(hindcast_run,
                                                                      tmp_path, capsys):
    """A typo in one ally's cell must not drop that ally silently out of every score."""
    shipped = (SCENARIOS / "data" / "nato_defence_expenditure_2024.csv").read_text()
    folder = tmp_path / "copy"
    shutil.copytree(hindcast_run, folder, ignore=shutil.ignore_patterns("hindcast.*"))
    lines = shipped.splitlines()
    number = next(n for n, line in enumerate(lines, 1) if ",POL," in line)
    for typo in ("4.12x", "-4.12"):
        lines[number - 1] = lines[number - 1].replace(",4.12,", f",{typo},")
        observed = tmp_path / "observed.csv"
        observed.write_text("\n".join(lines) + "\n")
        assert _refused(folder, capsys, "--observed", str(observed)).strip() == (
            f"error: {observed}:{number}: POL: defence_pct_gdp: expected a share of GDP in "
            f"percent, 0 or more, or an empty cell (got {typo})")
        lines = shipped.splitlines()
