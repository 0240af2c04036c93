"""Sweep and sensitivity dashboards: how the varied inputs relate to the KPIs, read from a
sweep folder's stored results (never re-run).

- Parallel coordinates: one line per design point (KPI means over its replications), one
  axis per input and KPI; brushing an axis filters the lines.
- Scatter matrix: every input against every KPI, point by point.
- Sensitivity: Sobol S1 and ST (or Morris mu_star against sigma) per KPI, with intervals.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.dashboards.figures import layout, safe
from sim.dashboards.page import page_html, panels_html
from sim.dashboards.palette import colour
from sim.experiment.evaluators import describe_input, describe_kpi
from sim.experiment.folder_checks import read_csv, read_manifest, read_parquet
from sim.outputs import Output
from sim.writers import atomic_write_text

# Beyond this many dots or lines a chart is ink, not information (and a heavy page):
# larger sweeps are drawn from a fixed random sample, said in the title.
MAX_SHOWN = 5000


TICK_LIMIT = 14  # characters of a category that fit left of a parallel-coordinates axis


def _dimension(values: pd.Series, output: Output) -> dict[str, Any]:
    """A parcoords axis labelled with its unit; words become evenly spaced ticks. Plotly
    draws an axis label as markup (escaped here) but tick texts as plain text (shown as
    they are)."""
    label = safe(output.axis_title)
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        dimension = {"label": label, "values": values.to_numpy(dtype=float)}
        if output.unit.tickformat:
            dimension["tickformat"] = output.unit.tickformat
        return dimension
    categories = sorted(values.astype(str).unique())
    codes = values.astype(str).map({name: i for i, name in enumerate(categories)})
    return {"label": label, "values": codes.to_numpy(dtype=float),
            "tickvals": list(range(len(categories))),
            "ticktext": [name if len(name) <= TICK_LIMIT else name[:TICK_LIMIT - 1] + "…"
                         for name in categories]}


def _two_lines(output: Output) -> str:
    """``label<br>(unit)``, escaped: names in a sweep come from its experiment file."""
    unit = f"<br>({safe(output.unit.shown)})" if output.unit.shown else ""
    return safe(output.label) + unit


def _sample(frame: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    if len(frame) <= MAX_SHOWN:
        return frame, ""
    return frame.sample(MAX_SHOWN, random_state=0), f" ({MAX_SHOWN} sampled)"


def parallel_coordinates(points: pd.DataFrame, inputs: list[Output], kpis: list[Output]
                         ) -> go.Figure:
    """One line per design point; points where a KPI is undefined in every replication
    (NaN) cannot be drawn as a line and are left out, and said."""
    total = len(points)
    defined = points[[kpi.name for kpi in kpis]].notna().all(axis=1)
    points, shown = _sample(points[defined])
    missing = f"; {int((~defined).sum())} with an undefined KPI left out" \
        if (~defined).any() else ""
    colour_by = points[kpis[0].name].to_numpy(dtype=float)
    figure = go.Figure(go.Parcoords(
        line={"color": colour_by, "colorscale": "Viridis", "showscale": True,
              "colorbar": {"title": safe(kpis[0].axis_title)}},
        dimensions=[_dimension(points[o.name], o) for o in [*inputs, *kpis]]))
    layout(figure, "parallel-coordinates", f"Inputs and KPIs of {total} design points"
           f"{shown}{missing}", "", "", height=560,
           subtitle="mean over replications; drag along an axis to filter")
    # Labels at -30 degrees: parallel and an axis apart, they never run into each other.
    figure.update_layout(margin={"l": 90, "r": 90, "t": 230, "b": 40}, height=640,
                         title={"y": 0.98, "yanchor": "top"})
    figure.update_traces(labelangle=-30, labelside="top", labelfont={"size": 11})
    return figure


def scatter_matrix(runs: pd.DataFrame, inputs: list[Output], kpis: list[Output]
                   ) -> go.Figure:
    """Rows: KPIs; columns: inputs; one dot per run (a sample when there are many)."""
    sample, shown = _sample(runs)
    figure = make_subplots(rows=len(kpis), cols=len(inputs), shared_xaxes="columns",
                           shared_yaxes="rows", horizontal_spacing=0.02,
                           vertical_spacing=0.03)
    layout(figure, "scatter-matrix", f"Every KPI against every input: {len(runs)} runs"
           f"{shown}", "", "", height=max(420, 190 * len(kpis)),
           subtitle="runs where a KPI is undefined (NaN) have no dot in its row")
    for row, kpi in enumerate(kpis, start=1):
        for column, path in enumerate(inputs, start=1):
            values = sample[path.name]
            numeric = pd.api.types.is_numeric_dtype(values) and \
                not pd.api.types.is_bool_dtype(values)
            # Words become category ticks, which plotly renders as markup: escaped.
            figure.add_trace(go.Scattergl(
                x=values if numeric else values.astype(str).map(safe),
                y=sample[kpi.name], mode="markers",
                marker={"size": 3, "color": colour(row - 1), "opacity": 0.5},
                showlegend=False, hovertemplate=f"{safe(path.axis_title)} %{{x}}<br>"
                f"{safe(kpi.axis_title)} %{{y}}<extra></extra>"), row=row, col=column)
            if row == len(kpis):
                figure.update_xaxes(title_text=safe(path.axis_title), row=row, col=column)
            if column == 1:
                figure.update_yaxes(title={"text": _two_lines(kpi), "font": {"size": 11}},
                                    row=row, col=column)
            if kpi.unit.tickformat:
                figure.update_yaxes(tickformat=kpi.unit.tickformat, row=row, col=column)
    figure.update_layout(margin={"l": 110, "r": 20, "t": 80, "b": 60})
    return figure


def _header(manifest: dict[str, Any], folder: Path) -> str:
    experiment = manifest["experiment"]
    design = experiment["design"]
    factors = "".join(
        f"<li><code>{html.escape(f['path'])}</code>: "
        + (html.escape(", ".join(map(str, f["values"]))) if f["kind"] == "values"
           else f"{f['low']:g} to {f['high']:g}")
        + html.escape(_unit_text(experiment["model"], f["path"])) + "</li>"
        for f in experiment["parameters"])
    state = "complete" if manifest.get("complete") else "INCOMPLETE"
    return (f"<h1>{html.escape(experiment['name'])}</h1>"
            f"<p class='muted'>Sweep folder {html.escape(str(folder))}</p>"
            f"<section class='scenario'><p>{html.escape(experiment['description'])}</p>"
            f"<p class='muted'>{html.escape(design['method'])} design, "
            f"{manifest['points']} points x {experiment['replications']} replications "
            f"(common random numbers), root seed {experiment['seed']}, {state}. "
            f"{_model_text(manifest)}.</p>"
            f"<ul>{factors}</ul></section>")


def _unit_text(model: str, path: str) -> str:
    unit = describe_input(model, path).unit.name
    return f" ({unit})" if unit else ""


def _model_text(manifest: dict[str, Any]) -> str:
    if manifest["experiment"]["model"] == "alliance":
        return f"Scenario: {html.escape(str(manifest.get('scenario_name', '')))}"
    return f"Model: the {html.escape(manifest['experiment']['model'])} test function"


def sweep_dashboard(folder: Path) -> tuple[Path, list[go.Figure]]:
    """dashboard.html of a sweep folder."""
    manifest = read_manifest(folder)
    experiment = manifest["experiment"]
    model = experiment["model"]
    inputs = [describe_input(model, factor["path"]) for factor in experiment["parameters"]]
    kpis = [describe_kpi(model, kpi) for kpi in experiment["kpis"]]
    points = read_csv(folder / "points.csv")
    runs = read_parquet(folder / "kpis.parquet",
                        columns=[output.name for output in [*inputs, *kpis]])
    panels = [parallel_coordinates(points, inputs, kpis), scatter_matrix(runs, inputs, kpis)]
    target = folder / "dashboard.html"
    atomic_write_text(target, page_html(f"{experiment['name']} - sweep",
                                        _header(manifest, folder)
                                        + panels_html(panels, wide=True)))
    return target, panels


def sobol_chart(indices: pd.DataFrame, kpi: str, model: str) -> go.Figure:
    """S1 and ST of each input (largest ST first) with 95 % intervals; for the Ishigami
    check, the analytic values as marks."""
    figure = go.Figure()
    output = describe_kpi(model, kpi)
    for number, index in enumerate(("S1", "ST")):
        rows = indices[(indices["kpi"] == kpi) & (indices["index"] == index)]
        labels = [safe(describe_input(model, p).label) for p in rows["parameter"]]
        figure.add_bar(x=labels, y=rows["value"],
                       name={"S1": "first order S1", "ST": "total ST"}[index],
                       marker_color=colour(number), offsetgroup=index,
                       error_y={"type": "data", "symmetric": False,
                                "array": rows["ci_high"] - rows["value"],
                                "arrayminus": rows["value"] - rows["ci_low"]})
        if rows["analytic"].notna().any():
            figure.add_trace(go.Scatter(
                x=labels, y=rows["analytic"], mode="markers", offsetgroup=index,
                name=f"analytic {index}", marker={"symbol": "line-ew-open", "size": 22,
                                                  "color": "#000", "line": {"width": 3}}))
    layout(figure, f"sobol-{kpi}", f"Sobol indices of {safe(output.label)}",
           "input (largest total effect first)", "share of the KPI's variance (0-1)",
           subtitle="95 % bootstrap intervals; ST - S1: the share due to interactions")
    figure.update_layout(barmode="group", scattermode="group")
    figure.update_yaxes(rangemode="tozero")
    return figure


def morris_chart(indices: pd.DataFrame, kpi: str, model: str) -> go.Figure:
    """mu* against sigma per input, in the KPI's unit (percentage points for shares)."""
    rows = indices[indices["kpi"] == kpi].pivot(index="parameter", columns="index",
                                                 values=["value", "ci_low", "ci_high"])
    output = describe_kpi(model, kpi)
    scale = output.unit.scale
    unit = "% points" if output.unit.shown.startswith("%") else output.unit.shown
    labels = [safe(describe_input(model, p).label) for p in rows.index]
    mu, sigma = rows[("value", "mu_star")] * scale, rows[("value", "sigma")] * scale
    # Inputs with next to no effect crowd the origin: named in the subtitle, not on it.
    negligible = (mu < 0.05 * mu.max()).to_numpy() if mu.max() > 0 else \
        np.zeros(len(mu), dtype=bool)
    figure = go.Figure(go.Scatter(
        x=mu, y=sigma, mode="markers+text",
        text=["" if small else label for label, small in zip(labels, negligible,
                                                              strict=True)],
        textposition="top center", cliponaxis=False,
        customdata=[safe(p) for p in rows.index],
        hovertemplate="%{customdata}<br>mu* %{x:.4g}, sigma %{y:.4g} " + unit
        + "<extra></extra>", marker={"size": 10, "color": colour(0)},
        error_x={"type": "data", "symmetric": False,
                 "array": rows[("ci_high", "mu_star")] * scale - mu,
                 "arrayminus": mu - rows[("ci_low", "mu_star")] * scale}))
    layout(figure, f"morris-{kpi}", f"Morris screening of {safe(output.label)}",
           f"mu*: mean |effect| over the full range ({unit})", f"sigma ({unit})",
           subtitle="95 % bootstrap interval of mu*; right: influential; up (sigma): "
           "non-linear or interacting" + ("<br>next to no effect (mu* under 5 % of the largest): "
                            + ", ".join(label for label, small in zip(labels, negligible,
                                                                      strict=True) if small)
                            if negligible.any() else ""))
    figure.update_xaxes(rangemode="tozero")
    figure.update_yaxes(rangemode="tozero")
    return figure


def sensitivity_dashboard(folder: Path, method: str, indices: pd.DataFrame, target: Path,
                          warnings: list[str] | None = None,
                          skipped: dict[str, str] | None = None) -> list[go.Figure]:
    manifest = read_manifest(folder)
    model = manifest["experiment"]["model"]
    chart = sobol_chart if method == "sobol" else morris_chart
    panels = [chart(indices, kpi, model) for kpi in dict.fromkeys(indices["kpi"])]
    table = indices.assign(parameter=[describe_input(model, p).axis_title
                                      for p in indices["parameter"]]).dropna(
        axis=1, how="all").to_html(index=False, float_format=lambda v: f"{v:.4f}",
                                   classes="indices", border=0, na_rep="")  # escapes text
    notes = "".join(f"<p class='warning'>Warning: {html.escape(text)}</p>"
                    for text in warnings or [])
    notes += "".join(f"<p class='muted'>No indices for {html.escape(kpi)}: "
                     f"{html.escape(reason)}.</p>" for kpi, reason in (skipped or {}).items())
    body = (_header(manifest, folder)
            + f"<h2>{'Sobol' if method == 'sobol' else 'Morris'} sensitivity</h2>" + notes
            + panels_html(panels) + "<h2>Indices (inputs by effect, largest first)</h2>"
            + table)
    atomic_write_text(target, page_html(f"{manifest['experiment']['name']} - sensitivity",
                                        body))
    return panels
