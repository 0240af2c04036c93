"""Stopping a run from outside: SIGTERM and SIGHUP stop it like Ctrl-C, with the resume
command; its worker processes never outlive it, however it dies; a dask cluster that
cannot be reached, or loses its workers, ends the run in one line instead of a hang."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.cli import main
from sim.results import load
from tests.conftest import ROOT, SCENARIOS

BASELINE = str(SCENARIOS / "baseline.yaml")
LONG_RUN = ["run", BASELINE, "--set", "simulation.steps=20", "--replications", "60",
            "--workers", "2"]
GRACE = 5.0  # seconds within which a dead parent's workers must be gone


def start(arguments: list[str], **options) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "run.py"), *arguments], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            **options)


def wait_for_parts(folder: Path, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while not list(folder.glob("parts/kpis-*")):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no chunk stored within 2 minutes"
        time.sleep(0.05)


def alive(pid: int) -> bool:
    """A process that exists and is not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def gone_within_grace(pids: list[int]) -> list[int]:
    """The processes still alive GRACE seconds from now (polled: done when all are gone)."""
    deadline = time.monotonic() + GRACE
    while time.monotonic() < deadline and any(alive(pid) for pid in pids):
        time.sleep(0.1)
    return [pid for pid in pids if alive(pid)]


pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="reads /proc to find worker processes")


@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_stop_like_ctrl_c_with_the_resume_command(tmp_path, stop):
    folder = tmp_path / "run"
    process = start([*LONG_RUN, "--out", str(folder)])
    wait_for_parts(folder, process)
    workers = children(process.pid)
    assert workers
    process.send_signal(stop)  # to the main process only, as `kill PID` does
    _, error = process.communicate(timeout=120)
    assert process.returncode == 128 + stop, error
    assert f"resume with: python3 run.py run --resume {folder}" in error
    assert "Traceback" not in error
    assert gone_within_grace(workers) == []
    if stop == signal.SIGTERM:  # what was stored is resumable (as after Ctrl-C)
        assert main(["run", "--resume", str(folder), "--workers", "2", "--quiet"]) == 0
        assert load(folder, tables=("kpis",)).kpis["replication"].tolist() == \
            list(range(60))


def leaves_terminal_signals_to_its_parent(pid: int) -> bool:
    """Whether a process blocks or ignores Ctrl-C (SIGINT) and hangups (SIGHUP)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:  # gone meanwhile: no signal can reach it
        return True
    masks = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
    shielded = int(masks["SigBlk"], 16) | int(masks["SigIgn"], 16)
    return all(shielded >> (number - 1) & 1 for number in (signal.SIGINT, signal.SIGHUP))


@pytest.mark.slow
@pytest.mark.parametrize("backend, stop", [("process", signal.SIGHUP),
                                           ("dask", signal.SIGINT)])
def test_ctrl_c_or_a_hangup_at_the_terminal_stops_the_run_in_one_line(tmp_path, backend,
                                                                      stop):
    """A terminal sends Ctrl-C and its hangup to its whole foreground process group, the
    run's helper processes too: pool and dask workers and multiprocessing's resource
    tracker leave them to the run, which stops in one line, rather than each dying of
    them with a traceback (dask's workers of Ctrl-C; the tracker of a hangup, printing
    its traceback as the run exited)."""
    if backend == "dask":
        pytest.importorskip("dask.distributed")
    folder = tmp_path / "run"
    process = start([*LONG_RUN, "--backend", backend, "--out", str(folder)],
                    start_new_session=True)  # a process group of its own, as in a shell
    wait_for_parts(folder, process)
    helpers = children(process.pid)
    assert helpers
    assert [pid for pid in helpers if not leaves_terminal_signals_to_its_parent(pid)] == []
    os.killpg(process.pid, stop)
    _, error = process.communicate(timeout=120)
    assert process.returncode == 128 + stop, error
    lines = error.strip().splitlines()
    assert len(lines) == 1 and f"run --resume {folder}" in lines[0], error


@pytest.mark.slow
def test_workers_die_with_their_parent(tmp_path):
    folder = tmp_path / "run"
    process = start([*LONG_RUN, "--out", str(folder)])
    wait_for_parts(folder, process)
    workers = children(process.pid)
    assert workers
    process.kill()  # SIGKILL to the parent alone: it cannot tell its workers anything
    process.wait()
    assert gone_within_grace(workers) == []


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_an_unreachable_dask_scheduler_is_one_line_and_leaves_nothing(tmp_path):
    pytest.importorskip("dask.distributed")
    folder = tmp_path / "run"
    process = start(["run", BASELINE, "--backend", "dask", "--scheduler",
                     f"tcp://127.0.0.1:{free_port()}", "--out", str(folder)])
    _, error = process.communicate(timeout=120)
    assert process.returncode == 2, error
    assert len(error.strip().splitlines()) == 1 and "dask scheduler" in error, error
    assert not folder.exists()


@pytest.mark.slow
def test_lost_dask_workers_stop_the_run_in_one_line_and_resume_completes_it(tmp_path):
    """The run's own LocalCluster, with dask told to give a task up as soon as a worker
    dies running it (distributed.scheduler.allowed-failures 0, a dask setting): killing
    a worker must end the run with the resume command, not leave it waiting."""
    pytest.importorskip("dask.distributed")
    folder = tmp_path / "run"
    arguments = ["run", BASELINE, "--set", "simulation.steps=12", "--replications", "40",
                 "--workers", "2", "--quiet"]
    process = start([*arguments, "--backend", "dask", "--out", str(folder)],
                    env={**os.environ, "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0"})
    wait_for_parts(folder, process)
    for pid in children(process.pid):
        if "resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_text():
            os.kill(pid, signal.SIGKILL)
    _, error = process.communicate(timeout=120)
    lines = [line for line in error.splitlines() if line.strip()]
    if process.returncode != 0:  # unless the last chunks had finished already
        assert process.returncode == 2, error
        assert len(lines) == 1 and "dask workers were lost" in lines[0], error
        assert f"run --resume {folder}" in lines[0]
    assert main(["run", "--resume", str(folder), "--workers", "2", "--quiet"]) == 0
    assert load(folder, tables=("kpis",)).kpis["replication"].tolist() == list(range(40))
