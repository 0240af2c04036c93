"""Where capability comes from: the change in effective capability split into its three
parts - equipment stock, readiness and interoperability (the log-mean Divisia split of
MODEL.md 3.3.10, stored per quarter as ``capability_from_<part>`` and summed over the run
in the KPIs of the same name)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.dashboards.events import add_event_markers
from sim.dashboards.figures import date_axis, layout, periods, safe, steps_to_dates
from sim.dashboards.palette import colour
from sim.outputs import KPIS, TIMESERIES
from sim.results import RunResults

PARTS = ("stock", "readiness", "interoperability")
PART_NAMES = {"stock": "equipment stock", "readiness": "readiness",
              "interoperability": "interoperability"}
PART_COLOURS = {"stock": "#0072B2", "readiness": "#E69F00", "interoperability": "#009E73"}
NET_COLOUR = "#333333"


def capability_sources_chart(runs: list[RunResults]) -> go.Figure:
    """One run: the parts' cumulative contributions since the start (lines, with the net
    change) above each calendar year's contributions (stacked bars; a negative part
    below zero). Several runs: each run's parts over the whole run, side by side."""
    if len(runs) > 1:
        return _comparison(runs)
    run = runs[0]
    unit = TIMESERIES["capability_from_stock"].unit.shown
    columns = [f"capability_from_{part}" for part in PARTS]
    mean = run.timeseries.groupby("step")[columns].mean().set_axis(list(PARTS), axis=1)
    cumulative = mean.cumsum()
    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.1,
                           row_heights=[0.55, 0.45], subplot_titles=[
                               "Change since the start, by part (mean over runs)",
                               "Change in each year, by part (mean over runs)"])
    layout(figure, "capability-sources",
           "Where capability comes from: equipment stock, readiness, interoperability",
           "", "", height=560,
           subtitle="the change in effective capability split into its parts (log-mean "
           "Divisia, MODEL.md 3.3.10);<br>the parts sum to the net change")
    figure.update_layout(margin={"t": 130})
    steps = list(cumulative.index)
    x, text = steps_to_dates(run.calendar, steps), periods(run.calendar, steps)
    for part in PARTS:
        figure.add_trace(go.Scatter(
            x=x, y=cumulative[part], mode="lines", name=PART_NAMES[part], legendgroup=part,
            line={"color": PART_COLOURS[part], "width": 2.5}, text=text,
            hovertemplate=f"%{{text}}: %{{y:+,.1f}} {unit} since the start<extra>"
            f"{PART_NAMES[part]}</extra>"), row=1, col=1)
    figure.add_trace(go.Scatter(
        x=x, y=cumulative.sum(axis=1), mode="lines", name="net change",
        line={"color": NET_COLOUR, "width": 1.5, "dash": "dash"}, text=text,
        hovertemplate=f"%{{text}}: %{{y:+,.1f}} {unit} since the start<extra>net change"
        "</extra>"), row=1, col=1)
    years = pd.Index([day.year for day in run.calendar.dates(steps)], name="year")
    by_year = mean[np.asarray(steps) > 0].groupby(years[np.asarray(steps) > 0]).sum()
    for part in PARTS:
        figure.add_trace(go.Bar(
            x=[f"{year}-07-01" for year in by_year.index], y=by_year[part],
            name=PART_NAMES[part], legendgroup=part, showlegend=False,
            marker_color=PART_COLOURS[part], text=[str(year) for year in by_year.index],
            textposition="none", hovertemplate=f"%{{text}}: %{{y:+,.1f}} {unit}<extra>"
            f"{PART_NAMES[part]}</extra>"), row=2, col=1)
    figure.update_layout(barmode="relative", bargap=0.25)
    for row, title in ((1, unit), (2, f"{unit} per year")):
        figure.update_yaxes(title={"text": title, "font": {"size": 11}}, row=row, col=1)
    for row in (1, 2):
        figure.add_hline(y=0, line={"color": "#999", "width": 1}, row=row, col=1)
    date_axis(figure, run.calendar)
    figure.update_xaxes(title="", row=1, col=1)
    add_event_markers(figure, runs, [colour(0)], with_labels=False)
    return figure


def _comparison(runs: list[RunResults]) -> go.Figure:
    """Per run, the KPIs ``capability_from_<part>`` (mean over replications) stacked, with
    the net change marked."""
    unit = KPIS["capability_from_stock"].unit.shown
    names = [safe(run.name) for run in runs]
    means = pd.DataFrame(
        {part: [float(run.kpis[f"capability_from_{part}"].mean()) for run in runs]
         for part in PARTS}, index=names)
    figure = go.Figure()
    for part in PARTS:
        figure.add_trace(go.Bar(
            x=names, y=means[part], name=PART_NAMES[part], marker_color=PART_COLOURS[part],
            hovertemplate=f"%{{x}}: %{{y:+,.1f}} {unit}<extra>{PART_NAMES[part]}</extra>"))
    figure.add_trace(go.Scatter(
        x=names, y=means.sum(axis=1), mode="markers", name="net change",
        marker={"symbol": "diamond", "size": 12, "color": NET_COLOUR},
        hovertemplate=f"%{{x}}: %{{y:+,.1f}} {unit}<extra>net change</extra>"))
    figure.update_layout(barmode="relative", bargap=0.45)
    figure.add_hline(y=0, line={"color": "#999", "width": 1})
    start, end = runs[0].calendar.readable(0), runs[0].calendar.readable(runs[0].horizon)
    return layout(figure, "capability-sources",
                  "Where capability comes from: equipment stock, readiness, interoperability",
                  "scenario", f"change ({unit})",
                  subtitle=f"from {start} to {end}, mean over runs (log-mean Divisia split, "
                  "MODEL.md 3.3.10);<br>the parts sum to the net change")


def capability_sources_by_area_chart(run: RunResults) -> go.Figure | None:
    """Per capability area, the parts' contributions over the whole run (mean over
    replications), stacked, with the net change marked; None when the run stored no
    per-area figures (outputs.per_area off)."""
    areas = [area["name"] for area in run.manifest["scenario"]["alliance"]["areas"]]
    columns = {area: [f"capability_from_{part}_{area}" for part in PARTS] for area in areas}
    series = run.timeseries
    if not all(column in series.columns for names in columns.values() for column in names):
        return None
    wanted = [column for names in columns.values() for column in names]
    series = series[["step", "replication", *wanted]]  # not every column of every row
    per_run = series[series["step"] > 0].groupby("replication")[wanted].sum().mean()
    labels = [area.replace("_", " ") for area in areas]
    unit = TIMESERIES["capability_from_stock"].unit.shown
    figure = go.Figure()
    for index, part in enumerate(PARTS):
        figure.add_trace(go.Bar(
            y=labels, x=[float(per_run[columns[area][index]]) for area in areas],
            orientation="h", name=PART_NAMES[part], marker_color=PART_COLOURS[part],
            hovertemplate=f"%{{y}}: %{{x:+,.1f}} {unit}<extra>{PART_NAMES[part]}</extra>"))
    figure.add_trace(go.Scatter(
        y=labels, x=[float(sum(per_run[column] for column in columns[area]))
                     for area in areas],
        mode="markers", name="net change",
        marker={"symbol": "diamond", "size": 11, "color": NET_COLOUR},
        hovertemplate=f"%{{y}}: %{{x:+,.1f}} {unit}<extra>net change</extra>"))
    figure.update_layout(barmode="relative", bargap=0.35)
    figure.add_vline(x=0, line={"color": "#999", "width": 1})
    figure.update_yaxes(autorange="reversed")
    start, end = run.calendar.readable(0), run.calendar.readable(run.horizon)
    return layout(figure, "capability-sources-by-area",
                  "Where capability comes from, by capability area",
                  f"change in effective capability ({unit})", "capability area",
                  subtitle=f"from {start} to {end}, mean over runs; the parts sum to the "
                  "area's net change")
