"""The command line imports only what a command uses: `--help` neither the model nor
plotting or statistics libraries, a run not the dashboards' or the analyses' (imported
when the run's summary or dashboard is written)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def loaded_after(code: str, modules: tuple[str, ...]) -> list[str]:
    """The ``modules`` a fresh interpreter has imported after running ``code``."""
    probe = f"{code}\nimport sys\nprint(' '.join(m for m in {modules!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    return done.stdout.split()


def test_help_imports_neither_the_model_nor_plotting_or_statistics():
    code = "from sim.cli import build_parser\nbuild_parser().format_help()"
    assert loaded_after(code, ("mesa", "sim.model", "plotly", "scipy", "SALib")) == []


def test_a_run_starts_without_the_dashboards_or_the_analyses():
    code = "import sim.cli\nimport sim.cli.run_command\nimport sim.experiment.runner"
    assert loaded_after(code, ("plotly", "scipy.stats", "SALib", "sim.dashboards.build",
                               "sim.discovery.prim")) == []
