"""The command line imports only what a command uses: `--help`, a command's `--help` and a
usage error no numerical, data, model, validation or plotting library; a run, up to its
first replication, neither the dashboards nor the analyses nor the other commands' parts
(they are imported when the run's summary or dashboard is written, or by their command)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sim.cli.sensitivity_command import METHODS
from sim.experiment.spec import Method
from tests.conftest import ROOT, TINY

HEAVY = ("numpy", "pandas", "pyarrow", "mesa", "pydantic", "plotly", "scipy", "SALib",
         "yaml", "sim.schema", "sim.model")
# What the other commands, the summary and the dashboard import; a run starts without.
NOT_FOR_A_RUN = ("plotly", "scipy.stats", "SALib", "sim.dashboards.build",
                 "sim.discovery.prim", "sim.discovery.cases", "sim.experiment.sensitivity",
                 "sim.experiment.spec", "sim.experiment.comparison", "sim.analysis.hindcast",
                 "sim.cli.report_tables")


def loaded_after(code: str, modules: tuple[str, ...]) -> list[str]:
    """The ``modules`` a fresh interpreter has imported after running ``code``."""
    probe = f"{code}\nimport sys\nprint(' '.join(m for m in {modules!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    return done.stdout.split()


def after_command_line(arguments: list[str]) -> str:
    """Code running the command line as run.py does, whatever its exit status (its output
    set aside)."""
    return "import contextlib, io\nfrom sim.cli import main\nwith contextlib.suppress(" \
        "SystemExit), contextlib.redirect_stdout(io.StringIO()):\n" \
        f"    main({arguments!r})"


@pytest.mark.parametrize("arguments", [["--help"], ["run", "--help"], ["sweep", "--help"],
                                       ["sensitivity", "--help"], ["hindcast", "--help"],
                                       ["run", "--no-such-option"], ["run"],
                                       ["run", "--workers", "0"]])
def test_help_and_usage_errors_import_no_heavy_library(arguments):
    assert loaded_after(after_command_line(arguments), HEAVY) == []


def test_a_run_starts_its_first_replication_without_the_dashboards_or_other_commands(
        tmp_path):
    # The first model built is the first replication: list what is imported by then.
    stop_there = "import os, sys\nimport sim.model\n" \
        "def first_replication(*args, **kwargs):\n" \
        f"    found = [m for m in {NOT_FOR_A_RUN!r} if m in sys.modules]\n" \
        "    print('replication', *found, file=sys.__stdout__, flush=True)\n" \
        "    os._exit(0)\n" \
        "sim.model.AllianceModel.__init__ = first_replication\n"
    arguments = ["run", str(TINY), "--backend", "serial", "--workers", "1", "--quiet",
                 "--out", str(tmp_path / "run")]
    done = subprocess.run([sys.executable, "-c", stop_there + after_command_line(arguments)],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["replication"]


def test_the_sensitivity_methods_offered_are_the_experiment_files_sobol_and_morris():
    assert (Method.SOBOL.value, Method.MORRIS.value) == METHODS
