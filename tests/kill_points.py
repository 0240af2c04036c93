"""Kill a run at every point where it changes the file system, then resume it.

Run as ``python -m tests.kill_points OUT_DIR`` (by tests/test_kill_and_resume.py): in a
process of its own, because it forks. A counting pass finds the N operations that change
the run folder (a rename into place, a deletion, a new folder) of
``run tiny.yaml --replications 2 --workers 1``, the dashboard step included (the nations
parts written a row group per replication, as a longer run's chunks write theirs). For each k
< N a forked child runs the same command and dies with ``os._exit`` - no clean-up, no
``finally``, as under SIGKILL - just before operation k; between two such operations
nothing on disk changes, so these are all the states a kill can leave. Another child
then resumes the folder (or starts the run again if the kill came before the folder was
claimed). Writes ``OUT_DIR/reference`` (the uninterrupted run), ``OUT_DIR/killed-<k>``
and ``OUT_DIR/kills.json``: per k, the exit status of the resume and the folder's files
just after the kill.

The dashboard is replaced by a one-line page written the same way (atomically): drawing
the real one costs half a second per kill and changes nothing on disk but that write.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import sim.cli.dashboard_command
import sim.experiment.runner
from sim.cli import main
from sim.writers import atomic_write_text
from tests.conftest import ROOT

TINY = str(ROOT / "tests" / "golden" / "tiny.yaml")
RUN = ["run", TINY, "--replications", "2", "--workers", "1", "--quiet"]
CHANGES = ("replace", "unlink", "rmdir", "mkdir")
KILLED = 137


def stub_dashboard(folder: Path, png: bool) -> Path:
    atomic_write_text(folder / "dashboard.html", "<!DOCTYPE html><title>stub</title>\n")
    return folder / "dashboard.html"


def in_child(action: Callable[[], int]) -> int:
    pid = os.fork()
    if pid == 0:
        try:
            status = action()
        except BaseException:  # any escape is a failure of the child
            status = 99
        os._exit(status)
    _, wait_status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(wait_status)


def run_killed_at(k: int, arguments: list[str], count_file: Path | None = None) -> int:
    """Run ``main(arguments)`` in a child that dies before file operation k."""
    done = [0]

    def counted(real: Callable) -> Callable:
        def changing(*args, **kwargs):
            if done[0] == k:
                os._exit(KILLED)
            done[0] += 1
            return real(*args, **kwargs)
        return changing

    def action() -> int:
        for name in CHANGES:
            setattr(os, name, counted(getattr(os, name)))
        status = main(arguments)
        if count_file is not None:
            count_file.write_text(str(done[0]))
        return status
    return in_child(action)


def main_(out: Path) -> None:
    # The run command imports the dashboard builder when it reports, from this module.
    sim.cli.dashboard_command.build = stub_dashboard
    # A row group per replication: the nations parts are written as replications finish
    # (runner.ROW_GROUP), and these writes are killed too (2 replications run otherwise
    # in chunks too short to stream).
    sim.experiment.runner.ROW_GROUP = 1
    out.mkdir(parents=True, exist_ok=True)
    count = out / "count"
    assert run_killed_at(-1, [*RUN, "--out", str(out / "reference")], count) == 0
    kills = {}
    for k in range(int(count.read_text())):
        folder = out / f"killed-{k}"
        assert run_killed_at(k, [*RUN, "--out", str(folder)]) == KILLED
        after_kill = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
        again = ["run", "--resume", str(folder), "--workers", "1", "--quiet"] \
            if (folder / "manifest.json").is_file() else [*RUN, "--out", str(folder)]
        kills[k] = {"after_kill": after_kill, "resume": in_child(lambda a=again: main(a))}
    (out / "kills.json").write_text(json.dumps(kills, indent=1))


if __name__ == "__main__":
    main_(Path(sys.argv[1]))
