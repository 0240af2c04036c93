"""Assemble self-contained dashboard pages: plotly.js embedded once, no network request,
and every piece of text from a scenario file escaped."""

from __future__ import annotations

import html
from collections.abc import Collection
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from sim.dashboards import panels as draw
from sim.dashboards.capability_sources import (
    PARTS,
    capability_sources_by_area_chart,
    capability_sources_chart,
)
from sim.dashboards.events import scenario_events
from sim.dashboards.figures import panel_name
from sim.dashboards.industry import INDUSTRY_ROWS, attacks_by_nation_chart, industry_chart
from sim.outputs import HEADLINE_KPIS, TIMESERIES, Censoring, drivers
from sim.outputs import kpi as describe_kpi
from sim.results import RunResults
from sim.results.load import NationSummaries
from sim.writers import atomic_write_text

# The KPI cards of a run's dashboard, in order.
CARD_KPIS = ("final_capability", "final_cohesion", "min_cohesion", "final_interoperability",
             "milestone_on_time_rate", "time_to_first_joint_delivery",
             "joint_delivery_achieved", "total_defence_spending", "unit_cost",
             "mean_pooled_share")
# The comparison chart's KPIs: the headline ones and what else a reader asks about.
DIFFERENCE_KPIS = (*HEADLINE_KPIS, "joint_delivery_achieved", "final_europe_canada_spending",
                   "final_mean_defence_pct_gdp", "unit_cost", "capability_lost_to_attacks")

STYLE = """
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 1280px; padding: 1em;
       color: #222; }
h1 { margin-bottom: 0.2em; } .muted { color: #555; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr));
         gap: 0.8em; margin: 1em 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 0.7em; background: #fafafa; }
.card .value { font-size: 1.5em; font-weight: 600; }
.card .label, .card .ci { font-size: 0.85em; color: #555; }
.card .unit { font-size: 0.6em; font-weight: 400; color: #555; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(600px, 1fr));
        gap: 1em; }
.grid.wide { grid-template-columns: 1fr; }
.panel { border: 1px solid #eee; border-radius: 6px; padding: 0.3em; }
table.indices { border-collapse: collapse; font-size: 0.9em; }
table.indices th, table.indices td { padding: 0.2em 0.7em; border-bottom: 1px solid #eee;
                                     text-align: right; }
p.warning { border-left: 4px solid #D55E00; background: #fff4ec; padding: 0.5em 0.8em; }
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
    events = scenario_events(run)
    if events:
        lines.append("<p class='muted'><b>Events</b> (dotted lines on the charts):</p><ul>"
                     + "".join(f"<li>{run.calendar.readable(event.step)} (quarter "
                               f"{event.step}): {html.escape(event.label)}</li>"
                               for event in events) + "</ul>")
    seeds = run.manifest.get("seeds", {})
    lines.append(f"<p class='muted'>{int(seeds.get('replications', 0))} replications, root "
                 f"seed {html.escape(str(seeds.get('root', '')))}, "
                 f"{run.calendar.readable(1)} to {run.calendar.readable(run.horizon)} "
                 f"({run.horizon} quarters; the starting state is "
                 f"{run.calendar.readable(0)}), "
                 f"{'complete' if run.complete else 'INCOMPLETE'} run; governance "
                 f"{html.escape(str(scenario.get('alliance', {}).get('governance', '')))}"
                 f".</p></section>")
    return "\n".join(lines)


def _card(run: RunResults, kpi: str, row: pd.Series) -> str:
    output = describe_kpi(kpi)
    unit = output.unit
    total = int(row["n"]) + int(row.get("excluded", 0) or 0)
    excluded = total - int(row["n"])
    unit_text = f" <span class='unit'>{html.escape(unit.shown)}</span>" \
        if unit.shown and not unit.shown.startswith("%") else ""
    if output.censoring is Censoring.NOT_REACHED:
        median = row["q50"]
        value = f"{unit.number(median)}{unit_text}"
        reached = int(row["n"])
        note = "median" + ("" if pd.isna(median) else
                           f" ({run.calendar.readable(round(median))})")
        note += f" of the {reached} of {total} runs ({reached / max(total, 1):.0%}) that " \
            f"reached it".replace("%)", " %)")
        if excluded:
            note += f"; not reached by {run.calendar.readable(run.horizon)} in {excluded}"
    else:
        value = f"{unit.number(row['mean'])}{unit_text}"
        note = "no interval (one run)" if pd.isna(row["ci_low"]) else \
            f"95 % CI {unit.number(row['ci_low'])} to {unit.number(row['ci_high'])}"
        note += f" (n = {int(row['n'])})"
        if excluded:
            note += f"; undefined in {excluded} of {total} runs (nothing due), left out"
    return (f"<div class='card' data-kpi='{kpi}'><div class='label'>"
            f"{html.escape(output.label)}</div><div class='value'>{value}</div>"
            f"<div class='ci'>{note}</div></div>")


def _cards(run: RunResults) -> str:
    summary = run.summary.set_index("kpi") if not run.summary.empty else pd.DataFrame()
    return "<div class='cards'>" + "".join(
        _card(run, kpi, summary.loc[kpi]) for kpi in CARD_KPIS if kpi in summary.index
    ) + "</div>"


def panels_html(items: list[go.Figure], wide: bool = False) -> str:
    """The figures in a grid of panels (``wide``: one per row, the page's full width)."""
    divs = []
    for figure in items:
        divs.append("<div class='panel'>" + pio.to_html(
            figure, full_html=False, include_plotlyjs=False,
            div_id=f"panel-{panel_name(figure)}",
            config={"displaylogo": False, "responsive": True}) + "</div>")
    return f"<div class='grid{' wide' if wide else ''}'>" + "".join(divs) + "</div>"


def page_html(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{STYLE}</style>"
        f"<script type='text/javascript'>{get_plotlyjs()}</script></head><body>"
        f"{body}</body></html>")


def table_columns(areas: Collection[str]) -> dict[str, set[str]]:
    """The columns the panels of a run's and a comparison's dashboard draw from, per table
    (the nations table is summed apart: nation_summaries), with the per-area timeseries
    columns of ``areas`` (a run's panels draw its areas; a comparison's, totals).
    Dashboards read only these: the whole timeseries of 2,000 replications (133 columns)
    cost about 250 MB at its peak to read. tests/test_dashboards.py builds the pages from
    these alone and from the whole tables and finds their figures identical."""
    parts = [f"capability_from_{part}" for part in PARTS]
    families = (*parts, *(family for family, _ in INDUSTRY_ROWS))
    return {
        "timeseries": {"replication", "step", *draw.FAN_FIGURES, *families,
                       *(f"spend_{pathway}" for pathway in draw.PATHWAYS),
                       *(output.name for output in drivers(list(TIMESERIES))),
                       "attacks", "capability_lost_to_attacks", "lines_disabled",
                       *(f"{family}_{area}" for family in families for area in areas)},
        "kpis": {"replication", "time_to_first_joint_delivery", *parts},
        "programmes": {"kind", "agreed_step", "members", "area"},
        "milestones": {"status", "due_step", "promised_units", "delivered_at_due"},
    }


def run_figures(run: RunResults, nations: NationSummaries) -> list[go.Figure]:
    sums, at_horizon = nations
    by_area = capability_sources_by_area_chart(run)
    return [*(draw.fan_chart([run], column) for column in draw.FAN_FIGURES),
            capability_sources_chart([run]), *([by_area] if by_area else []),
            industry_chart([run]),
            draw.drivers_chart([run]), draw.allocation_chart([run]),
            draw.nation_pathway_heatmap(run, sums), draw.membership_heatmap(run),
            draw.milestone_chart([run]), draw.delivery_curve([run]),
            draw.burden_chart([run], [at_horizon]), draw.disruption_chart([run]),
            attacks_by_nation_chart([run], [sums])]


def run_dashboard(run: RunResults, nations: NationSummaries, target: Path
                  ) -> list[go.Figure]:
    panels = run_figures(run, nations)
    body = (f"<h1>Alliance capability: {html.escape(run.name)}</h1>"
            f"<p class='muted'>Run folder {html.escape(str(run.path))}</p>"
            + _text_block(run) + _cards(run) + panels_html(panels))
    atomic_write_text(target, page_html(f"{run.name} - alliance-sim", body))
    return panels


def comparison_figures(runs: list[RunResults], nations: list[NationSummaries],
                       comparison: pd.DataFrame) -> list[go.Figure]:
    sums, at_horizon = zip(*nations, strict=True)
    return [draw.kpi_difference_chart(comparison, list(DIFFERENCE_KPIS)),
            *(draw.fan_chart(runs, column) for column in draw.FAN_FIGURES),
            capability_sources_chart(runs), industry_chart(runs),
            draw.drivers_chart(runs), draw.allocation_chart(runs), draw.milestone_chart(runs),
            draw.delivery_curve(runs), draw.burden_chart(runs, list(at_horizon)),
            draw.disruption_chart(runs), attacks_by_nation_chart(runs, list(sums))]


def _methods(comparison: pd.DataFrame) -> str:
    """How each scenario was compared with the reference, in words."""
    parts = []
    for scenario, rows in comparison.groupby("scenario", sort=False):
        first = rows.iloc[0]
        how = (f"paired by replication on {int(rows['n'].max())} common-random-number "
               "replications (same root seed)") if first["method"] == "paired" else \
            (f"Welch's interval for independent samples ({int(rows['n_reference'].max())} "
             f"and {int(rows['n_scenario'].max())} replications on different seeds)")
        parts.append(f"{html.escape(str(scenario))}: {how}")
    return "; ".join(parts)


def comparison_dashboard(runs: list[RunResults], nations: list[NationSummaries],
                         comparison: pd.DataFrame, target: Path) -> list[go.Figure]:
    panels = comparison_figures(runs, nations, comparison)
    names = ", ".join(html.escape(run.name) for run in runs)
    method = _methods(comparison) if "method" in comparison.columns else \
        "paired by replication (common random numbers)"
    body = (f"<h1>Scenario comparison</h1><p class='muted'>{names}. Differences from "
            f"{html.escape(runs[0].name)}, with 95 % confidence intervals: {method}.</p>"
            + "".join(_text_block(run) for run in runs) + panels_html(panels))
    atomic_write_text(target, page_html("Scenario comparison - alliance-sim", body))
    return panels
