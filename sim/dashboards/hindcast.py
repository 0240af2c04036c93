"""``hindcast.html``: a run of scenarios/hindcast_2014.yaml against NATO's figures - the
modelled 2024 shares of GDP against the observed ones, the error per ally, and the
European allies' and Canada's share over the decade with NATO's aggregates."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.analysis.hindcast import GUIDELINE, NATO_EUROPE_CANADA, HindcastScores
from sim.dashboards.events import add_event_markers
from sim.dashboards.figures import add_fan, date_axis, labels_that_fit, layout, safe
from sim.dashboards.page import page_html, panels_html
from sim.dashboards.palette import colour
from sim.outputs import EUROPE_CANADA_PCT_GDP, HINDCAST
from sim.results import RunResults
from sim.writers import atomic_write_text

OBSERVED_COLOUR = "#D55E00"


def scatter_chart(scores: HindcastScores, when: str) -> go.Figure:
    """Modelled (median, 5-95 % bar) against observed shares, one point per ally, with the
    45-degree line (a perfect hindcast) and the 2 % guideline."""
    allies = scores.allies
    unit = HINDCAST["observed"].unit.shown
    top = float(max(allies["observed"].max(), allies["model_q95"].max())) * 1.05
    # Labels on the allies furthest from the line first, where they fit; the crowd near
    # 2 % is in the hover.
    labelled = labels_that_fit(allies["observed"].to_numpy(), allies["model_median"].to_numpy(),
                               priority=allies["error"].abs().to_numpy())
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=[0, top], y=[0, top], mode="lines", name="model = observed",
                                line={"color": "#999", "width": 1, "dash": "dash"},
                                hoverinfo="skip"))
    figure.add_trace(go.Scatter(
        x=allies["observed"].tolist(), y=allies["model_median"], mode="markers+text",
        name="ally: model median, 5-95 % of runs",
        text=[safe(code) if keep else "" for code, keep in zip(allies["code"], labelled,
                                                                strict=True)],
        textposition="middle right", textfont={"size": 9},
        marker={"color": colour(0), "size": 8},
        error_y={"type": "data", "symmetric": False,
                 "array": allies["model_q95"] - allies["model_median"],
                 "arrayminus": allies["model_median"] - allies["model_q05"],
                 "thickness": 1, "width": 0, "color": "rgba(0,114,178,0.5)"},
        customdata=np.stack([allies["model_q05"], allies["model_q95"], allies["error"]],
                            axis=-1),
        hovertext=[safe(code) for code in allies["code"]],
        hovertemplate="%{hovertext}<br>observed %{x:.2f} " + unit + "<br>model median %{y:.2f} "
        + unit + " (5-95 %: %{customdata[0]:.2f} - %{customdata[1]:.2f})<br>error of the "
        "mean %{customdata[2]:+.2f} pp<extra></extra>"))
    for line in ("h", "v"):
        getattr(figure, f"add_{line}line")(
            GUIDELINE, line={"color": OBSERVED_COLOUR, "width": 1, "dash": "dot"})
    layout(figure, "hindcast-scatter", f"Defence spending at {when}: model against NATO",
           f"observed, NATO 2024 ({unit})", f"model ({unit})", height=560,
           subtitle="dashed: model = observed; dotted: the 2 % guideline; bars: 5-95 % of "
           "runs<br>allies named where the label fits, the largest errors first (all in "
           "the hover)")
    figure.update_xaxes(range=[0, top])
    figure.update_yaxes(range=[0, top])
    return figure


def error_chart(scores: HindcastScores) -> go.Figure:
    """Per ally, model mean less observed, sorted; the bar spans the runs' 5-95 % range
    less observed."""
    allies = scores.allies.sort_values("error")
    unit = HINDCAST["error"].unit.shown
    figure = go.Figure(go.Bar(
        y=[safe(code) for code in allies["code"]], x=allies["error"].tolist(), orientation="h",
        marker_color=[colour(0) if error >= 0 else OBSERVED_COLOUR
                      for error in allies["error"]],
        error_x={"type": "data", "symmetric": False,
                 "array": allies["model_q95"] - allies["observed"] - allies["error"],
                 "arrayminus": allies["error"] - (allies["model_q05"] - allies["observed"]),
                 "thickness": 1, "color": "#555"},
        customdata=np.stack([allies["observed"], allies["model"]], axis=-1),
        hovertemplate="%{y}: %{x:+.2f} " + unit + "<br>observed %{customdata[0]:.2f}, "
        "model mean %{customdata[1]:.2f} % of GDP<extra></extra>", name="error"))
    figure.add_vline(x=0, line={"color": "#333", "width": 1})
    layout(figure, "hindcast-errors", "Error per ally: model mean less observed",
           f"error ({unit})", "ally", height=max(560, 20 * len(allies) + 160),
           subtitle="orange: the model is below NATO's figure; whiskers: 5-95 % of runs")
    figure.update_yaxes(dtick=1, tickfont={"size": 10})
    return figure


def aggregate_chart(run: RunResults, series: pd.DataFrame, modelled: tuple[float, float]
                    ) -> go.Figure:
    """The European allies' and Canada's share of GDP over the run (fan), with NATO's own
    aggregates at the start and the end; ``modelled``: the score's start and end."""
    output = EUROPE_CANADA_PCT_GDP
    figure = go.Figure()
    add_fan(figure, series, output, run.calendar, "model", colour(0), show_legend=True)
    calendar = run.calendar
    years = {calendar.date(step).year: step for step in range(run.horizon + 1)
             if calendar.readable(step).endswith("Q4")}
    points = [(years[year], value) for year, value in NATO_EUROPE_CANADA.items()
              if year in years]
    figure.add_trace(go.Scatter(
        x=[calendar.date(step).isoformat() for step, _ in points],
        y=[value for _, value in points], mode="markers", name="NATO (observed)",
        marker={"color": OBSERVED_COLOUR, "size": 11, "symbol": "diamond"},
        text=[calendar.readable(step) for step, _ in points],
        hovertemplate="NATO, %{text} (annual figure): %{y:.2f} % of GDP<extra></extra>"))
    layout(figure, "hindcast-europe-canada", f"{output.label}: model and NATO",
           "quarter", output.axis_title,
           subtitle=f"GDP-weighted; median, 50 % and 90 % of runs; score: "
           f"{modelled[0]:.2f} -> {modelled[1]:.2f} % (weighted by modelled GDP) against "
           f"NATO {NATO_EUROPE_CANADA[2014]:.2f} -> {NATO_EUROPE_CANADA[2024]:.2f} %")
    date_axis(figure, calendar)
    add_event_markers(figure, [run], [colour(0)])
    return figure


def scores_html(lines: list[tuple[str, str]]) -> str:
    return ("<table class='indices'>" + "".join(
        f"<tr><th style='text-align:left'>{html.escape(name)}</th>"
        f"<td style='text-align:left'>{html.escape(value)}</td></tr>" for name, value in lines)
        + "</table>")


def hindcast_page(run: RunResults, scores: HindcastScores, series: pd.DataFrame,
                  lines: list[tuple[str, str]], when: str, note: str, target: Path
                  ) -> list[go.Figure]:
    """Write ``target``; ``lines``: the scores as the terminal prints them (name, value
    with its unit)."""
    panels = [scatter_chart(scores, when), error_chart(scores),
              aggregate_chart(run, series, scores.europe_canada[:2])]
    body = (f"<h1>Hindcast: {html.escape(run.name)} against NATO's figures</h1>"
            f"<p class='muted'>Run folder {html.escape(str(run.path))}; "
            f"{int(run.kpis['replication'].nunique())} replications.</p>"
            + scores_html(lines) + f"<p class='muted'>{html.escape(note)}</p>"
            + panels_html(panels[:2]) + panels_html(panels[2:], wide=True))
    atomic_write_text(target, page_html(f"Hindcast {run.name} - alliance-sim", body))
    return panels
