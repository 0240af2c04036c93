"""Assemble self-contained dashboard pages: plotly.js embedded once, no network request,
and every piece of text from a scenario file escaped."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from sim.dashboards import figures
from sim.results import RunResults
from sim.results.load import nation_summaries
from sim.writers import atomic_write_text

HEADLINE = (
    ("final_capability", "Final effective capability", "{:,.0f}"),
    ("final_cohesion", "Final cohesion", "{:.3f}"),
    ("min_cohesion", "Lowest cohesion", "{:.3f}"),
    ("final_interoperability", "Final interoperability", "{:.3f}"),
    ("milestone_on_time_rate", "Milestones on time", "{:.0%}"),
    ("time_to_first_joint_delivery", "Quarters to first joint delivery", "{:.1f}"),
    ("unit_cost", "Unit cost (1 = 2024 reference price)", "{:.3f}"),
    ("mean_pooled_share", "Pooled share of procurement", "{:.1%}"),
)

STYLE = """
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 1280px; padding: 1em;
       color: #222; }
h1 { margin-bottom: 0.2em; } .muted { color: #555; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr));
         gap: 0.8em; margin: 1em 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 0.7em; background: #fafafa; }
.card .value { font-size: 1.5em; font-weight: 600; }
.card .label, .card .ci { font-size: 0.85em; color: #555; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(600px, 1fr));
        gap: 1em; }
.grid.wide { grid-template-columns: 1fr; }
.panel { border: 1px solid #eee; border-radius: 6px; padding: 0.3em; }
table.indices { border-collapse: collapse; font-size: 0.9em; }
table.indices th, table.indices td { padding: 0.2em 0.7em; border-bottom: 1px solid #eee;
                                     text-align: right; }
section.scenario { border-left: 4px solid #0072B2; padding-left: 0.8em; margin: 0.8em 0; }
"""


def _text_block(run: RunResults) -> str:
    scenario = run.manifest.get("scenario", {})
    metadata = scenario.get("metadata", {})
    lines = [f"<section class='scenario'><h2>{html.escape(run.name)}</h2>"]
    if metadata.get("description"):
        lines.append(f"<p>{html.escape(metadata['description'])}</p>")
    for title, key in (("Assumptions", "assumptions"), ("Sources", "sources")):
        items = metadata.get(key) or []
        if items:
            lines.append(f"<p class='muted'><b>{title}:</b></p><ul>" + "".join(
                f"<li>{html.escape(str(item))}</li>" for item in items) + "</ul>")
    seeds = run.manifest.get("seeds", {})
    lines.append(f"<p class='muted'>{int(seeds.get('replications', 0))} replications, root "
                 f"seed {html.escape(str(seeds.get('root', '')))}, "
                 f"{'complete' if run.complete else 'INCOMPLETE'} run; governance "
                 f"{html.escape(str(scenario.get('alliance', {}).get('governance', '')))}"
                 f".</p></section>")
    return "\n".join(lines)


def _cards(run: RunResults) -> str:
    summary = run.summary.set_index("kpi") if not run.summary.empty else pd.DataFrame()
    cards = []
    for kpi, label, pattern in HEADLINE:
        if kpi not in summary.index:
            continue
        row = summary.loc[kpi]
        cards.append(
            f"<div class='card' data-kpi='{kpi}'><div class='label'>{html.escape(label)}"
            f"</div><div class='value'>{pattern.format(row['mean'])}</div>"
            f"<div class='ci'>95 % CI {pattern.format(row['ci_low'])} to "
            f"{pattern.format(row['ci_high'])} (n = {int(row['n'])})</div></div>")
    return "<div class='cards'>" + "".join(cards) + "</div>"


def panels_html(items: list[go.Figure], wide: bool = False) -> str:
    """The figures in a grid of panels (``wide``: one per row, the page's full width)."""
    divs = []
    for index, figure in enumerate(items):
        divs.append("<div class='panel'>" + pio.to_html(
            figure, full_html=False, include_plotlyjs=False, div_id=f"panel-{index}",
            config={"displaylogo": False, "responsive": True}) + "</div>")
    return f"<div class='grid{' wide' if wide else ''}'>" + "".join(divs) + "</div>"


def page_html(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{STYLE}</style>"
        f"<script type='text/javascript'>{get_plotlyjs()}</script></head><body>"
        f"{body}</body></html>")


def run_figures(run: RunResults) -> list[go.Figure]:
    horizon = int(run.manifest["scenario"]["simulation"]["steps"])
    spending, at_horizon = nation_summaries(run.path, horizon)
    panels = [figures.fan_chart([run], column, title, unit)
              for column, title, unit in figures.FAN_METRICS]
    panels += [figures.allocation_chart(run), figures.nation_pathway_heatmap(spending),
               figures.membership_heatmap(run), figures.milestone_chart(run),
               figures.burden_chart(at_horizon), figures.disruption_chart(run)]
    return panels


def run_dashboard(run: RunResults, target: Path) -> list[go.Figure]:
    panels = run_figures(run)
    body = (f"<h1>Alliance capability: {html.escape(run.name)}</h1>"
            f"<p class='muted'>Run folder {html.escape(str(run.path))}</p>"
            + _text_block(run) + _cards(run) + panels_html(panels))
    atomic_write_text(target, page_html(f"{run.name} - alliance-sim", body))
    return panels


def comparison_figures(runs: list[RunResults], comparison: pd.DataFrame
                       ) -> list[go.Figure]:
    panels = [figures.fan_chart(runs, column, title, unit)
              for column, title, unit in figures.FAN_METRICS]
    kpis = [kpi for kpi, _, _ in HEADLINE] + ["final_europe_canada_spending",
                                              "capability_lost_to_attacks"]
    panels.append(figures.kpi_difference_chart(comparison, kpis))
    return panels


def comparison_dashboard(runs: list[RunResults], comparison: pd.DataFrame, target: Path
                         ) -> list[go.Figure]:
    panels = comparison_figures(runs, comparison)
    names = ", ".join(html.escape(run.name) for run in runs)
    body = (f"<h1>Scenario comparison</h1><p class='muted'>{names}; replication i of every "
            "scenario uses the same random streams (common random numbers); differences "
            f"are paired, relative to {html.escape(runs[0].name)}.</p>"
            + "".join(_text_block(run) for run in runs) + panels_html(panels))
    atomic_write_text(target, page_html("Scenario comparison - alliance-sim", body))
    return panels
