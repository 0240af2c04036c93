"""Plotly figures from stored results. Text from scenario files never reaches a figure
unescaped (see ``safe``): plotly renders a subset of HTML in titles and legends."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.dashboards.palette import PATHWAY_COLOURS, colour, with_alpha
from sim.results import RunResults
from sim.statistics import spearman

PATHWAYS = ("national", "standards", "pooled", "hubs")

# Fan-chart metrics: column, title, axis label with unit.
FAN_METRICS = (
    ("effective_capability", "Effective capability", "capability units"),
    ("cohesion", "Alliance cohesion", "index (0-1)"),
    ("interoperability", "Interoperability", "share of capability-weighted pairs (0-1)"),
    ("readiness", "Readiness", "share of stock available (0-1)"),
    ("defence_spending", "Defence spending", "USD bn per quarter"),
)


def safe(text: str) -> str:
    """Escape scenario-supplied text for plotly's HTML-like labels. Quotes stay: without
    ``<`` no tag can open, and plotly would show ``&quot;`` as it is."""
    return html.escape(str(text), quote=False)


def _layout(figure: go.Figure, title: str, x_title: str, y_title: str) -> go.Figure:
    figure.update_layout(title=title, template="plotly_white", height=380,
                         margin={"l": 70, "r": 20, "t": 60, "b": 60},
                         legend={"orientation": "h", "y": -0.25})
    figure.update_xaxes(title=x_title)
    figure.update_yaxes(title=y_title)
    return figure


def quantiles(series: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per step: 5, 25, 50, 75 and 95 % quantiles over replications."""
    grouped = series.groupby("step")[column]
    return pd.DataFrame({f"q{int(q * 100):02d}": grouped.quantile(q)
                         for q in (0.05, 0.25, 0.5, 0.75, 0.95)}).reset_index()


def add_fan(figure: go.Figure, series: pd.DataFrame, column: str, name: str, hue: str,
            bands: bool = True) -> None:
    band = quantiles(series, column)
    steps = band["step"].tolist()
    if bands:
        for low, high, alpha, label in (("q05", "q95", 0.15, "90 % band"),
                                        ("q25", "q75", 0.3, "50 % band")):
            figure.add_trace(go.Scatter(
                x=steps + steps[::-1], y=band[high].tolist() + band[low].tolist()[::-1],
                fill="toself", fillcolor=with_alpha(hue, alpha), line={"width": 0},
                name=f"{name}: {label}", hoverinfo="skip", legendgroup=name,
                showlegend=False))
    figure.add_trace(go.Scatter(
        x=steps, y=band["q50"], mode="lines", line={"color": hue, "width": 2.5},
        name=f"{name} (median)", legendgroup=name,
        customdata=np.stack([band["q05"], band["q25"], band["q75"], band["q95"]], axis=-1),
        hovertemplate="quarter %{x}<br>median %{y:.3g}<br>50 %: %{customdata[1]:.3g} - "
        "%{customdata[2]:.3g}<br>90 %: %{customdata[0]:.3g} - %{customdata[3]:.3g}"
        "<extra>" + name + "</extra>"))


CAPABILITY_NOTE = ("capability unit: USD 1 bn of equipment at 2024 reference prices, times "
                   "readiness and an interoperability factor")


def fan_chart(runs: list[RunResults], column: str, title: str, unit: str) -> go.Figure:
    figure = go.Figure()
    for index, run in enumerate(runs):
        add_fan(figure, run.timeseries, column, safe(run.name), colour(index),
                bands=True)
    figure = _layout(figure, f"{title}: median with 50 % and 90 % bands", "quarter", unit)
    if column == "effective_capability":
        figure.add_annotation(text=CAPABILITY_NOTE, xref="paper", yref="paper", x=0, y=1.02,
                              showarrow=False, font={"size": 10, "color": "#555"},
                              xanchor="left", yanchor="bottom")
    return figure


def allocation_chart(run: RunResults) -> go.Figure:
    mean = run.timeseries.groupby("step")[[f"spend_{p}" for p in PATHWAYS]].mean()
    total = mean.sum(axis=1).replace(0, np.nan)
    figure = go.Figure()
    for pathway in PATHWAYS:
        share = (mean[f"spend_{pathway}"] / total).fillna(0.0)
        figure.add_trace(go.Scatter(
            x=mean.index, y=share, stackgroup="one", name=pathway,
            line={"color": PATHWAY_COLOURS[pathway]},
            hovertemplate="quarter %{x}<br>%{y:.1%} of procurement<extra>" + pathway +
            "</extra>"))
    figure.update_yaxes(tickformat=".0%")
    return _layout(figure, "Procurement by pathway (mean over runs)", "quarter",
                   "share of procurement spending")


def nation_pathway_heatmap(spending: pd.DataFrame) -> go.Figure:
    """``spending``: each nation's spending per pathway summed over the run."""
    sums = spending[[f"spend_{p}" for p in PATHWAYS]]
    shares = sums.div(sums.sum(axis=1).replace(0, np.nan), axis=0).fillna(0.0)
    shares = shares.sort_values("spend_national")
    figure = go.Figure(go.Heatmap(
        z=shares.to_numpy(), x=list(PATHWAYS), y=[safe(c) for c in shares.index],
        colorscale="Cividis", zmin=0, zmax=1, colorbar={"title": "share"},
        hovertemplate="%{y}, %{x}: %{z:.1%} of its procurement<extra></extra>"))
    figure = _layout(figure, "Nation x pathway: share of procurement", "pathway", "nation")
    figure.update_layout(height=max(380, 16 * len(shares) + 140))
    figure.update_yaxes(dtick=1, tickfont={"size": 10})
    return figure


def membership_heatmap(run: RunResults) -> go.Figure:
    programmes = run.programmes
    replications = max(int(run.kpis["replication"].nunique()), 1)
    codes = sorted(member["code"] for member in run.manifest["scenario"]["nations"]["members"])
    areas = [area["name"] for area in run.manifest["scenario"]["alliance"]["areas"]]
    counts = pd.DataFrame(0.0, index=codes, columns=areas)
    if not programmes.empty:
        agreed = programmes[(programmes["kind"] == "programme")
                            & (programmes["agreed_step"] >= 0)]
        # One row per (member, area) of every agreed programme, counted in one pass.
        pairs = agreed.assign(code=agreed["members"].astype(str).str.split()) \
            .explode("code")
        counts = pd.crosstab(pairs["code"], pairs["area"]).reindex(
            index=codes, columns=areas, fill_value=0).astype(float)
    share = counts / replications
    figure = go.Figure(go.Heatmap(
        z=share.to_numpy(), x=[safe(a) for a in areas], y=[safe(c) for c in codes],
        colorscale="Blues", colorbar={"title": "per run"},
        hovertemplate="%{y} in %{x}: %{z:.2f} agreed programmes per run<extra></extra>"))
    figure = _layout(figure, "Membership of agreed pooled programmes (per run)",
                     "capability area", "nation")
    figure.update_layout(height=max(380, 16 * len(codes) + 160))
    figure.update_yaxes(dtick=1, tickfont={"size": 10})
    return figure


def milestone_chart(run: RunResults) -> go.Figure:
    milestones = run.milestones
    if not milestones.empty:  # promises not yet due by the horizon are not judged
        milestones = milestones[milestones["status"] != "pending"]
    figure = go.Figure()
    if milestones.empty:
        figure.add_annotation(text="no milestones fell due", showarrow=False)
        return _layout(figure, "Milestones: promised against delivered", "due quarter",
                       "units")
    due = milestones.groupby("due_step").agg(
        promised=("promised_units", "sum"), delivered=("delivered_at_due", "sum"),
        on_time=("status", lambda s: float((s == "on_time").mean())), count=("status", "size"))
    replications = max(int(run.kpis["replication"].nunique()), 1)
    figure.add_trace(go.Bar(x=due.index, y=due["promised"] / replications, name="promised",
                            marker_color="#999999",
                            hovertemplate="due quarter %{x}<br>promised %{y:.1f} units"
                            "<extra></extra>"))
    figure.add_trace(go.Bar(x=due.index, y=due["delivered"] / replications,
                            name="delivered by the due quarter", marker_color="#0072B2",
                            customdata=due["on_time"],
                            hovertemplate="due quarter %{x}<br>delivered %{y:.1f} units<br>"
                            "on time: %{customdata:.0%}<extra></extra>"))
    figure.update_layout(barmode="group")
    return _layout(figure, "Milestones due: promised against delivered (per run)",
                   "due quarter", "capability units")


def burden_chart(at_horizon: pd.DataFrame) -> go.Figure:
    """``at_horizon``: nations' rows at the last quarter (one per replication)."""
    per_nation = at_horizon.groupby("code")[["gdp_usd_bn", "defence_pct_gdp"]].median()
    spenders = per_nation[per_nation["defence_pct_gdp"] > 0]
    rho = spearman(spenders["gdp_usd_bn"].to_numpy(), spenders["defence_pct_gdp"].to_numpy())
    figure = go.Figure(go.Scatter(
        x=spenders["gdp_usd_bn"], y=spenders["defence_pct_gdp"], mode="markers+text",
        text=[safe(c) for c in spenders.index], textposition="top center",
        marker={"color": "#D55E00", "size": 9},
        hovertemplate="%{text}<br>GDP %{x:,.0f} bn USD<br>defence %{y:.2f} % of GDP"
        "<extra></extra>"))
    figure.update_xaxes(type="log")
    return _layout(figure, f"Burden sharing at the horizon (Spearman {rho:+.2f}; NATO 2024: "
                   "-0.02)", "GDP (USD bn per year, log scale)", "defence spending (% of GDP)")


def disruption_chart(run: RunResults) -> go.Figure:
    figure = go.Figure()
    add_fan(figure, run.timeseries, "capability_lost_to_attacks",
            "capability lost to attacks", "#56B4E9")
    lines = run.timeseries.groupby("step")["lines_disabled"].mean()
    figure.add_trace(go.Scatter(
        x=lines.index, y=lines, yaxis="y2", mode="lines", name="lines disabled (mean)",
        line={"color": "#D55E00", "dash": "dot"},
        hovertemplate="quarter %{x}<br>%{y:.2f} production lines disabled<extra></extra>"))
    figure = _layout(figure, "Hybrid attacks: capability lost and production lines disabled",
                     "quarter", "capability lost (capability units)")
    figure.update_layout(yaxis2={"title": "production lines disabled", "overlaying": "y",
                                 "side": "right", "rangemode": "tozero"})
    return figure


def kpi_difference_chart(comparison: pd.DataFrame, kpis: list[str]) -> go.Figure:
    """Paired differences as a share of the reference mean, so KPIs of any scale share one
    axis; hover gives the absolute difference and its interval."""
    figure = go.Figure()
    for index, (scenario, rows) in enumerate(comparison.groupby("scenario", sort=False)):
        rows = rows.set_index("kpi").reindex(kpis)
        scale = rows["reference_mean"].abs().replace(0.0, np.nan)
        relative = (rows["mean_difference"] / scale * 100).fillna(0.0)
        low = (rows["ci_low"] / scale * 100).fillna(0.0)
        high = (rows["ci_high"] / scale * 100).fillna(0.0)
        figure.add_trace(go.Bar(
            y=kpis, x=relative, orientation="h", name=safe(scenario),
            marker_color=colour(index + 1),
            error_x={"type": "data", "symmetric": False, "array": high - relative,
                     "arrayminus": relative - low},
            customdata=np.stack([rows["mean_difference"], rows["ci_low"], rows["ci_high"]],
                                axis=-1),
            hovertemplate="%{y}: %{x:+.1f} % (%{customdata[0]:+.4g}; 95 % CI "
            "%{customdata[1]:+.4g} to %{customdata[2]:+.4g})<extra>" + safe(scenario) +
            "</extra>"))
    figure.update_layout(barmode="group", height=max(420, 26 * len(kpis) + 160))
    reference = safe(comparison["reference"].iloc[0]) if len(comparison) else ""
    return _layout(figure, f"KPI differences from {reference}: paired mean with 95 % "
                   "confidence interval", "difference (% of the reference mean)", "KPI")
