"""The dashboards' panels. Each takes the runs to draw - one for a run's dashboard, several
(the reference first) for a comparison - and reads labels and units from
sim/outputs.py; time runs along calendar axes with the scenario's events marked."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.dashboards.events import add_attack_marks, add_event_markers
from sim.dashboards.figures import (
    PANEL_HEIGHT,
    add_fan,
    bands_text,
    date_axis,
    labels_that_fit,
    layout,
    periods,
    safe,
    steps_to_dates,
    time_axis_title,
)
from sim.dashboards.palette import PATHWAY_COLOURS, colour
from sim.outputs import KPIS, TIMESERIES, describe, drivers
from sim.outputs import kpi as describe_kpi
from sim.results import RunResults
from sim.statistics import spearman

PATHWAYS = ("national", "standards", "pooled", "hubs")
# The fan charts, in page order.
FAN_FIGURES = ("effective_capability", "cohesion", "interoperability", "readiness",
               "defence_spending")
CAPABILITY_NOTE = ("capability unit: USD 1 bn of equipment at 2024 reference prices x "
                   "readiness x interoperability factor")


def _colours(runs: list[RunResults]) -> list[str]:
    return [colour(index) for index in range(len(runs))]


def _name(run: RunResults) -> str:
    return safe(run.name)


def fan_chart(runs: list[RunResults], column: str) -> go.Figure:
    """One figure over time: median and bands per run, with the scenarios' events (and,
    on capability, the hybrid attacks)."""
    output = TIMESERIES[column]
    figure = go.Figure()
    colours = _colours(runs)
    for run, hue in zip(runs, colours, strict=True):
        add_fan(figure, run.timeseries, output, run.calendar, _name(run), hue,
                overlaid=len(runs) > 1, show_legend=len(runs) > 1)
    layout(figure, column.replace("_", "-"), f"{output.label}: {bands_text(len(runs))}",
           time_axis_title(runs[0].calendar), output.axis_title)
    date_axis(figure, runs[0].calendar)
    add_event_markers(figure, runs, colours)
    if column == "effective_capability":
        figure.add_annotation(text=CAPABILITY_NOTE, xref="paper", yref="paper", x=0, y=1.0,
                              showarrow=False, font={"size": 10, "color": "#555"},
                              xanchor="left", yanchor="bottom")
        if len(runs) == 1:  # overlaid runs' attacks: in the drivers panel, one colour each
            add_attack_marks(figure, runs[0])
    return figure


def _add_mean_line(figure: go.Figure, run: RunResults, column: str, hue: str,
                   value: str, row: int) -> None:
    """The mean over replications of a timeseries column, quarter by quarter, as steps;
    ``value``: its hover text (a plotly template)."""
    mean = run.timeseries.groupby("step")[column].mean()
    figure.add_trace(go.Scatter(
        x=steps_to_dates(run.calendar, mean.index), y=mean, mode="lines",
        line={"color": hue, "width": 2, "shape": "hv"}, name=_name(run),
        legendgroup=_name(run), showlegend=False, text=periods(run.calendar, mean.index),
        hovertemplate=f"%{{text}}: {value}<extra>{_name(run)}</extra>"), row=row, col=1)


def drivers_chart(runs: list[RunResults]) -> go.Figure:
    """The exogenous drivers, one row each on a shared calendar axis, and the hybrid
    attacks per quarter; injects and scripted decisions marked across all rows."""
    outputs = drivers(list(runs[0].timeseries.columns))
    rows = len(outputs) + 1
    figure = make_subplots(rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.035,
                           subplot_titles=[o.label for o in outputs]
                           + ["Hybrid attacks (mean per run)"])
    layout(figure, "drivers", f"Drivers ({bands_text(len(runs))}) and hybrid attacks",
           "", "", height=170 * rows + 120)
    colours = _colours(runs)
    for row, output in enumerate(outputs, start=1):
        for run, hue in zip(runs, colours, strict=True):
            if output.unit.scale == 100:  # a 0/1 flag: the share of runs, not a fan
                _add_mean_line(figure, run, output.name, hue, "%{y:.0%} of runs", row)
                figure.update_yaxes(tickformat=".0%", range=[0, 1.05], row=row, col=1)
            else:
                add_fan(figure, run.timeseries, output, run.calendar, _name(run), hue,
                        overlaid=len(runs) > 1, row=row, col=1,
                        show_legend=row == 1 and len(runs) > 1)
        # Drivers are never negative: a flat zero (no aid) shows as 0 to 1, not -1 to 1.
        figure.update_yaxes(title={"text": output.unit.shown, "font": {"size": 11}},
                            rangemode="nonnegative", row=row, col=1)
    for run, hue in zip(runs, colours, strict=True):
        series = run.timeseries[["step", "attacks"]]  # not every column of every row
        attacks = series[series["step"] > 0].groupby("step")["attacks"].mean()
        figure.add_trace(go.Bar(
            x=steps_to_dates(run.calendar, attacks.index), y=attacks,
            marker_color=hue if len(runs) > 1 else "#D55E00", name=_name(run),
            legendgroup=_name(run), showlegend=False,
            text=periods(run.calendar, attacks.index), textposition="none",
            hovertemplate="%{text}: %{y:.2f} attacks per run<extra>" + _name(run)
            + "</extra>"), row=rows, col=1)
    figure.update_yaxes(title={"text": "attacks (count)", "font": {"size": 11}},
                        rangemode="tozero", row=rows, col=1)
    figure.update_layout(barmode="group", bargap=0.1)
    date_axis(figure, runs[0].calendar)
    figure.update_xaxes(title="", selector=lambda axis: axis.anchor != f"y{rows}")
    add_event_markers(figure, runs, colours)
    return figure


def allocation_chart(runs: list[RunResults]) -> go.Figure:
    """Procurement by pathway over time, mean over runs; side by side in a comparison."""
    figure = make_subplots(rows=1, cols=len(runs), shared_yaxes=True,
                           horizontal_spacing=0.04,
                           subplot_titles=[_name(run) for run in runs] if len(runs) > 1
                           else None)
    for col, run in enumerate(runs, start=1):
        mean = run.timeseries.groupby("step")[[f"spend_{p}" for p in PATHWAYS]].mean()
        total = mean.sum(axis=1).replace(0, np.nan)
        x = steps_to_dates(run.calendar, mean.index)
        for pathway in PATHWAYS:
            share = (mean[f"spend_{pathway}"] / total).fillna(0.0)
            figure.add_trace(go.Scatter(
                x=x, y=share, stackgroup=f"run{col}", name=pathway,
                line={"color": PATHWAY_COLOURS[pathway]}, legendgroup=pathway,
                showlegend=col == 1, text=periods(run.calendar, mean.index),
                hovertemplate="%{text}<br>%{y:.1%} of procurement<extra>" + pathway
                + "</extra>"), row=1, col=col)
        date_axis(figure, run.calendar, row=1, col=col)
    layout(figure, "pathways", "Procurement by pathway (mean over runs)",
           time_axis_title(runs[0].calendar), "share of procurement spending (%)")
    figure.update_yaxes(tickformat=".0%", range=[0, 1])
    for col in range(2, len(runs) + 1):  # one y title, one x title: the panel is one chart
        figure.update_yaxes(title="", row=1, col=col)
    if len(runs) > 1:
        figure.update_xaxes(dtick="M24")
    if len(runs) == 1:
        add_event_markers(figure, runs, _colours(runs))
    return figure


def nation_order(run: RunResults) -> tuple[list[str], list[str]]:
    """The nations both heatmaps show, in one order (by code, top to bottom), and those
    left out: nations without armed forces spend nothing, so they have no shares."""
    members = run.manifest["scenario"]["nations"]["members"]
    shown = sorted(m["code"] for m in members if m.get("defence_pct_gdp", 0) > 0)
    left_out = sorted(m["code"] for m in members if not m.get("defence_pct_gdp", 0) > 0)
    return shown, left_out


def _left_out_text(left_out: list[str]) -> str:
    return f"; {', '.join(left_out)}: no armed forces, not shown" if left_out else ""


def _nation_heatmap(run: RunResults, values: pd.DataFrame, name: str, title: str,
                    x_title: str, subtitle: str, **heatmap: object) -> go.Figure:
    """Nations down (in ``nation_order``), ``values``' columns across."""
    codes, left_out = nation_order(run)
    figure = go.Figure(go.Heatmap(
        z=values.reindex(codes).to_numpy(),
        x=[safe(str(column).replace("_", " ")) for column in values.columns],
        y=[safe(code) for code in codes], **heatmap))
    layout(figure, name, title, x_title, "nation",
           height=max(PANEL_HEIGHT, 16 * len(codes) + 150),
           subtitle=subtitle + _left_out_text(left_out))
    figure.update_yaxes(dtick=1, tickfont={"size": 10}, autorange="reversed")
    return figure


def nation_pathway_heatmap(run: RunResults, spending: pd.DataFrame) -> go.Figure:
    """``spending``: each nation's spending per pathway summed over the run."""
    sums = spending.reindex(nation_order(run)[0])[[f"spend_{p}" for p in PATHWAYS]]
    shares = sums.fillna(0.0).set_axis(list(PATHWAYS), axis=1)
    shares = shares.div(shares.sum(axis=1).replace(0, np.nan), axis=0)
    return _nation_heatmap(
        run, shares, "nation-pathways", "Nation x pathway: share of procurement",
        "pathway", "summed over the run and its replications", colorscale="Cividis",
        zmin=0, zmax=1, colorbar={"title": "share", "tickformat": ".0%"},
        hovertemplate="%{y}, %{x}: %{z:.1%} of its procurement<extra></extra>")


def membership_heatmap(run: RunResults) -> go.Figure:
    programmes = run.programmes
    replications = max(int(run.kpis["replication"].nunique()), 1)
    codes = nation_order(run)[0]
    areas = [area["name"] for area in run.manifest["scenario"]["alliance"]["areas"]]
    counts = pd.DataFrame(0.0, index=codes, columns=areas)
    if not programmes.empty:
        agreed = programmes[(programmes["kind"] == "programme")
                            & (programmes["agreed_step"] >= 0)]
        # One row per (member, area) of every agreed programme, counted in one pass
        # (exploding only the area: every column would be copied once per member).
        pairs = agreed[["area"]].assign(code=agreed["members"].astype(str).str.split()) \
            .explode("code")
        counts = pd.crosstab(pairs["code"], pairs["area"]).reindex(
            index=codes, columns=areas, fill_value=0).astype(float)
    return _nation_heatmap(
        run, counts / replications, "memberships", "Membership of agreed pooled programmes",
        "capability area", "programmes joined per run", colorscale="Blues", zmin=0,
        colorbar={"title": "programmes<br>per run"},
        hovertemplate="%{y} in %{x}: %{z:.2f} agreed programmes per run<extra></extra>")


def _judged(run: RunResults) -> pd.DataFrame:
    """Milestones that fell due by the horizon (pending ones are not judged)."""
    milestones = run.milestones
    return milestones if milestones.empty else milestones[milestones["status"] != "pending"]


def milestone_chart(runs: list[RunResults]) -> go.Figure:
    """One run: units promised against delivered by each due quarter (per run). Several:
    units delivered by the due date as a share of those promised, by due year."""
    if len(runs) > 1:
        return milestone_comparison(runs)
    run = runs[0]
    unit = describe("promised_units", "milestones").unit
    figure = go.Figure()
    judged = _judged(run)
    if judged.empty:
        figure.add_annotation(text="no milestone fell due by the horizon", showarrow=False,
                              xref="paper", yref="paper", x=0.5, y=0.5)
    else:
        due = judged.groupby("due_step").agg(
            promised=("promised_units", "sum"), delivered=("delivered_at_due", "sum"),
            on_time=("status", lambda s: float((s == "on_time").mean())))
        replications = max(int(run.kpis["replication"].nunique()), 1)
        x, text = steps_to_dates(run.calendar, due.index), periods(run.calendar, due.index)
        figure.add_trace(go.Bar(x=x, y=due["promised"] / replications, name="promised",
                                marker_color="#999999", text=text, textposition="none",
                                hovertemplate="due %{text}<br>promised %{y:.1f} "
                                f"{unit.shown}<extra></extra>"))
        figure.add_trace(go.Bar(
            x=x, y=due["delivered"] / replications, name="delivered by the due quarter",
            marker_color=colour(0), customdata=due["on_time"], text=text,
            textposition="none", hovertemplate="due %{text}<br>delivered %{y:.1f} "
            f"{unit.shown}<br>on time: %{{customdata:.0%}}<extra></extra>"))
    figure.update_layout(barmode="group")
    layout(figure, "milestones", "Milestones due: units promised against delivered",
           time_axis_title(run.calendar), f"units by the due quarter ({unit.shown})",
           subtitle="per run, summed over the milestones due each quarter")
    date_axis(figure, run.calendar)
    return figure


def milestone_comparison(runs: list[RunResults]) -> go.Figure:
    figure = go.Figure()
    for index, run in enumerate(runs):
        judged = _judged(run)
        if judged.empty:
            continue
        dates = run.calendar.dates(judged["due_step"].astype(int).tolist())
        by_year = judged.assign(year=[day.year for day in dates]).groupby("year").agg(
            promised=("promised_units", "sum"), delivered=("delivered_at_due", "sum"),
            on_time=("status", lambda s: float((s == "on_time").mean())),
            count=("status", "size"))
        figure.add_trace(go.Scatter(
            x=[f"{year}-07-01" for year in by_year.index],
            y=by_year["delivered"] / by_year["promised"], mode="lines+markers",
            line={"color": colour(index), "width": 2.5}, name=_name(run),
            customdata=np.stack([by_year["on_time"], by_year["count"]], axis=-1),
            text=[str(year) for year in by_year.index],
            hovertemplate="due in %{text}: %{y:.0%} of the promised units delivered<br>"
            "%{customdata[0]:.0%} of %{customdata[1]} milestones on time<extra>"
            + _name(run) + "</extra>"))
    figure.add_hline(y=1, line={"color": "#999", "width": 1, "dash": "dash"})
    layout(figure, "milestones", "Milestones due: units delivered against promised",
           time_axis_title(runs[0].calendar), "delivered by the due date (% of promised)",
           subtitle="by the year the milestones fell due, over all runs; 100 %: as promised")
    figure.update_yaxes(tickformat=".0%", rangemode="tozero")
    date_axis(figure, runs[0].calendar)
    return figure


def delivery_curve(runs: list[RunResults]) -> go.Figure:
    """The share of runs whose first joint delivery came by each quarter: the time to a
    first joint delivery with the runs that never delivered kept in (censored at the
    horizon), not averaged in as if they had delivered after it."""
    output = KPIS["time_to_first_joint_delivery"]
    figure = go.Figure()
    never_text = []
    for index, run in enumerate(runs):
        times = run.kpis[output.name].to_numpy(dtype=float)
        steps = list(range(run.horizon + 1))
        reached = [float(np.mean(times <= step)) if times.size else 0.0 for step in steps]
        never = f"{int(np.isnan(times).sum())} of {times.size} runs"
        never_text.append(never if len(runs) == 1 else f"{_name(run)} {never}")
        figure.add_trace(go.Scatter(
            x=steps_to_dates(run.calendar, steps), y=reached, mode="lines",
            line={"shape": "hv", "color": colour(index), "width": 2.5}, name=_name(run),
            text=periods(run.calendar, steps), showlegend=len(runs) > 1,
            hovertemplate="by %{text}: %{y:.0%} of runs<extra>" + _name(run)
            + "</extra>"))
    layout(figure, "first-joint-delivery", "Runs with a first joint delivery, by quarter",
           time_axis_title(runs[0].calendar), "runs with a joint delivery (% of runs)",
           subtitle=f"none by {runs[0].calendar.readable(runs[0].horizon)} in "
           f"{', '.join(never_text)}<br>runs without one stay in the denominator (censored, "
           "not averaged)")
    figure.update_yaxes(tickformat=".0%", range=[0, 1.03])
    date_axis(figure, runs[0].calendar)
    add_event_markers(figure, runs, _colours(runs), with_labels=False)
    return figure


def burden_chart(runs: list[RunResults], at_horizon: list[pd.DataFrame]) -> go.Figure:
    """GDP against defence share of GDP at the horizon (median over runs per nation)."""
    gdp, share = describe("gdp_usd_bn", "nations"), describe("defence_pct_gdp", "nations")
    figure = go.Figure()
    rhos = []
    for index, (run, rows) in enumerate(zip(runs, at_horizon, strict=True)):
        per_nation = rows.groupby("code")[["gdp_usd_bn", "defence_pct_gdp"]].median()
        spenders = per_nation[per_nation["defence_pct_gdp"] > 0]
        x = spenders["gdp_usd_bn"].to_numpy()
        y = spenders["defence_pct_gdp"].to_numpy()
        rhos.append(f"{_name(run)} {spearman(x, y):+.2f}" if len(runs) > 1
                    else f"{spearman(x, y):+.2f}")
        labels = labels_that_fit(x, y, priority=x, log_x=True) if index == 0 \
            else np.zeros(x.size, dtype=bool)
        figure.add_trace(go.Scatter(
            x=x, y=y, mode="markers+text", name=_name(run),
            text=[safe(c) if keep else "" for c, keep in zip(spenders.index, labels,
                                                             strict=True)],
            textposition="top center", textfont={"size": 10},
            customdata=[safe(c) for c in spenders.index],
            marker={"color": colour(index) if len(runs) > 1 else "#D55E00", "size": 9,
                    "opacity": 0.85},
            hovertemplate="%{customdata}<br>GDP %{x:,.0f} " + gdp.unit.shown
            + "<br>defence %{y:.2f} " + share.unit.shown + "<extra>" + _name(run)
            + "</extra>"))
    figure.update_xaxes(type="log")
    when = runs[0].calendar.readable(runs[0].horizon)
    return layout(figure, "burden", f"Burden sharing at {when}",
                  f"GDP ({gdp.unit.shown}, log scale)", f"defence spending ({share.unit.shown})",
                  subtitle=f"median over runs per nation<br>Spearman rank correlation of GDP "
                  f"and defence share: {', '.join(rhos)} (NATO 2024: -0.02)")


def disruption_chart(runs: list[RunResults]) -> go.Figure:
    """Capability lost to hybrid attacks (fan) above the production lines down (mean)."""
    lost = TIMESERIES["capability_lost_to_attacks"]
    lines = TIMESERIES["lines_disabled"]
    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                           row_heights=[0.6, 0.4],
                           subplot_titles=[f"{lost.label} ({bands_text(len(runs))})",
                                           f"{lines.label} (mean over runs)"])
    layout(figure, "disruption", "Hybrid attacks: capability lost and production lines down",
           "", "", height=480)
    colours = _colours(runs)
    for run, hue in zip(runs, colours, strict=True):
        add_fan(figure, run.timeseries, lost, run.calendar, _name(run), hue,
                overlaid=len(runs) > 1, row=1, col=1, show_legend=len(runs) > 1)
        _add_mean_line(figure, run, lines.name, hue, "%{y:.2f} lines down", row=2)
    figure.update_yaxes(title=lost.unit.shown, rangemode="tozero", row=1, col=1)
    figure.update_yaxes(title=f"lines ({lines.unit.shown})", rangemode="tozero",
                        row=2, col=1)
    date_axis(figure, runs[0].calendar)
    figure.update_xaxes(title="", row=1, col=1)
    add_event_markers(figure, runs, colours)
    return figure


def kpi_difference_chart(comparison: pd.DataFrame, kpis: list[str]) -> go.Figure:
    """Differences as a share of the reference mean, so KPIs of any scale share one axis;
    hover gives the difference in the KPI's own unit with its interval and how it was
    computed (paired or Welch)."""
    figure = go.Figure()
    labels = [describe_kpi(kpi).label for kpi in kpis]
    for index, (scenario, rows) in enumerate(comparison.groupby("scenario", sort=False)):
        rows = rows.set_index("kpi").reindex(kpis)
        scale = rows["reference_mean"].abs().replace(0.0, np.nan)
        relative = (rows["mean_difference"] / scale * 100).fillna(0.0)
        low = (rows["ci_low"] / scale * 100).fillna(relative)
        high = (rows["ci_high"] / scale * 100).fillna(relative)
        hover = []
        for kpi, row in rows.iterrows():
            unit = describe_kpi(str(kpi)).unit
            interval = "no interval" if math.isnan(row["ci_low"]) else \
                f"95 % CI {unit.difference(row['ci_low'])} to {unit.difference(row['ci_high'])}"
            hover.append(f"{unit.difference(row['mean_difference'])} ({interval}; "
                         f"{row['method']}, n = {int(row['n'])})")
        figure.add_trace(go.Bar(
            y=labels, x=relative, orientation="h", name=safe(scenario),
            marker_color=colour(index + 1),
            error_x={"type": "data", "symmetric": False, "array": high - relative,
                     "arrayminus": relative - low},
            customdata=hover,
            hovertemplate="%{y}: %{x:+.1f} % of the reference mean<br>%{customdata}<extra>"
            + safe(scenario) + "</extra>"))
    reference = safe(comparison["reference"].iloc[0]) if len(comparison) else ""
    layout(figure, "kpi-differences", f"KPI differences from {reference}: mean with 95 % "
           "confidence interval", "difference (% of the reference mean)", "KPI",
           height=max(420, 30 * len(kpis) * max(1, comparison["scenario"].nunique()) + 160))
    figure.update_layout(barmode="group")
    figure.update_yaxes(autorange="reversed")
    figure.add_vline(x=0, line={"color": "#333", "width": 1})
    return figure
