"""Run folders are claimed, named and read defensively: two runs never share a folder,
names taken from scenarios never lead outside the output folder, a damaged or foreign
folder and a failing disk are one line and exit status 2 - and only a bug shows a
traceback."""

from __future__ import annotations

import builtins
import errno
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

import sim.experiment.backends
import sim.experiment.folder_lock
import sim.loader
from sim.cli import main
from sim.dashboards.build import build_run, find_chromium, write_pngs
from sim.dashboards.figures import panel_name
from sim.discovery.cases import SweepFolderError
from sim.experiment.backends import BackendError
from sim.experiment.folder_checks import RunFolderError
from sim.experiment.folder_lock import FolderLock
from sim.experiment.runner import run_experiment
from sim.experiment.sensitivity import AnalysisError
from sim.results import load
from tests.conftest import ROOT, SCENARIOS, TINY, stopped_before_gathering

BASELINE = SCENARIOS / "baseline.yaml"
QUICK = ["--replications", "2", "--workers", "1", "--quiet"]


def one_line_error(capsys, status: int, expected: str = "") -> str:
    """The command failed with exit status 2 and said so in one line."""
    error = capsys.readouterr().err
    assert status == 2, error
    assert len(error.strip().splitlines()) == 1, error
    assert "Traceback" not in error and expected in error, error
    return error


def files_in(folder: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}


# ------------------------------------------------------------- one run a folder
def test_a_folder_in_use_by_another_run_is_refused_in_one_line(tmp_path, capsys):
    folder = tmp_path / "run"
    folder.mkdir()
    other = FolderLock(folder)  # another run holds the folder
    other.acquire()
    try:
        status = main(["run", str(TINY), *QUICK, "--out", str(folder)])
        one_line_error(capsys, status, "in use by another run")
        assert [path.name for path in folder.iterdir()] == [".lock"]
    finally:
        other.release()


def test_a_resume_waits_out_the_workers_of_a_killed_run_then_takes_the_folder(tmp_path,
                                                                             monkeypatch):
    """A killed run's forked workers share its lock and die a moment after it: a resume
    started at once waits for them (it called the folder in use by the dead run), while a
    live run's folder is still refused at once."""
    folder = tmp_path / "run"
    folder.mkdir()
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()  # a process id no process has any more: the killed run
    (folder / ".lock").write_text(f"{finished.pid}\n")
    worker = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys, time\n"
         "handle = os.open(sys.argv[1], os.O_RDWR)\n"
         "fcntl.flock(handle, fcntl.LOCK_EX)\n"
         "print('held', flush=True)\n"
         "time.sleep(1)", str(folder / ".lock")], stdout=subprocess.PIPE, text=True)
    assert worker.stdout.readline() == "held\n"
    lock = FolderLock(folder)
    lock.acquire()  # waits for the worker to exit
    try:
        assert worker.poll() is not None
        assert (folder / ".lock").read_text() == f"{os.getpid()}\n"
    finally:
        lock.release()
        worker.wait()
        worker.stdout.close()
    # Workers that outlast the wait: said so, not called a live run.
    (folder / ".lock").write_text(f"{finished.pid}\n")
    monkeypatch.setattr(sim.experiment.folder_lock, "WORKERS_EXIT_SECONDS", 0.2)
    stuck = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys\n"
         "handle = os.open(sys.argv[1], os.O_RDWR)\n"
         "fcntl.flock(handle, fcntl.LOCK_EX)\n"
         "print('held', flush=True)\n"
         "sys.stdin.read()", str(folder / ".lock")], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, text=True)
    try:
        assert stuck.stdout.readline() == "held\n"
        with pytest.raises(RunFolderError, match=f"still held by the workers of a run that "
                                                 f"has died \\(process {finished.pid}\\)"):
            FolderLock(folder).acquire()
    finally:
        stuck.communicate("")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys\n"
         "from pathlib import Path\n"
         "from sim.experiment.folder_lock import FolderLock\n"
         "FolderLock(Path(sys.argv[1])).acquire()\n"
         "print('held', flush=True)\n"
         "sys.stdin.read()", str(folder)], cwd=ROOT, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        with pytest.raises(RunFolderError, match=f"in use by another run \\(process "
                                                 f"{holder.pid}\\)"):
            FolderLock(folder).acquire()  # its owner is alive: refused, not waited for
    finally:
        holder.communicate("")


def test_a_run_never_writes_into_a_folder_another_run_has_claimed(tmp_path, monkeypatch,
                                                                 baseline):
    """The claim is made where the run starts writing, not only in the command line's
    early check: the library refuses too, and leaves the other run's files alone."""
    folder = tmp_path / "run"
    stopped_before_gathering(folder, monkeypatch)
    before = files_in(folder)
    with pytest.raises(RunFolderError, match="not empty"):
        run_experiment(baseline, folder, seed=1, replications=2, workers=1)
    assert files_in(folder) == before


def test_two_runs_started_on_one_folder_at_once_leave_one_runs_results(tmp_path):
    """Both pass the empty-folder check; the atomic claim lets only one write."""
    folder = tmp_path / "shared"
    commands = {
        "tiny": [str(TINY), "--replications", "4", "--workers", "1"],
        "baseline": [str(BASELINE), "--set", "simulation.steps=4", "--replications", "4",
                     "--workers", "1"],
    }
    processes = {name: subprocess.Popen(
        [sys.executable, str(ROOT / "run.py"), "run", *arguments, "--quiet", "--out",
         str(folder)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
        for name, arguments in commands.items()}
    results = {name: (process.wait(timeout=300), process.stderr.read())
               for name, process in processes.items()}
    winners = [name for name, (status, _) in results.items() if status == 0]
    assert len(winners) == 1, results
    loser = next(name for name in results if name not in winners)
    status, error = results[loser]
    assert status == 2 and len(error.strip().splitlines()) == 1, error
    assert "Traceback" not in error
    reference = tmp_path / "reference"
    assert main(["run", *commands[winners[0]], "--quiet", "--out", str(reference)]) == 0
    for table in ("kpis", "timeseries", "nations"):
        pd.testing.assert_frame_equal(getattr(load(folder), table),
                                      getattr(load(reference), table))
    assert not [path for path in folder.iterdir() if path.name.startswith(".")]


def test_a_run_folder_inside_another_run_folder_is_refused(tmp_path, capsys, monkeypatch):
    outer = tmp_path / "outer"
    stopped_before_gathering(outer, monkeypatch)
    before = files_in(outer)
    capsys.readouterr()
    status = main(["run", str(TINY), *QUICK, "--out", str(outer / "parts" / "inner")])
    one_line_error(capsys, status, "inside the run folder")
    assert files_in(outer) == before


def test_no_command_writes_its_output_folder_inside_a_run_folder(tmp_path, capsys):
    """Every --out is checked as run's is (compare of stored runs and play --replay wrote
    their folders anywhere, a run folder included, though --out says it is refused)."""
    run = run_folder(tmp_path)
    before = files_in(run)
    capsys.readouterr()
    status = main(["compare", str(run), str(run), "--quiet", "--out", str(run / "compare")])
    one_line_error(capsys, status, "inside the run folder")
    assert files_in(run) == before


# ------------------------------------------------------------------ folder names
@pytest.mark.parametrize("name", ["..", ".", "x" * 300, "../a/b\\c"])
def test_folder_names_from_scenario_names_stay_inside_and_bounded(tmp_path, name,
                                                                  monkeypatch):
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "manifest.json").write_text("mine")
    monkeypatch.chdir(tmp_path)
    assert main(["compare", str(TINY), str(TINY), "--set", f"metadata.name={name}",
                 *QUICK, "--out", str(victim / "cmp")]) == 0
    assert (victim / "manifest.json").read_text() == "mine"
    runs = sorted(path for path in (victim / "cmp").iterdir() if path.is_dir())
    assert len(runs) == 2 and all(load(run).complete for run in runs)
    assert main(["run", str(TINY), "--set", f"metadata.name={name}", *QUICK]) == 0
    (run,) = (tmp_path / "results").glob("*/*")
    assert run.parent.parent == tmp_path / "results"
    for folder in (*runs, run.parent):
        assert folder.name not in (".", "..") and len(folder.name) <= 100
        assert folder.resolve().is_relative_to(tmp_path)


# ------------------------------------------------------------------ workers
def test_never_more_worker_processes_than_chunks_of_work(tmp_path, monkeypatch):
    started = []

    class Recording(sim.experiment.backends.ProcessPoolExecutor):
        def __init__(self, max_workers=None, **options):
            started.append(max_workers)
            super().__init__(max_workers=max_workers, **options)

    monkeypatch.setattr(sim.experiment.backends, "ProcessPoolExecutor", Recording)
    assert main(["run", str(TINY), "--replications", "4", "--workers", "999", "--quiet",
                 "--out", str(tmp_path / "run")]) == 0
    assert started and max(started) <= 4


# ------------------------------------------------------------- damaged folders
def run_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "run"
    assert main(["run", str(TINY), *QUICK, "--out", str(folder)]) == 0
    return folder


def first_part(folder: Path) -> Path:
    return sorted((folder / "parts").glob("kpis-*.parquet"))[0]


DAMAGES = {
    "truncated manifest": (False, lambda f: (f / "manifest.json").write_text('{"form')),
    "binary manifest": (False, lambda f: (f / "manifest.json").write_bytes(b"\x89\xff\0")),
    "manifest not an object": (False, lambda f: (f / "manifest.json").write_text("[1]")),
    "manifest missing its seeds": (False, lambda f: (f / "manifest.json").write_text(
        json.dumps({k: v for k, v in json.loads((f / "manifest.json").read_text()).items()
                    if k != "seeds"}))),
    "manifest is a folder": (False, lambda f: ((f / "manifest.json").unlink(),
                                               (f / "manifest.json").mkdir())),
    "no manifest": (False, lambda f: (f / "manifest.json").unlink()),
    "zero-byte part": (True, lambda f: first_part(f).write_bytes(b"")),
    "truncated part": (True, lambda f: first_part(f).write_bytes(
        first_part(f).read_bytes()[:200])),
    "a folder named like a part": (True, lambda f: (
        f / "parts" / "nations-0000000-0000009.parquet").mkdir()),
    "a part of another chunk missing": (True, lambda f: next(
        (f / "parts").glob("nations-*")).unlink()),
    "truncated table of a complete run": (False, lambda f: (f / "kpis.parquet").write_bytes(
        b"PAR1")),
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_resume_of_a_damaged_folder_is_one_line_and_touches_nothing(
        tmp_path, capsys, monkeypatch, damage):
    with_parts, harm = DAMAGES[damage]
    if with_parts:
        folder = tmp_path / "run"
        stopped_before_gathering(folder, monkeypatch)
    else:
        folder = run_folder(tmp_path)
    harm(folder)
    before = files_in(folder)
    capsys.readouterr()
    status = main(["run", "--resume", str(folder), "--workers", "1", "--quiet"])
    one_line_error(capsys, status)
    assert {path: data for path, data in files_in(folder).items()
            if path.name != ".lock"} == {path: data for path, data in before.items()
                                         if path.name != ".lock"}


@pytest.mark.parametrize("recorded, refusal", [
    ("0" * 64, "started by other code"),  # as the code before the change recorded
    (None, "written by an older version of alliance-sim (no code_hash)"),
])
def test_resume_refuses_replications_stored_by_other_code(tmp_path, capsys, monkeypatch,
                                                          recorded, refusal):
    """A run stopped, then alliance-sim (or numpy, or Mesa) changed, then resumed: the
    replications stored and those the resume would add could come from two different
    models, mixed in one table under one manifest. Refused in one line; nothing touched."""
    folder = tmp_path / "run"
    stopped_before_gathering(folder, monkeypatch)
    manifest = json.loads((folder / "manifest.json").read_text())
    if recorded is None:
        del manifest["code_hash"]
    else:
        manifest["code_hash"] = recorded
    (folder / "manifest.json").write_text(json.dumps(manifest))
    before = files_in(folder)
    capsys.readouterr()
    status = main(["run", "--resume", str(folder), "--workers", "1", "--quiet"])
    assert refusal in one_line_error(capsys, status)
    assert {path: data for path, data in files_in(folder).items()
            if path.name != ".lock"} == {path: data for path, data in before.items()
                                         if path.name != ".lock"}


def test_a_complete_folder_of_other_code_is_still_accepted(tmp_path, capsys):
    """Its tables all come from one code: resuming it only checks them (and redraws a
    missing page)."""
    folder = tmp_path / "run"
    assert main(["run", str(TINY), *QUICK, "--out", str(folder)]) == 0
    rewrite_manifest(folder, code_hash="0" * 64)
    capsys.readouterr()
    assert main(["run", "--resume", str(folder), "--workers", "1", "--quiet"]) == 0


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> dict[str, Path]:
    """A finished run folder and a finished sweep folder (Sobol design, Ishigami)."""
    base = tmp_path_factory.mktemp("finished")
    assert main(["run", str(TINY), *QUICK, "--out", str(base / "run")]) == 0
    assert main(["sensitivity", str(SCENARIOS / "experiments" / "ishigami_check.yaml"),
                 "--method", "sobol", "--samples", "8", "--workers", "1", "--quiet",
                 "--out", str(base / "sweep")]) == 0
    return {"run": base / "run", "sweep": base / "sweep"}


def rewrite_manifest(folder: Path, **changes) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    (folder / "manifest.json").write_text(json.dumps({**manifest, **changes}))


FOLDER_DAMAGES = {
    "truncated manifest": lambda f: (f / "manifest.json").write_text('{"format": "all'),
    "edited manifest": lambda f: rewrite_manifest(
        f, **{"experiment" if "sweep" in f.name else "scenario": "lots"}),
    "truncated kpis table": lambda f: (f / "kpis.parquet").write_bytes(
        (f / "kpis.parquet").read_bytes()[:300]),
    "incomplete": lambda f: (rewrite_manifest(f, complete=False),
                             (f / "kpis.parquet").unlink()),
}
# (folder, command): the damages it must refuse in one line. Replay needs only the
# manifest; a resume computes what an incomplete folder misses.
READERS = {
    ("run", "dashboard"): ["dashboard", "{folder}"],
    ("run", "replay"): ["replay", "{folder}", "--replication", "0"],
    ("run", "run --resume"): ["run", "--resume", "{folder}", "--quiet"],
    ("sweep", "dashboard"): ["dashboard", "{folder}"],
    ("sweep", "sensitivity"): ["sensitivity", "{folder}"],
    ("sweep", "discover"): ["discover", "{folder}", "--kpi", "y", "--below", "0"],
    ("sweep", "sweep --resume"): ["sweep", "--resume", "{folder}", "--quiet"],
}
CASES = [(kind, command, damage) for (kind, command) in READERS for damage in FOLDER_DAMAGES
         if not (command == "replay" and damage in ("truncated kpis table", "incomplete"))
         and not (command.endswith("--resume") and damage == "incomplete")]


@pytest.mark.parametrize(("kind", "command", "damage"), CASES)
def test_every_command_reading_a_damaged_folder_says_so_in_one_line(
        tmp_path, capsys, finished, kind, command, damage):
    folder = tmp_path / f"{kind}-copy"
    shutil.copytree(finished[kind], folder)
    FOLDER_DAMAGES[damage](folder)
    capsys.readouterr()
    arguments = [part.format(folder=folder) for part in READERS[(kind, command)]]
    one_line_error(capsys, main(arguments))


def test_replay_refuses_a_sweep_folder(capsys, finished):
    one_line_error(capsys, main(["replay", str(finished["sweep"]), "--replication", "0"]),
                   "sweep")


def test_run_resume_of_a_sweep_folder_points_to_sweep_resume(capsys, finished):
    one_line_error(capsys, main(["run", "--resume", str(finished["sweep"])]),
                   "sweep --resume")


def test_dashboard_refuses_run_names_in_comparison_csv_that_leave_the_folder(
        tmp_path, capsys):
    compare = tmp_path / "compare"
    assert main(["compare", str(TINY), str(TINY), *QUICK, "--out", str(compare)]) == 0
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(compare / "tiny", elsewhere)
    table = pd.read_csv(compare / "comparison.csv")
    table["scenario"] = "../elsewhere"
    table.to_csv(compare / "comparison.csv", index=False)
    # Compare folders name their runs in manifest.json now; those written before had only
    # comparison.csv, whose names must stay inside the folder.
    (compare / "manifest.json").unlink()
    one_line_error(capsys, main(["dashboard", str(compare)]), "not the name of a run folder")


# ----------------------------------------------------------- failing storage
@pytest.mark.parametrize("out", ["/proc/alliance-sim-test/run", "/sys/alliance-sim-test"])
def test_output_where_nothing_can_be_written_is_one_line(capsys, out):
    status = main(["run", str(TINY), *QUICK, "--out", out])
    one_line_error(capsys, status, out.split("/")[1])
    assert not Path(out).exists()


class Killed(BaseException):
    """The process dying while it writes: nothing after it runs."""


def test_an_image_interrupted_while_written_leaves_the_one_before_it_whole(tmp_path,
                                                                          monkeypatch):
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if find_chromium() is None:
        pytest.skip("no Chromium on this machine (Debian: apt-get install chromium)")
    folder = tmp_path / "run"
    assert main(["run", str(TINY), "--replications", "2", "--workers", "1", "--quiet",
                 "--out", str(folder)]) == 0
    page, figures = build_run(folder)
    before = b"\x89PNG\r\n\x1a\n the image of an earlier --png"
    for figure in figures:
        (folder / f"dashboard-{panel_name(figure)}.png").write_bytes(before)
    real_open = builtins.open

    def tearing_open(file, mode="r", *args, **kwargs):
        handle = real_open(file, mode, *args, **kwargs)
        if "w" in mode and ".png" in str(file):
            def half_then_killed(data: bytes) -> None:
                type(handle).write(handle, data[:len(data) // 2])
                handle.flush()
                raise Killed
            handle.write = half_then_killed
        return handle
    with monkeypatch.context() as patch, pytest.raises(Killed):
        patch.setattr(builtins, "open", tearing_open)
        patch.setattr(io, "open", tearing_open)
        write_pngs(page, figures, "dashboard")
    images = sorted(folder.glob("dashboard-*.png"))
    assert len(images) == len(figures)
    assert all(image.read_bytes() == before for image in images)


def test_disk_full_stops_the_run_keeping_what_is_stored(tmp_path, capsys, monkeypatch):
    reference, folder = tmp_path / "reference", tmp_path / "run"
    arguments = ["run", str(TINY), "--replications", "4", "--workers", "1", "--quiet"]
    assert main([*arguments, "--out", str(reference)]) == 0
    renames = [0]
    real_replace = os.replace

    def full_disk_after_a_while(source, target):
        renames[0] += 1
        if renames[0] > 8:  # the manifest and the first chunks fit, then the disk is full
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(source))
        real_replace(source, target)

    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", full_disk_after_a_while)
        status = main([*arguments, "--out", str(folder)])
    error = one_line_error(capsys, status, "No space left on device")
    assert f"run --resume {folder}" in error
    assert main(["run", "--resume", str(folder), "--workers", "1", "--quiet"]) == 0
    for table in ("kpis", "timeseries", "nations", "programmes", "milestones"):
        pd.testing.assert_frame_equal(getattr(load(reference), table),
                                      getattr(load(folder), table))


@pytest.mark.parametrize("cause", [errno.EROFS, errno.EACCES], ids=["read-only", "not yours"])
def test_a_folder_that_cannot_be_written_is_not_told_to_resume_as_it_is(
        tmp_path, capsys, monkeypatch, cause):
    """Resuming again fails the same way until the folder is writable; a complete one
    has nothing to resume at all."""
    complete, stopped = tmp_path / "complete", tmp_path / "stopped"
    assert main(["run", str(TINY), "--replications", "2", "--workers", "1", "--quiet",
                 "--out", str(complete)]) == 0
    stopped_before_gathering(stopped, monkeypatch)
    capsys.readouterr()

    def unwritable(self: FolderLock) -> None:
        raise OSError(cause, os.strerror(cause), str(self.path))
    monkeypatch.setattr(FolderLock, "acquire", unwritable)
    said = {folder.name: one_line_error(capsys, main(["run", "--resume", str(folder),
                                                      "--workers", "1"]), os.strerror(cause))
            for folder in (complete, stopped)}
    assert f"{complete} is complete: nothing to resume" in said["complete"]
    assert "resume with" not in said["complete"]
    assert said["stopped"].rstrip().endswith(
        f"; make the folder writable, then resume with: python3 run.py run --resume "
        f"{stopped}"), said["stopped"]


# ---------------------------------------------------------------- numbers
@pytest.mark.parametrize(("command", "option", "value"), [
    ("run", "--replications", "100000000000"),
    ("run", "--seed", str(2**63)),
    ("compare", "--seed", str(2**63)),
    ("sweep", "--seed", str(2**63)),
])
def test_absurd_numbers_are_refused_before_anything_is_written(tmp_path, capsys, command,
                                                                option, value):
    source = {"run": [str(TINY)], "compare": [str(TINY), str(TINY)],
              "sweep": [str(SCENARIOS / "experiments" / "ishigami_check.yaml")]}[command]
    out = tmp_path / "out"
    one_line_error(capsys, main([command, *source, option, value, "--out", str(out)]),
                   option)
    assert not out.exists()


# ---------------------------------------------------------------- the boundary
def test_a_bug_shows_its_traceback_and_asks_to_be_reported(tmp_path, capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")
    monkeypatch.setattr(sim.loader, "load_scenario", broken)
    assert main(["run", str(TINY), "--out", str(tmp_path / "run")]) == 1
    error = capsys.readouterr().err
    assert "Traceback" in error and "ZeroDivisionError: a bug" in error
    assert "please report it" in error


@pytest.mark.parametrize(("error", "said"), [
    (RunFolderError("a run folder is damaged"), "error: a run folder is damaged"),
    (SweepFolderError("a sweep folder is damaged"), "error: a sweep folder is damaged"),
    (AnalysisError("nothing to analyse"), "error: nothing to analyse"),
    (BackendError("the workers were lost"), "error: the workers were lost"),
    (pa.ArrowInvalid("a page is damaged"),
     "error: cannot read or write a Parquet table: a page is damaged"),
])
def test_failures_of_input_or_machine_from_any_module_are_one_line(tmp_path, capsys,
                                                                   monkeypatch, error, said):
    def failing(*args, **kwargs):
        raise error
    monkeypatch.setattr(sim.loader, "load_scenario", failing)
    assert main(["run", str(TINY), "--out", str(tmp_path / "run")]) == 2
    assert capsys.readouterr().err.strip() == said
