"""Build dashboards from stored results: a run folder's ``dashboard.html``, a comparison
folder's ``comparison.html``, and optional PNG images of every figure."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from sim.dashboards.figures import panel_name
from sim.dashboards.page import comparison_dashboard, run_dashboard, table_columns
from sim.experiment.folder_checks import RunFolderError, read_csv, read_manifest
from sim.results.load import (
    NationSummaries,
    comparison_runs,
    kind_of,
    load_run,
    nation_summaries,
    require_tables,
)
from sim.writers import atomic_write_bytes

# Everything but the nations table, which dashboards read in batches (nation_summaries).
LIGHT_TABLES = ("timeseries", "kpis", "programmes", "milestones")
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser",
                       "/usr/bin/google-chrome")
# Headless on a machine with no network but the package registries: without these flags
# Chromium keeps trying (and failing) to reach Google's services.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]


def _nations_first(folder: Path, scenario: dict[str, Any]) -> NationSummaries:
    """The nations table summed before the other tables are read: its batches' peak came
    on top of their frames (about 100 MB more at 2,000 replications)."""
    return nation_summaries(folder, int(scenario["simulation"]["steps"]))


def build_run(folder: Path) -> tuple[Path, list[go.Figure]]:
    require_tables(folder, (*LIGHT_TABLES, "nations"))
    scenario = read_manifest(folder)["scenario"]
    nations = _nations_first(folder, scenario)
    areas = [area["name"] for area in scenario["alliance"]["areas"]]
    run = load_run(folder, LIGHT_TABLES, columns=table_columns(areas))
    target = folder / "dashboard.html"
    return target, run_dashboard(run, nations, target)


def is_sweep(folder: Path) -> bool:
    return kind_of(folder) == "sweep"


def is_comparison(folder: Path) -> bool:
    return kind_of(folder) == "comparison"


def build_comparison(folder: Path) -> tuple[Path, list[go.Figure]]:
    """A compare folder: its runs (the reference first) and comparison.csv."""
    file = folder / "comparison.csv"
    comparison = read_csv(file)
    if comparison.empty or not {"scenario", "reference"} <= set(comparison.columns):
        raise RunFolderError(f"{file}: expected the columns scenario and reference")
    folders = comparison_runs(folder)
    nations = [_nations_first(path, read_manifest(path)["scenario"]) for _, path in folders]
    columns = table_columns(areas=())
    runs = [load_run(path, LIGHT_TABLES, alias=name, columns=columns) for name, path in folders]
    target = folder / "comparison.html"
    return target, comparison_dashboard(runs, nations, comparison, target)


def find_chromium() -> str | None:
    return next((path for path in CHROMIUM_CANDIDATES if Path(path).is_file()), None)


def write_pngs(page: Path, figures: list[go.Figure], stem: str) -> list[Path]:
    """Each figure of a dashboard as a PNG beside the page, named after its panel
    (``dashboard-effective-capability.png``): with kaleido where it is installed, else by
    screenshotting the page's panels in the system's Chromium (through Playwright).
    Each image is written atomically: a kill while it is written leaves the image before
    it, never a torn one that a later look takes as drawn.
    Raises RuntimeError with the reason when neither is possible."""
    try:
        import kaleido  # noqa: F401  (plotly's own image export engine)
    except ImportError:
        images = _screenshot_panels(page)
    else:
        images = ((panel_name(figure), figure.to_image(
            format="png", width=1000, height=int(figure.layout.height or 420)))
            for figure in figures)
    written = []
    with closing(images):  # a failed write closes the browser before the error is shown
        for name, image in images:
            path = page.parent / f"{stem}-{name}.png"
            atomic_write_bytes(path, image)
            written.append(path)
    return written


def _screenshot_panels(page: Path) -> Iterator[tuple[str, bytes]]:
    """Each panel of the page, named after its id, as a PNG screenshot."""
    chromium = find_chromium()
    if chromium is None:
        raise RuntimeError("no Chromium or Chrome found (Debian: apt-get install chromium), "
                           "and kaleido is not installed (pip install kaleido)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise RuntimeError("kaleido is not installed (pip install kaleido), and Playwright, "
                           "which could drive the system's Chromium, is not either "
                           "(pip install playwright)") from None
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        try:
            tab = browser.new_page(viewport={"width": 1280, "height": 900})
            tab.goto(page.resolve().as_uri())
            tab.wait_for_function("document.querySelectorAll('.js-plotly-plot').length > 0")
            for panel in tab.query_selector_all(".js-plotly-plot"):
                panel.scroll_into_view_if_needed()
                yield ((panel.get_attribute("id") or "panel").removeprefix("panel-"),
                       panel.screenshot())
        finally:
            browser.close()
