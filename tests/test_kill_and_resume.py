"""A kill at any instant loses nothing: after a resume the tables are those of a run that
was never interrupted - whether the kill came while replications ran, while the tables
were gathered, while the parts were cleaned up or while the dashboard was drawn. And a
resume trusts nothing it has not checked: a folder whose manifest was swapped, edited or
given another seed is refused in one line."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import wait
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main
from sim.experiment.store import TABLES
from sim.results import load
from tests.conftest import ROOT, SCENARIOS, TINY, stopped_before_gathering

BASELINE = str(SCENARIOS / "baseline.yaml")


def assert_same_tables(reference: Path, other: Path) -> None:
    one, two = load(reference), load(other)
    assert two.complete
    for table in TABLES:
        pd.testing.assert_frame_equal(getattr(one, table), getattr(two, table),
                                      check_exact=True, obj=f"{other.name}/{table}")
    pd.testing.assert_frame_equal(one.summary, two.summary, check_exact=True)


def folder_files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


@pytest.mark.slow
def test_a_kill_before_any_file_operation_is_finished_by_resume(tmp_path):
    """Exhaustive: a kill before each change to the folder (tests/kill_points.py), from
    claiming it to the last byte of the dashboard, then a resume."""
    out = tmp_path / "kills"
    result = subprocess.run([sys.executable, "-m", "tests.kill_points", str(out)],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    kills = json.loads((out / "kills.json").read_text())
    assert len(kills) > 25  # claim, parts, gather, summary, manifest, clean-up, dashboard
    phases = {name for after in kills.values() for name in after["after_kill"]}
    assert {"parts", "summary.csv", "kpis.parquet"} <= phases  # killed in every phase
    reference = out / "reference"
    for k, kill in kills.items():
        folder = out / f"killed-{k}"
        assert kill["resume"] == 0, (k, kill)
        assert_same_tables(reference, folder)
        assert folder_files(folder) == folder_files(reference), (k, kill)


@pytest.mark.slow
def test_sigkill_at_random_instants_then_resume_gives_identical_tables(tmp_path):
    """The real thing: the whole process group (the run and its pool workers) killed
    three times at random instants, each resume picking up where the last left off."""
    arguments = ["run", BASELINE, "--set", "simulation.steps=8", "--replications", "32",
                 "--workers", "2", "--quiet"]
    reference, killed = tmp_path / "reference", tmp_path / "killed"
    assert main([*arguments, "--out", str(reference)]) == 0
    chance = random.Random(14)
    command = [*arguments, "--out", str(killed)]
    for _ in range(3):
        process = subprocess.Popen([sys.executable, str(ROOT / "run.py"), *command],
                                   cwd=ROOT, start_new_session=True,
                                   stderr=subprocess.DEVNULL)
        time.sleep(chance.uniform(0.5, 3.5))  # when to kill; the outcome must not matter
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        if (killed / "manifest.json").is_file():  # else killed before it claimed the folder
            command = ["run", "--resume", str(killed), "--workers", "2", "--quiet"]
    assert main(command) == 0  # the last resume, or a run never killed after its claim
    assert_same_tables(reference, killed)
    assert folder_files(killed) == folder_files(reference)


EDITS = {
    "another scenario's manifest": lambda folder, other: shutil.copy(
        other / "manifest.json", folder / "manifest.json"),
    "a changed seed": lambda folder, other: edit(folder, ("seeds", "root"), 99),
    "a changed number of replications": lambda folder, other: edit(
        folder, ("seeds", "replications"), 2),
    "an edited scenario (stale config_hash)": lambda folder, other: edit(
        folder, ("scenario", "alliance", "governance"), "consensus"),
}


def edit(folder: Path, path: tuple[str, ...], value) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    node = manifest
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    (folder / "manifest.json").write_text(json.dumps(manifest))


@pytest.mark.parametrize("change", sorted(EDITS))
def test_resume_refuses_a_folder_whose_manifest_does_not_match_its_parts(
        tmp_path, capsys, monkeypatch, change):
    folder, other = tmp_path / "run", tmp_path / "other"
    stopped_before_gathering(folder, monkeypatch)
    stopped_before_gathering(other, monkeypatch, SCENARIOS / "baseline.yaml", "--set",
                             "simulation.steps=3")
    EDITS[change](folder, other)
    before = {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}
    capsys.readouterr()
    assert main(["run", "--resume", str(folder), "--workers", "1", "--quiet"]) == 2
    error = capsys.readouterr().err
    assert len(error.strip().splitlines()) == 1 and "Traceback" not in error, error
    assert "refusing" in error
    after = {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()
             and path.name != ".lock"}
    assert after == {path: data for path, data in before.items() if path.name != ".lock"}


def test_a_stopped_run_says_how_many_replications_it_stored(tmp_path, capsys,
                                                             monkeypatch):
    """Ctrl-C while chunks run on a process pool: the chunks already running finish and
    are stored after the signal. The line saying what was saved counts them, as the
    manifest does (it gave only those collected before the signal)."""
    waits = []

    def stopped_at_second_wait(*args, **kwargs):
        waits.append(1)
        if len(waits) == 2:
            raise KeyboardInterrupt
        return wait(*args, **kwargs)
    monkeypatch.setattr("sim.experiment.runner.wait", stopped_at_second_wait)
    folder = tmp_path / "run"
    status = main(["run", str(TINY), "--replications", "40", "--workers", "2",
                   "--backend", "process", "--quiet", "--out", str(folder)])
    assert status == 130
    stored = sum(len(pd.read_parquet(part, columns=["replication"]))
                 for part in (folder / "parts").glob("kpis-*"))
    assert json.loads((folder / "manifest.json").read_text())["replications_done"] == stored
    assert f"; {stored} of 40 replications saved in {folder};" in capsys.readouterr().err


def test_resume_of_a_complete_run_redraws_a_missing_dashboard(tmp_path, capsys):
    """A kill during the dashboard step leaves a complete run without its page."""
    folder = tmp_path / "run"
    assert main(["run", str(TINY), "--replications", "2", "--workers", "1", "--quiet",
                 "--out", str(folder)]) == 0
    (folder / "dashboard.html").unlink()
    assert main(["run", "--resume", str(folder), "--quiet"]) == 0
    assert (folder / "dashboard.html").is_file()
