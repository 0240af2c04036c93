"""Experiments: replications streamed to a run folder, reproducible whatever the number of
workers, resumable after SIGKILL, comparable on common random numbers, and failures
reported and replayable."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from sim.cli.run_command import report
from sim.experiment import runner
from sim.experiment.folder_checks import stamped
from sim.experiment.replay import replay
from sim.experiment.runner import Replications, run_chunk, run_experiment
from sim.experiment.store import TABLES, RunFolder
from sim.loader import apply_overrides
from sim.results import load
from sim.results.tables import run_replication
from sim.writers import build_manifest
from sim.writers.atomic import AtomicParquetWriter
from tests.conftest import ROOT, SCENARIOS

BASELINE = str(SCENARIOS / "baseline.yaml")
SHORT = ["--set", "simulation.steps=8"]


def cli(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *arguments],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)


def assert_same_results(first: Path, second: Path) -> None:
    one, two = load(first), load(second)
    for table in ("timeseries", "nations", "kpis", "programmes", "milestones"):
        pd.testing.assert_frame_equal(getattr(one, table), getattr(two, table),
                                      check_exact=True)
    pd.testing.assert_frame_equal(one.summary, two.summary, check_exact=True)


@pytest.mark.slow
def test_identical_results_with_1_2_and_4_workers(tmp_path):
    folders = []
    for workers in (1, 2, 4):
        folder = tmp_path / f"w{workers}"
        result = cli("run", BASELINE, *SHORT, "--replications", "12", "--workers",
                     str(workers), "--out", str(folder), "--quiet")
        assert result.returncode == 0, result.stderr
        folders.append(folder)
    assert load(folders[0]).kpis["replication"].tolist() == list(range(12))
    for other in folders[1:]:
        assert_same_results(folders[0], other)


def test_run_folder_holds_the_documented_files(tmp_path):
    folder = tmp_path / "run"
    assert cli("run", BASELINE, *SHORT, "--replications", "3", "--out", str(folder),
               "--quiet").returncode == 0
    names = sorted(path.name for path in folder.iterdir())
    assert names == ["columns.csv", "dashboard.html", "kpis.parquet", "manifest.json",
                     "milestones.parquet", "nations.parquet", "programmes.parquet",
                     "summary.csv", "timeseries.parquet"]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["complete"] is True and manifest["replications_done"] == 3
    assert manifest["seeds"]["root"] == 20240617 and manifest["seeds"]["replications"] == 3
    assert len(manifest["config_hash"]) == 64 and manifest["versions"]["numpy"]
    summary = pd.read_csv(folder / "summary.csv")
    assert {"kpi", "mean", "sd", "q05", "q50", "q95", "ci_low", "ci_high"} <= \
        set(summary.columns)
    results = load(folder)
    assert results.complete and len(results.timeseries) == 3 * 9


def test_replications_match_single_runs_with_spawned_seeds(tmp_path, baseline):
    folder = tmp_path / "run"
    assert cli("run", BASELINE, *SHORT, "--replications", "3", "--seed", "5", "--out",
               str(folder), "--quiet").returncode == 0
    scenario = apply_overrides(baseline, {"simulation.steps": 8})
    single = run_replication(scenario, np.random.SeedSequence(5).spawn(3)[2])["kpis"]
    stored = load(folder).kpis
    stored = stored[stored["replication"] == 2].drop(columns="replication")
    pd.testing.assert_frame_equal(stored.reset_index(drop=True), single, check_exact=True)


@pytest.mark.slow
def test_killed_run_resumes_to_the_same_results(tmp_path):
    reference, killed = tmp_path / "reference", tmp_path / "killed"
    arguments = ["run", BASELINE, "--set", "simulation.steps=20", "--replications", "48",
                 "--workers", "2", "--quiet"]
    assert cli(*arguments, "--out", str(reference)).returncode == 0
    process = subprocess.Popen([sys.executable, str(ROOT / "run.py"), *arguments, "--out",
                                str(killed)], cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        parts = list((killed / "parts").glob("kpis-*.parquet")) if \
            (killed / "parts").is_dir() else []
        if len(parts) >= 2:
            break
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)  # the run and its workers, mid-flight
    process.wait()
    manifest = json.loads((killed / "manifest.json").read_text())
    assert manifest["complete"] is False
    resumed = cli("run", "--resume", str(killed), "--workers", "2", "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads((killed / "manifest.json").read_text())["complete"] is True
    assert not (killed / "parts").exists()
    assert_same_results(reference, killed)


def test_comparing_a_scenario_with_itself_gives_exact_zeros(tmp_path):
    out = tmp_path / "compare"
    result = cli("compare", BASELINE, BASELINE, *SHORT, "--replications", "5", "--workers",
                 "2", "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(out / "comparison.csv")
    assert list(table.columns[:6]) == ["kpi", "scenario", "reference", "mean_difference",
                                       "ci_low", "ci_high"]
    assert (table["method"] == "paired").all()
    defined = table[table["n"] > 0]
    assert (defined[["mean_difference", "ci_low", "ci_high"]] == 0.0).all().all()
    # In 8 quarters no milestone falls due: the rate is undefined in every pair, not 0.
    assert set(table.loc[table["n"] == 0, "kpi"]) == {"milestone_on_time_rate"}
    assert load(out / "baseline").complete and load(out / "baseline-again").complete


def test_compare_pairs_replications_on_common_random_numbers(tmp_path):
    out = tmp_path / "compare"
    result = cli("compare", BASELINE, str(SCENARIOS / "us_retrenchment.yaml"), *SHORT,
                 "--replications", "6", "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    reference = load(out / "baseline").timeseries
    retrenchment = load(out / "us-retrenchment").timeseries
    # Until the inject in quarter 8 both scenarios see exactly the same random draws.
    before = reference["step"] < 8
    np.testing.assert_array_equal(reference.loc[before, "threat"],
                                  retrenchment.loc[before, "threat"])
    table = pd.read_csv(out / "comparison.csv").set_index("kpi")
    assert table.loc["final_europe_canada_spending", "mean_difference"] > 0


def failing_replication(scenario, seed):
    """A replication function that raises for replication 3 (module level: picklable)."""
    if seed.spawn_key == (3,):
        raise RuntimeError("boom in replication 3")
    return run_replication(scenario, seed)


def test_a_failing_replication_is_reported_and_replayable(tmp_path, baseline, capsys):
    scenario = apply_overrides(baseline, {"simulation.steps": 4})
    folder = tmp_path / "run"
    outcome = run_experiment(scenario, folder, seed=9, replications=6, workers=2,
                             replicate=failing_replication)
    assert [f.index for f in outcome.failures] == [3]
    assert outcome.failures[0].seed == "SeedSequence(entropy=9, spawn_key=(3,))"
    assert "boom in replication 3" in outcome.failures[0].error
    assert report(outcome, folder, quiet=True) == 1
    message = capsys.readouterr().err
    assert "replication 3 failed" in message and f"replay {folder} --replication 3" in message
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["complete"] is False and manifest["failures"][0]["index"] == 3
    assert sorted(load(folder).kpis["replication"]) == [0, 1, 2, 4, 5]
    with pytest.raises(RuntimeError, match="boom in replication 3"):
        replay(folder, 3, replicate=failing_replication)
    replayed = replay(folder, 4)["kpis"]
    stored = load(folder).kpis.set_index("replication").loc[[4]].reset_index(drop=True)
    pd.testing.assert_frame_equal(stored, replayed, check_exact=True)
    # Resuming retries only the failed replication; with a fixed cause the run completes.
    resumed = run_experiment(scenario, folder, seed=9, replications=6, workers=1,
                             resume=True)
    assert resumed.complete and sorted(load(folder).kpis["replication"]) == list(range(6))


def _claimed(tmp_path: Path, scenario, replications: int) -> RunFolder:
    folder = RunFolder(tmp_path / "run")
    folder.claim(build_manifest(scenario, source="", complete=False, timings={},
                                seeds={"root": 9, "replications": replications,
                                       "rule": "test"}))
    return folder


def test_a_chunk_writes_its_nations_rows_as_its_replications_finish(tmp_path, baseline,
                                                                    monkeypatch):
    """A worker holds ROW_GROUP replications' nation rows, not its whole chunk's: the
    part gets a row group every ROW_GROUP replications done (a failed one skipped), and
    stores what one write of the whole chunk stores (rows, types, metadata)."""
    monkeypatch.setattr(runner, "ROW_GROUP", 2)
    scenario = apply_overrides(baseline, {"simulation.steps": 3})
    folder = _claimed(tmp_path, scenario, 6)
    job = Replications(scenario, 9, failing_replication)
    done, failures = run_chunk(folder.path, job, list(range(6)), folder.mark)
    assert done == [0, 1, 2, 4, 5] and [f.index for f in failures] == [3]
    part = folder.parts / "nations-0000000-0000005.parquet"
    assert pq.ParquetFile(part).metadata.num_row_groups == 3  # [0, 1], [2, 4], [5]
    whole = runner._numbered([job.run(index)["nations"] for index in done], done,
                             "replication")
    assert pq.read_table(part).equals(stamped(whole, folder.mark), check_metadata=True)
    assert sorted(p.name for p in folder.parts.iterdir()) == \
        [f"{table}-0000000-0000005.parquet" for table in sorted(TABLES)]


def test_storage_failing_mid_chunk_leaves_no_part_nor_temporary_file(tmp_path, baseline,
                                                                     monkeypatch):
    monkeypatch.setattr(runner, "ROW_GROUP", 1)
    scenario = apply_overrides(baseline, {"simulation.steps": 3})
    folder = _claimed(tmp_path, scenario, 3)
    writes = [0]
    real_write = AtomicParquetWriter.write

    def full_disk_at_the_second(self, table):
        writes[0] += 1
        if writes[0] == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_write(self, table)

    monkeypatch.setattr(AtomicParquetWriter, "write", full_disk_at_the_second)
    with pytest.raises(OSError, match="No space left"):
        run_chunk(folder.path, Replications(scenario, 9), [0, 1, 2], folder.mark)
    assert list(folder.parts.iterdir()) == []


def test_replay_cli_reruns_one_replication(tmp_path):
    folder = tmp_path / "run"
    assert cli("run", BASELINE, *SHORT, "--replications", "2", "--out", str(folder),
               "--quiet").returncode == 0
    result = cli("replay", str(folder), "--replication", "1")
    assert result.returncode == 0 and "final_capability" in result.stdout
    bad = cli("replay", str(folder), "--replication", "7")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("arguments", [
    ["run", BASELINE, "--replications", "0"],
    ["run", BASELINE, "--workers", "0"],
    ["run", "--resume", "/nonexistent/run"],
    ["compare", BASELINE],
])
def test_bad_experiment_flags_are_one_line_and_exit_2(arguments, tmp_path):
    result = cli(*arguments, "--out", str(tmp_path / "out")) if "--resume" not in arguments \
        else cli(*arguments)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_and_says_how_to_resume(tmp_path):
    folder = tmp_path / "run"
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "run.py"), "run", BASELINE, "--set", "simulation.steps=20",
         "--replications", "60", "--workers", "2", "--out", str(folder)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(folder.glob("parts/kpis-*")):
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert f"resume with: python3 run.py run --resume {folder}" in stderr
    assert "Traceback" not in stderr
    assert json.loads((folder / "manifest.json").read_text())["complete"] is False
    resumed = cli("run", "--resume", str(folder), "--quiet")
    assert resumed.returncode == 0 and load(folder).complete
    assert load(folder).kpis["replication"].tolist() == list(range(60))


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["serial", "dask"])
def test_backends_give_the_same_results_as_the_process_pool(tmp_path, backend):
    """The dask backend starts a real LocalCluster on loopback (two worker processes)."""
    pytest.importorskip("dask.distributed")
    reference, other = tmp_path / "process", tmp_path / backend
    common = ["run", BASELINE, *SHORT, "--replications", "6", "--workers", "2", "--quiet"]
    assert cli(*common, "--out", str(reference)).returncode == 0
    result = cli(*common, "--backend", backend, "--out", str(other))
    assert result.returncode == 0, result.stderr
    assert_same_results(reference, other)


@pytest.mark.slow
def test_dask_backend_attaches_to_a_running_cluster(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    reference, attached = tmp_path / "process", tmp_path / "attached"
    common = ["run", BASELINE, *SHORT, "--replications", "4", "--quiet"]
    assert cli(*common, "--out", str(reference)).returncode == 0
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        result = cli(*common, "--backend", "dask", "--scheduler", cluster.scheduler_address,
                     "--out", str(attached))
    assert result.returncode == 0, result.stderr
    assert_same_results(reference, attached)
