"""Build dashboards from stored results: a run folder's ``dashboard.html``, a comparison
folder's ``comparison.html``, and optional PNG images of every figure."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from sim.dashboards.page import comparison_dashboard, run_dashboard
from sim.results import load

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser",
                       "/usr/bin/google-chrome")


def build_run(folder: Path) -> tuple[Path, list[go.Figure]]:
    target = folder / "dashboard.html"
    return target, run_dashboard(load(folder), target)


def is_comparison(folder: Path) -> bool:
    return (folder / "comparison.csv").is_file()


def build_comparison(folder: Path) -> tuple[Path, list[go.Figure]]:
    """A compare folder: its run folders (in the order of comparison.csv) and the CSV."""
    comparison = pd.read_csv(folder / "comparison.csv")
    others = dict.fromkeys(comparison["scenario"].astype(str))
    names = [str(comparison["reference"].iloc[0]), *others]
    runs = [load(folder / name) for name in names]
    target = folder / "comparison.html"
    return target, comparison_dashboard(runs, comparison, target)


def write_pngs(figures: list[go.Figure], folder: Path, stem: str) -> list[Path]:
    """Each figure as a PNG (kaleido, which drives a Chromium). Raises RuntimeError with a
    plain reason when that is not possible here."""
    try:
        import kaleido  # noqa: F401  (plotly's image export engine)
    except ImportError:
        raise RuntimeError("PNG export needs the kaleido package (pip install kaleido) and "
                           "a Chromium or Chrome browser (Debian: apt-get install chromium)"
                           ) from None
    written = []
    for index, figure in enumerate(figures):
        path = folder / f"{stem}-{index:02d}.png"
        try:
            figure.write_image(path, width=1000, height=int(figure.layout.height or 420))
        except Exception as error:
            raise RuntimeError(f"PNG export failed ({type(error).__name__}: {error}); it "
                               "needs a Chromium or Chrome browser (Debian: apt-get install "
                               "chromium)") from None
        written.append(path)
    return written
