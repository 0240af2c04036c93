"""The worked example (docs/examples/analyst.ipynb) runs from top to bottom in a real
Jupyter kernel (nbclient), so that what it teaches stays true."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT

nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (test extras)")
nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed (test extras)")

NOTEBOOK = ROOT / "docs" / "examples" / "analyst.ipynb"


def test_the_analyst_notebook_runs_and_shows_what_it_says(tmp_path, monkeypatch):
    monkeypatch.setenv("ALLIANCE_SIM_EXAMPLE_OUT", str(tmp_path))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), \
        "commit the notebook without outputs"
    nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    text = "\n".join(str(output.get("text", "")) + str(output.get("data", {}))
                     for cell in notebook.cells if cell.cell_type == "code"
                     for output in cell.outputs)
    assert "error" not in {output.output_type for cell in notebook.cells
                           if cell.cell_type == "code" for output in cell.outputs}
    assert "of runs had a joint delivery by 2034 Q4" in text
    assert "paired on 20 replications" in text
    assert "application/vnd.plotly.v1+json" in text  # the charts were drawn
    assert (tmp_path / "comparison" / "comparison.csv").is_file()
