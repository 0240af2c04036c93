"""Dashboards in a real browser: Debian's Chromium driven by Playwright (no browser
download). Each page loads with no console error and no network request, every panel
holds data, and scenario text cannot inject markup or script."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SCENARIOS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api",
                                 reason="playwright is not installed (test extras)")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine "
                                "(Debian: apt-get install chromium); browser tests skipped")

HOSTILE = "<img src=x onerror=alert(1)>"


def cli(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *arguments],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("dashboards")
    short = ["--set", "simulation.steps=20", "--replications", "3", "--quiet"]
    run = base / "run"
    assert cli("run", str(SCENARIOS / "baseline.yaml"), *short, "--out", str(run)
               ).returncode == 0
    hostile = base / "hostile"
    result = cli("run", str(SCENARIOS / "baseline.yaml"), *short, "--out", str(hostile),
                 "--set", f"metadata.name={HOSTILE}",
                 "--set", f"metadata.description={HOSTILE}<script>alert(2)</script>")
    assert result.returncode == 0, result.stderr
    compare = base / "compare"
    result = cli("compare", str(SCENARIOS / "baseline.yaml"),
                 str(SCENARIOS / "coalitions_of_the_willing.yaml"), *short,
                 "--set", f"metadata.name={HOSTILE}", "--out", str(compare))
    assert result.returncode == 0, result.stderr
    return {"run": run / "dashboard.html", "hostile": hostile / "dashboard.html",
            "compare": compare / "comparison.html"}


def open_page(browser, page_file: Path) -> dict:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    seen = {"errors": [], "dialogs": [], "requests": []}
    page.on("console", lambda m: m.type == "error" and seen["errors"].append(m.text))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.goto(page_file.resolve().as_uri())
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length > 0")
    page.wait_for_timeout(300)
    seen["panels"] = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')]
        .map(d => ({id: d.id, traces: d.data.length,
                    points: d.data.reduce((n, t) => n + (t.x ? t.x.length : 0)
                                                   + (t.z ? t.z.length : 0), 0)}))""")
    seen["text"] = page.inner_text("body")
    page.close()
    return seen


@pytest.mark.parametrize(("name", "panels"), [("run", 11), ("compare", 6), ("hostile", 11)])
def test_dashboard_loads_cleanly_and_every_panel_holds_data(browser, folders, name, panels):
    seen = open_page(browser, folders[name])
    assert seen["errors"] == []
    assert seen["dialogs"] == []
    assert all(url.startswith("file://") for url in seen["requests"]), seen["requests"]
    assert len(seen["panels"]) == panels
    empty = [panel["id"] for panel in seen["panels"] if panel["traces"] == 0
             or panel["points"] == 0]
    assert empty == []


def test_scenario_text_is_shown_as_text_not_markup(browser, folders):
    seen = open_page(browser, folders["hostile"])
    assert HOSTILE in seen["text"]
    assert "<script>alert(2)</script>" in seen["text"]
    assert seen["dialogs"] == []
    raw = folders["hostile"].read_text()
    assert HOSTILE not in raw and "<script>alert(2)" not in raw


def test_kpi_cards_show_confidence_intervals(browser, folders):
    text = open_page(browser, folders["run"])["text"]
    assert "Final effective capability" in text and "95 % CI" in text


def test_dashboard_command_rebuilds_from_stored_results(folders):
    page = folders["run"]
    page.unlink()
    result = cli("dashboard", str(page.parent))
    assert result.returncode == 0 and page.is_file()
    bad = cli("dashboard", str(page.parent / "missing"))
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_png_writes_one_image_per_figure_with_the_system_chromium(folders):
    folder = folders["run"].parent
    result = cli("dashboard", str(folder), "--png")
    assert result.returncode == 0, result.stderr
    images = sorted(folder.glob("dashboard-*.png"))
    assert len(images) == 11
    assert all(image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for image in images)
