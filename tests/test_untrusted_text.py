"""Text that comes from files - experiment values, scenario names - is shown, never
obeyed: a sweep page draws it as text (no link, no request), and a CSV cell cannot start
a spreadsheet formula, while reading the CSV back gives the text exactly."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main
from sim.experiment.folder_checks import read_csv
from sim.writers import write_csv
from tests.conftest import TINY

try:  # the browser helpers; without Playwright only the browser test is skipped
    from tests.test_dashboards import CHROMIUM, open_page
except pytest.skip.Exception:
    CHROMIUM = None

LINK = '<a href="http://127.0.0.1:9/clicked">a live link</a>'
FETCH = '<span style="fill:url(http://127.0.0.1:9/fetched)">a styled span</span>'
FORMULAS = ["=1+2", "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3", "\tx", "\rx", "'quoted"]


def test_csv_cells_cannot_start_a_formula_and_read_back_exactly(tmp_path):
    frame = pd.DataFrame({"text": [*FORMULAS, "plain"], "number": range(len(FORMULAS) + 1)})
    frame.loc[0, "number"] = -5  # numbers stay numbers, even negative ones
    write_csv(tmp_path / "cells.csv", frame)
    cells = (tmp_path / "cells.csv").read_text().splitlines()[1:]
    # A quoted cell may start with '"': what a spreadsheet sees is the text inside.
    assert all(cell.lstrip('"')[0] not in "=+-@\t\r" for cell in cells)
    assert cells[0].endswith(",-5")
    pd.testing.assert_frame_equal(read_csv(tmp_path / "cells.csv"), frame)


@pytest.fixture(scope="module")
def hostile_sweep(tmp_path_factory) -> Path:
    """A sweep whose varied values are markup and formulas (metadata.description is a
    free-text parameter, so any value is valid)."""
    folder = tmp_path_factory.mktemp("hostile")
    values = ", ".join(f"'{value}'" for value in [LINK, FETCH, "=1+2"])
    experiment = folder / "experiment.yaml"
    experiment.write_text(f"name: hostile values\nscenario: {TINY}\nreplications: 1\n"
                          f"parameters:\n  - path: metadata.description\n"
                          f"    values: [{values}]\n"
                          "design: {method: full_factorial}\n"
                          "kpis: [final_capability, final_cohesion]\n")
    out = folder / "sweep"
    assert main(["sweep", str(experiment), "--workers", "1", "--quiet", "--out",
                 str(out)]) == 0
    return out


def test_sweep_points_csv_neutralises_formula_cells(hostile_sweep):
    text = (hostile_sweep / "points.csv").read_text()
    assert "'=1+2" in text and "\n=1+2" not in text and ",=1+2" not in text
    points = read_csv(hostile_sweep / "points.csv")
    assert set(points["metadata.description"]) == {LINK, FETCH, "=1+2"}


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium or Playwright on this machine; "
                    "browser test skipped")
def test_sweep_page_shows_experiment_values_as_text(hostile_sweep, browser):
    page_file = hostile_sweep / "dashboard.html"
    seen = open_page(browser, page_file)
    assert seen["errors"] == [] and seen["dialogs"] == []
    assert all(url.startswith("file://") for url in seen["requests"]), seen["requests"]
    page = browser.new_page()
    page.goto(page_file.resolve().as_uri())
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length > 1")
    links = page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot a')]"
                          ".map(a => a.getAttribute('href') || a.getAttribute('xlink:href'))")
    texts = page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot text')]"
                          ".map(t => t.textContent)")
    page.close()
    assert not [link for link in links if link and "127.0.0.1" in link], links
    assert LINK in texts and FETCH in texts  # drawn as the text it is
    assert "=1+2" in texts  # read back from points.csv without its guard
    assert not [text for text in texts if "&lt;" in text or "&quot;" in text]
