"""What industry delivers and who was attacked: deliveries, backlog and production capacity
per capability area over time (MODEL.md 3.3.5-3.3.6), and hybrid attacks on each
nation's production lines (MODEL.md 3.3.2)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.dashboards.events import add_event_markers
from sim.dashboards.figures import (
    PANEL_HEIGHT,
    date_axis,
    layout,
    periods,
    safe,
    steps_to_dates,
)
from sim.dashboards.palette import OKABE_ITO, colour
from sim.outputs import ATTACK_RATE, NATIONS, TIMESERIES
from sim.results import RunResults

# The rows of the industry panel: flows (drawn from quarter 1: nothing is delivered in the
# starting state) and stocks (from quarter 0).
INDUSTRY_ROWS = (("deliveries", True), ("backlog", False), ("capacity", False))


def _areas(run: RunResults) -> list[str]:
    """The run's capability areas whose per-area columns were stored (outputs.per_area)."""
    names = [area["name"] for area in run.manifest["scenario"]["alliance"]["areas"]]
    columns = set(run.timeseries.columns)
    return [name for name in names
            if all(f"{family}_{name}" in columns for family, _ in INDUSTRY_ROWS)]


def industry_chart(runs: list[RunResults]) -> go.Figure:
    """Deliveries, backlog and capacity over time (mean over runs): one run per capability
    area (totals when the run stored no per-area figures); several runs, their totals."""
    per_area = len(runs) == 1 and bool(_areas(runs[0]))
    outputs = [TIMESERIES[family] for family, _ in INDUSTRY_ROWS]
    figure = make_subplots(rows=len(outputs), cols=1, shared_xaxes=True,
                           vertical_spacing=0.07,
                           subplot_titles=[f"{output.label} (mean over runs)"
                                           for output in outputs])
    layout(figure, "industry", "Industry: deliveries, backlog and production capacity"
           + (" by capability area" if per_area else ""), "", "", height=680,
           subtitle="equipment unit: USD 1 bn of equipment at 2024 reference prices")
    figure.update_layout(margin={"t": 110})
    for row, ((family, flow), output) in enumerate(zip(INDUSTRY_ROWS, outputs, strict=True),
                                                   start=1):
        if per_area:
            lines = [(f"{family}_{area}", area.replace("_", " "), OKABE_ITO[index % 8],
                      runs[0]) for index, area in enumerate(_areas(runs[0]))]
        else:
            lines = [(family, safe(run.name), colour(index), run)
                     for index, run in enumerate(runs)]
        for column, name, hue, run in lines:
            mean = run.timeseries.groupby("step")[column].mean()
            if flow:
                mean = mean[mean.index > 0]
            figure.add_trace(go.Scatter(
                x=steps_to_dates(run.calendar, mean.index), y=mean, mode="lines",
                line={"color": hue, "width": 2}, name=name, legendgroup=name,
                showlegend=row == 1, text=periods(run.calendar, mean.index),
                hovertemplate=f"%{{text}}: %{{y:,.1f}} {output.unit.shown}<extra>{name}"
                "</extra>"), row=row, col=1)
        figure.update_yaxes(title={"text": output.unit.shown, "font": {"size": 11}},
                            rangemode="tozero", row=row, col=1)
    date_axis(figure, runs[0].calendar)
    figure.update_xaxes(title="", selector=lambda axis: axis.anchor != f"y{len(outputs)}")
    add_event_markers(figure, runs, [colour(index) for index in range(len(runs))],
                      with_labels=False)
    return figure


def attack_rates(sums: pd.DataFrame, replications: int, steps_per_year: int = 4
                 ) -> pd.DataFrame:
    """Per nation with production lines: lines hit per run, and hits per line per year
    (lines hit / line-steps x steps a year). ``sums``: nation_summaries' sums over the
    run."""
    if not {"lines_hit", "production_lines"} <= set(sums.columns):
        return pd.DataFrame(columns=["per_run", "per_line_year"])
    producers = sums[sums["production_lines"] > 0]
    return pd.DataFrame({
        "per_run": producers["lines_hit"] / max(replications, 1),
        "per_line_year": producers["lines_hit"] / producers["production_lines"]
        * steps_per_year,
    }).sort_values(["per_run", "per_line_year"])


def attacks_by_nation_chart(runs: list[RunResults], sums: list[pd.DataFrame]) -> go.Figure:
    """Who was attacked: per nation with production lines, its lines hit by hybrid attacks
    (random, and the scenario's scripted node_attack injects) per run, and per line and
    year (front-line exposure against plant size); nations in the order of the first run's
    hits."""
    hit = NATIONS["lines_hit"]
    rates = [attack_rates(frame, int(run.kpis["replication"].nunique()),
                          run.calendar.steps_per_year)
             for run, frame in zip(runs, sums, strict=True)]
    order = list(rates[0].index)
    figure = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.04,
                           subplot_titles=["Lines hit per run",
                                           "Per production line and year"])
    for index, (run, rate) in enumerate(zip(runs, rates, strict=True)):
        rate = rate.reindex(order)
        name = safe(run.name)
        hue = colour(index) if len(runs) > 1 else "#D55E00"
        for col, (column, unit, value) in enumerate(
                (("per_run", hit.unit.shown, ":.2f"),
                 ("per_line_year", ATTACK_RATE.shown, ":.4f")), start=1):
            figure.add_trace(go.Bar(
                y=[safe(code) for code in rate.index], x=rate[column], orientation="h",
                marker_color=hue, name=name, legendgroup=name,
                showlegend=len(runs) > 1 and col == 1,
                hovertemplate=f"%{{y}}: %{{x{value}}} {unit}<extra>{name}</extra>"),
                row=1, col=col)
    left_out = len(runs[0].manifest["scenario"]["nations"]["members"]) - len(order)
    start, end = runs[0].calendar.readable(1), runs[0].calendar.readable(runs[0].horizon)
    layout(figure, "attacks-by-nation", "Who was attacked: hybrid attacks on production "
           "lines, by nation", "", "nation",
           height=max(PANEL_HEIGHT, 22 * len(order) * max(1, len(runs) // 2 + 1) + 170),
           subtitle=f"lines disabled by random attacks and scripted sabotage (injects), "
           f"{start} to {end},<br>summed over the run; {left_out} nations without "
           "production lines not shown")
    figure.update_layout(margin={"t": 130})
    figure.update_yaxes(title="", row=1, col=2)
    figure.update_xaxes(title=f"lines hit per run ({hit.unit.shown})", rangemode="tozero",
                        row=1, col=1)
    figure.update_xaxes(title=f"rate ({ATTACK_RATE.shown})", rangemode="tozero", row=1, col=2)
    figure.update_yaxes(dtick=1, tickfont={"size": 10})
    figure.update_layout(barmode="group", bargap=0.2)
    recorded = {"lines_hit", "production_lines"} <= set(sums[0].columns)
    if not rates[0]["per_run"].any():
        figure.add_annotation(
            text="no production line was hit in any run" if recorded else
            "this run folder does not record lines hit (an older version wrote it)",
            showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
    return figure
