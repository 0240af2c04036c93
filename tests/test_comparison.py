"""Comparing stored runs without re-running them: paired differences where the runs share
their seeds (common random numbers), Welch's interval where they do not - and the folder,
the terminal and the page say which; ``sim.results.load`` opens compare and sweep folders
as well as run folders."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from sim.cli import main
from sim.outputs import HEADLINE_KPIS
from sim.outputs import kpi as describe_kpi
from sim.results import ComparisonResults, RunResults, SweepResults, load
from tests.conftest import SCENARIOS

SHORT = ["--set", "simulation.steps=12", "--quiet", "--workers", "1"]


def cli(*arguments: str) -> SimpleNamespace:
    """The command line, in this process (its start-up would cost more than the runs)."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(list(arguments))
    return SimpleNamespace(returncode=status, stdout=out.getvalue(), stderr=err.getvalue())


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("stored")
    folders = {"baseline": base / "baseline", "retrenchment": base / "retrenchment",
               "other_seed": base / "other-seed"}
    for name, scenario, extra in (
            ("baseline", "baseline.yaml", []),
            ("retrenchment", "us_retrenchment.yaml", []),
            ("other_seed", "us_retrenchment.yaml", ["--seed", "99"])):
        result = cli("run", str(SCENARIOS / scenario), *SHORT, "--replications", "6",
                     *extra, "--out", str(folders[name]))
        assert result.returncode == 0, result.stderr
    return folders


def test_stored_runs_on_the_same_seed_are_paired_and_on_others_compared_by_welch(
        runs, tmp_path):
    out = tmp_path / "compare"
    result = cli("compare", str(runs["baseline"]), str(runs["retrenchment"]),
                 str(runs["other_seed"]), "--out", str(out))
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(out / "comparison.csv")
    methods = table.groupby("scenario")["method"].unique().to_dict()
    assert methods == {"us-retrenchment": ["paired"], "us-retrenchment-again": ["welch"]}
    assert "paired on 6 replications with common random numbers" in result.stdout
    assert "Welch's interval for independent samples" in result.stdout
    # Nothing was re-run: the run folders are referenced where they are.
    manifest = json.loads((out / "manifest.json").read_text())
    assert [(out / entry["path"]).resolve() for entry in manifest["runs"]] == [
        runs[name].resolve() for name in ("baseline", "retrenchment", "other_seed")]
    assert (out / "comparison.html").is_file() and not (out / "baseline").exists()


def test_the_terminal_shows_every_headline_kpi_with_unit_difference_and_verdict(
        runs, tmp_path):
    result = cli("compare", str(runs["baseline"]), str(runs["retrenchment"]), "--out",
                 str(tmp_path / "compare"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for kpi in HEADLINE_KPIS:
        title = describe_kpi(kpi).axis_title
        row = next((line for line in lines if line.strip().startswith(title)), None)
        assert row is not None, (kpi, result.stdout)
        assert row.rstrip().split()[-1] in ("yes", "no") or "left out" in row
    assert "excludes 0" in result.stdout
    # Spending is the largest effect of US retrenchment; it must be in the table.
    spending = next(line for line in lines if "Total defence spending (USD bn)" in line)
    assert " yes" in spending and "%" in spending


def test_load_opens_compare_sweep_and_run_folders(runs, tmp_path):
    out = tmp_path / "compare"
    assert cli("compare", str(runs["baseline"]), str(runs["retrenchment"]), "--out",
               str(out), "--quiet").returncode == 0
    comparison = load(out)
    assert isinstance(comparison, ComparisonResults)
    assert list(comparison.runs) == ["baseline", "us-retrenchment"]
    assert comparison.reference == "baseline"
    assert set(comparison.differences["kpi"]) >= set(HEADLINE_KPIS)
    assert not comparison.runs["us-retrenchment"].timeseries.empty
    assert isinstance(load(runs["baseline"]), RunResults)
    sweep = tmp_path / "sweep"
    result = cli("sweep", str(SCENARIOS / "experiments" / "ishigami_check.yaml"),
                 "--samples", "4", "--out", str(sweep), "--quiet", "--workers", "1")
    assert result.returncode == 0, result.stderr
    loaded = load(sweep)
    assert isinstance(loaded, SweepResults) and loaded.complete
    assert loaded.inputs == ["x1", "x2", "x3"] and len(loaded.kpis) == len(loaded.design)
    assert {"x1", "y"} <= set(loaded.points.columns)


def test_a_compare_folder_made_from_scenarios_loads_too(tmp_path):
    out = tmp_path / "compare"
    result = cli("compare", str(SCENARIOS / "baseline.yaml"),
                 str(SCENARIOS / "us_retrenchment.yaml"), *SHORT, "--replications", "3",
                 "--out", str(out))
    assert result.returncode == 0, result.stderr
    comparison = load(out)
    assert list(comparison.runs) == ["baseline", "us-retrenchment"]
    assert (comparison.differences["method"] == "paired").all()


@pytest.mark.parametrize(("make", "expected"), [
    ("sweep", "a sweep folder"), ("missing", "not a run folder"),
    ("mixed", "scenario files or run folders, not both"),
    ("options", "compared as stored")])
def test_comparing_what_is_not_two_stored_runs_is_one_line_and_exit_2(
        runs, tmp_path, make, expected):
    arguments = {
        "sweep": [str(runs["baseline"]), str(tmp_path)],
        "missing": [str(runs["baseline"]), str(tmp_path / "nothing")],
        "mixed": [str(runs["baseline"]), str(SCENARIOS / "baseline.yaml")],
        "options": [str(runs["baseline"]), str(runs["retrenchment"]), "--replications", "3"],
    }[make]
    if make == "sweep":
        (tmp_path / "manifest.json").write_text(json.dumps({"kind": "sweep"}))
    if make == "missing":
        (tmp_path / "nothing").mkdir()
    result = cli("compare", *arguments, "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], result.stderr
    assert not (tmp_path / "out").exists()


def test_an_incomplete_run_is_refused_with_how_to_finish_it(runs, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    manifest = json.loads((runs["baseline"] / "manifest.json").read_text())
    (broken / "manifest.json").write_text(json.dumps({**manifest, "complete": False}))
    result = cli("compare", str(runs["baseline"]), str(broken), "--out", str(tmp_path / "o"))
    assert result.returncode == 2
    assert "incomplete" in result.stderr and f"run --resume {broken}" in result.stderr
