"""Dashboards in a real browser: Debian's Chromium driven by Playwright (no browser
download). Each page loads with no console error and no network request, every panel
holds data, every axis says what it measures and in which unit, time runs on calendar
dates with the scenario's events marked, and scenario text cannot inject markup or
script."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from plotly.subplots import make_subplots

from sim.dashboards.build import LIGHT_TABLES, build_comparison, build_run
from sim.dashboards.capability_sources import (
    capability_sources_by_area_chart,
    capability_sources_chart,
)
from sim.dashboards.events import plot_areas
from sim.dashboards.industry import attack_rates, attacks_by_nation_chart
from sim.dashboards.page import comparison_figures, run_figures
from sim.experiment.folder_checks import read_csv
from sim.outputs import UNITS
from sim.results.load import comparison_runs, load_run, nation_summaries
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
    # US retrenchment: an inject in quarter 8 (2026 Q4) to be marked on the charts.
    assert cli("run", str(SCENARIOS / "us_retrenchment.yaml"), *short, "--out", str(run)
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
    stored = base / "stored"
    result = cli("compare", str(hostile), str(run), "--out", str(stored), "--quiet")
    assert result.returncode == 0, result.stderr
    return {"run": run / "dashboard.html", "hostile": hostile / "dashboard.html",
            "compare": compare / "comparison.html", "stored": stored / "comparison.html"}


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
                                                   + (t.z ? t.z.length : 0)
                                                   + (t.dimensions ? t.dimensions.length : 0),
                                          0),
                    axes: Object.keys(d._fullLayout)
                        .filter(k => /^[xy]axis[0-9]*$/.test(k))
                        .map(k => d._fullLayout[k])
                        .filter(a => a.visible && a.showticklabels)
                        .map(a => ({name: a._name, type: a.type, range: a.range,
                                    title: (a.title && a.title.text) || ''})),
                    dimensions: d.data.flatMap(t => t.dimensions || [])
                        .map(dim => dim.label),
                    annotations: (d._fullLayout.annotations || []).map(a => a.text),
                    names: d.data.map(t => t.name),
                    shapes: (d._fullLayout.shapes || []).map(s => s.yref)}))""")
    seen["text"] = page.inner_text("body")
    page.close()
    return seen


@pytest.mark.parametrize(("name", "panels"), [("run", 17), ("compare", 15), ("hostile", 17),
                                              ("stored", 15)])
def test_dashboard_loads_cleanly_and_every_panel_holds_data(browser, folders, name, panels):
    seen = open_page(browser, folders[name])
    assert seen["errors"] == []
    assert seen["dialogs"] == []
    assert all(url.startswith("file://") for url in seen["requests"]), seen["requests"]
    assert len(seen["panels"]) == panels
    empty = [panel["id"] for panel in seen["panels"] if panel["traces"] == 0
             or panel["points"] == 0]
    assert empty == []


@pytest.mark.parametrize("name", ["run", "compare", "stored"])
def test_every_panels_title_and_subtitle_fit_inside_the_panel(browser, folders, name):
    """Plotly does not wrap titles: a line longer than the panel is cut off at its edge
    (a comparison's names make some subtitles long)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(folders[name].resolve().as_uri())
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length > 0")
    overflowing = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')]
        .flatMap(d => {
            const box = d.getBoundingClientRect();
            return [...d.querySelectorAll('.gtitle')]
                .filter(t => t.getBoundingClientRect().right > box.right + 1)
                .map(t => d.id + ': ' + t.textContent);
        })""")
    page.close()
    assert overflowing == []


def test_scenario_text_is_shown_as_text_not_markup(browser, folders):
    seen = open_page(browser, folders["hostile"])
    assert HOSTILE in seen["text"]
    assert "<script>alert(2)</script>" in seen["text"]
    assert seen["dialogs"] == []
    raw = folders["hostile"].read_text()
    assert HOSTILE not in raw and "<script>alert(2)" not in raw


def test_kpi_cards_show_units_and_confidence_intervals(browser, folders):
    text = open_page(browser, folders["run"])["text"]
    assert "Final effective capability" in text and "95 % CI" in text
    assert "capability units" in text and "2025 Q1 to 2029 Q4" in text


def test_dashboard_command_rebuilds_from_stored_results(folders):
    page = folders["run"]
    page.unlink()
    result = cli("dashboard", str(page.parent))
    assert result.returncode == 0 and page.is_file()
    bad = cli("dashboard", str(page.parent / "missing"))
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_png_writes_one_image_per_figure_named_after_its_panel(folders):
    folder = folders["run"].parent
    result = cli("dashboard", str(folder), "--png")
    assert result.returncode == 0, result.stderr
    images = sorted(folder.glob("dashboard-*.png"))
    assert len(images) == 17
    assert {"dashboard-effective-capability.png", "dashboard-drivers.png",
            "dashboard-burden.png"} <= {image.name for image in images}
    assert all(image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for image in images)


UNIT_TEXTS = {unit.shown for unit in UNITS if unit.shown}


def axis_problems(panels: list[dict]) -> list[str]:
    """Axes without a title, numeric axes whose title names no declared unit, and time
    axes that are not calendar dates."""
    problems = []
    for panel in panels:
        for axis in panel["axes"]:
            where = f"{panel['id']} {axis['name']} {axis['title']!r}"
            if not axis["title"]:
                problems.append(f"{where}: no title")
            elif axis["type"] in ("linear", "log") and \
                    not any(unit in axis["title"] for unit in UNIT_TEXTS):
                problems.append(f"{where}: no unit in the title")
            elif axis["title"] == "quarter" and axis["type"] != "date":
                problems.append(f"{where}: quarters not on a date axis")
    return problems


@pytest.mark.parametrize("name", ["run", "compare", "stored"])
def test_every_axis_has_a_title_with_its_unit_and_time_runs_on_dates(browser, folders, name):
    panels = open_page(browser, folders[name])["panels"]
    assert axis_problems(panels) == []
    date_axes = [axis for panel in panels for axis in panel["axes"] if axis["type"] == "date"]
    assert len(date_axes) >= 8


def test_the_axis_check_catches_a_missing_unit():
    panel = {"id": "panel-x", "axes": [
        {"name": "yaxis", "type": "linear", "title": "Effective capability"},
        {"name": "xaxis", "type": "linear", "title": "quarter"},
        {"name": "xaxis2", "type": "category", "title": ""}]}
    assert len(axis_problems([panel])) == 3


def test_injects_and_attacks_are_marked_on_the_time_charts(browser, folders):
    panels = {panel["id"]: panel for panel in open_page(browser, folders["run"])["panels"]}
    for name in ("panel-effective-capability", "panel-cohesion", "panel-drivers"):
        assert any("US commitment falls to 0.4" in text
                   for text in panels[name]["annotations"]), name
        assert panels[name]["shapes"], name
    # The drivers panel has a row per driver: each row gets its own line, none crosses
    # the subplot titles between them.
    rows = set(panels["panel-drivers"]["shapes"])
    assert len(rows) >= 3 and "paper" not in rows
    assert "hybrid attacks" in panels["panel-effective-capability"]["names"]
    # The attack marks' size no longer widens the time axis past the run's last quarter
    # (it showed a year, 2035, with no data); the axis spans the fan's quarters, as on
    # every other time panel.
    capability_x, cohesion_x = (next(axis for axis in panels[name]["axes"]
                                     if axis["name"] == "xaxis")
                                for name in ("panel-effective-capability", "panel-cohesion"))
    assert [when[:10] for when in capability_x["range"]] == \
        [when[:10] for when in cohesion_x["range"]]
    text = open_page(browser, folders["run"])["text"]
    assert "2026 Q4 (quarter 8): US commitment falls to 0.4" in text


def test_event_lines_stay_inside_each_plot_area_of_a_multi_row_panel():
    """An event line across the whole figure crossed the subplot titles between rows;
    it is drawn within each row's plot area, labelled once, in the top row."""
    figure = make_subplots(rows=3, cols=1, subplot_titles=["a", "b", "c"])
    figure.update_layout(yaxis9={"overlaying": "y", "visible": False})  # attack marks
    areas = plot_areas(figure)
    assert areas == [("x", "y domain"), ("x2", "y2 domain"), ("x3", "y3 domain")]
    assert plot_areas(go.Figure()) == [("x", "y domain")]


def test_run_dashboard_shows_where_capability_comes_from_and_industry_per_area(browser,
                                                                                 folders):
    """Issue 11: the capability decomposition (its three parts and their sum), deliveries,
    backlog and capacity per capability area, and the attacks per nation."""
    panels = {panel["id"]: panel for panel in open_page(browser, folders["run"])["panels"]}
    sources = panels["panel-capability-sources"]
    assert {"equipment stock", "readiness", "interoperability", "net change"} <= \
        set(sources["names"])
    industry = panels["panel-industry"]
    areas = {"air missile defence", "artillery ammunition", "armour", "combat air", "naval"}
    assert areas <= set(industry["names"])
    assert len(industry["names"]) == 3 * len(areas)  # deliveries, backlog, capacity
    assert panels["panel-attacks-by-nation"]["traces"] == 2
    assert len(panels["panel-capability-sources-by-area"]["names"]) == 4


def test_the_capability_parts_drawn_add_up_to_the_change_in_capability(folders):
    """The yearly bars of the three parts, and the per-area bars, sum to the mean change
    in effective capability from the start to the horizon (the LMDI split is exact)."""
    run = load_run(folders["run"].parent)
    ends = run.timeseries.groupby("replication")["effective_capability"]
    change = float((ends.last() - ends.first()).mean())
    yearly = capability_sources_chart([run])
    bars = sum(sum(trace.y) for trace in yearly.data if trace.type == "bar")
    assert bars == pytest.approx(change, rel=1e-6)
    by_area = capability_sources_by_area_chart(run)
    assert sum(sum(trace.x) for trace in by_area.data if trace.type == "bar") == \
        pytest.approx(change, rel=1e-6)


def test_comparison_shows_each_runs_capability_sources_and_industry(browser, folders):
    panels = {panel["id"]: panel for panel in open_page(browser, folders["stored"])["panels"]}
    assert panels["panel-capability-sources"]["traces"] == 4  # three parts and the net
    assert panels["panel-industry"]["traces"] == 3 * 2  # three rows, two runs
    assert panels["panel-attacks-by-nation"]["traces"] == 2 * 2


def _same_figures(built: list[go.Figure], from_whole_tables: list[go.Figure]) -> None:
    assert [figure.to_json() for figure in built] == \
        [figure.to_json() for figure in from_whole_tables]


def test_dashboards_read_only_the_columns_their_panels_draw(folders):
    """A run's and a comparison's pages read the columns page.table_columns declares, not
    the whole tables, and their figures are those drawn from the whole tables: a panel
    that read an undeclared column would fail or draw less."""
    folder = folders["run"].parent
    whole = load_run(folder, LIGHT_TABLES)
    _, figures = build_run(folder)
    _same_figures(figures, run_figures(whole, nation_summaries(folder, whole.horizon)))
    read = load_run(folder, LIGHT_TABLES, columns={"timeseries": ["step"]})
    assert list(read.timeseries.columns) == ["replication", "step"]  # the sort keys too
    compare = folders["compare"].parent
    runs = [load_run(path, LIGHT_TABLES, alias=name)
            for name, path in comparison_runs(compare)]
    _, figures = build_comparison(compare)
    nations = [nation_summaries(run.path, run.horizon) for run in runs]
    _same_figures(figures, comparison_figures(runs, nations,
                                              read_csv(compare / "comparison.csv")))


def test_attack_rates_are_per_line_and_year_and_leave_out_nations_without_lines():
    sums = pd.DataFrame({"lines_hit": [6.0, 2.0, 0.0],
                         "production_lines": [80.0, 16.0, 0.0]},
                        index=["USA", "POL", "ISL"])
    rates = attack_rates(sums, replications=2)
    assert list(rates.index) == ["POL", "USA"]  # fewest hits first (the chart's bottom)
    assert rates.loc["USA", "per_run"] == 3.0
    # 2 hits in 16 line-quarters: 0.5 hits per line and year.
    assert rates.loc["POL", "per_line_year"] == pytest.approx(0.5)


def test_a_folder_without_lines_hit_says_so_rather_than_claiming_no_attacks(folders):
    run = load_run(folders["run"].parent, ("timeseries", "kpis"))
    older = pd.DataFrame({"spend_national": [1.0]}, index=["POL"])  # no lines_hit column
    texts = [note.text for note in attacks_by_nation_chart([run], [older]).layout.annotations]
    assert any("does not record lines hit" in text for text in texts)
    assert not any("no production line was hit" in text for text in texts)


def test_lines_hit_by_scripted_sabotage_are_counted_and_the_panel_says_so(tmp_path):
    """The hybrid campaign's scripted attacks on German and Polish ammunition plants, with
    no random attack at all: the panel shows them, and does not call them random."""
    shutil.copytree(SCENARIOS, tmp_path / "scenarios")
    scenario = tmp_path / "scenarios" / "sabotage_only.yaml"
    scenario.write_text("extends: hybrid_campaign.yaml\n"
                        "drivers:\n  hybrid_attack_rate:\n    points: {0: 0.0}\n")
    out = tmp_path / "run"
    result = cli("run", str(scenario), "--set", "simulation.steps=8", "--replications", "1",
                 "--quiet", "--out", str(out))
    assert result.returncode == 0, result.stderr
    run = load_run(out, ("timeseries", "kpis"))
    sums, _ = nation_summaries(out, run.horizon)
    figure = attacks_by_nation_chart([run], [sums])
    hits = dict(zip(figure.data[0].y, figure.data[0].x, strict=True))
    assert hits["DEU"] > 0 and hits["POL"] > 0 and sum(hits.values()) == hits["DEU"] + hits[
        "POL"]
    subtitle = figure.layout.title.text
    assert "scripted sabotage" in subtitle
    columns = read_csv(out / "columns.csv")
    described = columns[(columns["table"] == "nations") & (columns["column"] == "lines_hit")]
    assert "scripted node_attack injects" in described["description"].item()
