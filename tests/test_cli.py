"""The command line: runs write complete run folders; bad input is one line, exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import ROOT

BASELINE = str(ROOT / "scenarios" / "baseline.yaml")


def run_cli(*arguments: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *arguments],
                          capture_output=True, text=True, cwd=cwd or ROOT, timeout=300)


def test_run_writes_parquet_tables_and_manifest(tmp_path):
    out = tmp_path / "run"
    result = run_cli(BASELINE, "--seed", "3", "--out", str(out), "--set", "simulation.steps=8",
                     "--replications", "1")
    assert result.returncode == 0, result.stderr
    assert f"results written to {out}" in result.stdout
    # Headline KPIs with their units, the calendar span of the run.
    assert "Final effective capability (capability units)" in result.stdout
    assert "(2025 Q1 to 2026 Q4)" in result.stdout
    for name in ("timeseries", "nations", "kpis", "programmes", "milestones"):
        assert (out / f"{name}.parquet").is_file()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["complete"] is True
    assert manifest["seeds"] == {**manifest["seeds"], "root": 3, "replications": 1}
    assert manifest["scenario"]["simulation"]["steps"] == 8
    assert manifest["versions"]["mesa"]
    series = pd.read_parquet(out / "timeseries.parquet")
    nations = pd.read_parquet(out / "nations.parquet")
    assert len(series) == 9 and series["step"].tolist() == list(range(9))
    assert (series["replication"] == 0).all()
    assert len(nations) == 9 * 32
    assert not list(tmp_path.glob(".*partial*"))


def test_default_folder_is_under_results(tmp_path):
    result = run_cli(BASELINE, "--set", "simulation.steps=2", "--replications", "2", "--quiet",
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    folders = list((tmp_path / "results" / "baseline").iterdir())
    assert len(folders) == 1 and (folders[0] / "manifest.json").is_file()


@pytest.mark.parametrize(("arguments", "expected"), [
    (["missing.yaml"], "missing.yaml: file not found"),
    ([BASELINE, "--seed", "x"], "invalid int value"),
    ([BASELINE, "--seed", "-4"], "--seed -4"),
    ([BASELINE, "--set", "alliance.governance=bogus"], "alliance.governance"),
    ([BASELINE, "--set", "simulation.steps=0"], "simulation.steps"),
    ([BASELINE, "--set", "novalue"], "expected dotted.path=value"),
    ([BASELINE, "--set", 'metadata.name="\\ud800"'], "\\ud800 is a lone surrogate"),
    ([BASELINE, "--bogus-flag"], "unrecognized arguments"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, arguments, expected):
    out = tmp_path / "out"
    result = run_cli(*arguments, "--out", str(out))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_an_output_folder_named_in_bytes_that_are_not_utf8_is_refused_before_writing(
        tmp_path):
    out = os.fsencode(tmp_path) + b"/caf\xe9"  # a name Linux allows and Parquet refuses
    result = subprocess.run([sys.executable, str(ROOT / "run.py"), BASELINE, "--set",
                             "simulation.steps=2", "--replications", "1", "--out", out],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().endswith("caf\\xe9: the name is not UTF-8 text; Parquet "
                                          "tables cannot be written there")
    assert list(tmp_path.iterdir()) == []


def test_refuses_a_non_empty_output_folder(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    result = run_cli(BASELINE, "--out", str(tmp_path))
    assert result.returncode == 2 and "not empty" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_refuses_a_file_as_output_folder(tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    result = run_cli(BASELINE, "--out", str(target))
    assert result.returncode == 2 and "not a folder" in result.stderr


def test_help_has_examples_written_as_the_readme_writes_commands():
    result = run_cli("--help")
    assert result.returncode == 0 and "examples:" in result.stdout
    assert "  python3 run.py compare results/baseline/<run-id>" in result.stdout
    assert "python run.py" not in result.stdout


def test_version_is_printed():
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"alliance-sim {metadata.version('alliance-sim')}"


def test_the_installed_command_calls_itself_alliance_sim():
    command = Path(sys.executable).with_name("alliance-sim")
    if not command.is_file():
        pytest.skip("the package is not installed in this interpreter's environment")
    result = subprocess.run([str(command), "sweep", "--help"], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: alliance-sim sweep")
    assert "  alliance-sim sweep scenarios/experiments/governance_and_trust.yaml" in \
        result.stdout and "run.py" not in result.stdout
