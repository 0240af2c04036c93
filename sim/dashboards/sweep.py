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

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.dashboards.figures import safe
from sim.dashboards.page import page_html, panels_html
from sim.dashboards.palette import colour
from sim.experiment.folder_checks import read_csv, read_manifest, read_parquet
from sim.writers import atomic_write_text

# Beyond this many dots or lines a chart is ink, not information (and a heavy page):
# larger sweeps are drawn from a fixed random sample, said in the title.
MAX_SHOWN = 5000


TICK_LIMIT = 14  # characters of a category that fit left of a parallel-coordinates axis


def _dimension(values: pd.Series, label: str) -> dict[str, Any]:
    """A parcoords axis; words become evenly spaced ticks. Plotly draws an axis label as
    markup (escaped here) but tick texts as plain text (shown as they are)."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return {"label": safe(label), "values": values.to_numpy(dtype=float)}
    categories = sorted(values.astype(str).unique())
    codes = values.astype(str).map({name: i for i, name in enumerate(categories)})
    return {"label": safe(label), "values": codes.to_numpy(dtype=float),
            "tickvals": list(range(len(categories))),
            "ticktext": [name if len(name) <= TICK_LIMIT else name[:TICK_LIMIT - 1] + "…"
                         for name in categories]}


def _short(path: str) -> str:
    return path.rsplit(".", 1)[-1]


def _sample(frame: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    if len(frame) <= MAX_SHOWN:
        return frame, ""
    return frame.sample(MAX_SHOWN, random_state=0), f" ({MAX_SHOWN} sampled)"


def parallel_coordinates(points: pd.DataFrame, inputs: list[str], kpis: list[str]
                         ) -> go.Figure:
    total = len(points)
    points, shown = _sample(points)
    colour_by = points[kpis[0]].to_numpy(dtype=float)
    figure = go.Figure(go.Parcoords(
        line={"color": colour_by, "colorscale": "Viridis", "showscale": True,
              "colorbar": {"title": safe(_short(kpis[0]))}},
        dimensions=[_dimension(points[c], _short(c)) for c in [*inputs, *kpis]]))
    figure.update_layout(title=f"Inputs and KPIs of {total} design points{shown} (mean "
                         "over replications; drag along an axis to filter)",
                         template="plotly_white", height=520,
                         margin={"l": 90, "r": 90, "t": 130, "b": 40})
    figure.update_traces(labelangle=-25, labelside="top")
    return figure


def scatter_matrix(runs: pd.DataFrame, inputs: list[str], kpis: list[str]) -> go.Figure:
    """Rows: KPIs; columns: inputs; one dot per run (a sample when there are many)."""
    sample, shown = _sample(runs)
    figure = make_subplots(rows=len(kpis), cols=len(inputs), shared_xaxes="columns",
                           shared_yaxes="rows", horizontal_spacing=0.02,
                           vertical_spacing=0.03)
    for row, kpi in enumerate(kpis, start=1):
        for column, path in enumerate(inputs, start=1):
            numeric = pd.api.types.is_numeric_dtype(sample[path]) and \
                not pd.api.types.is_bool_dtype(sample[path])
            # Words become category ticks, which plotly renders as markup: escaped.
            figure.add_trace(go.Scattergl(
                x=sample[path] if numeric else sample[path].astype(str).map(safe),
                y=sample[kpi], mode="markers",
                marker={"size": 3, "color": colour(row - 1), "opacity": 0.5},
                showlegend=False, hovertemplate=f"{safe(_short(path))} %{{x}}<br>"
                f"{safe(kpi)} %{{y}}<extra></extra>"), row=row, col=column)
            if row == len(kpis):
                figure.update_xaxes(title_text=safe(_short(path)), row=row, col=column)
            if column == 1:
                figure.update_yaxes(title_text=safe(_short(kpi)), row=row, col=column)
    figure.update_layout(title=f"Every KPI against every input: {len(runs)} runs{shown}",
                         template="plotly_white", height=max(420, 190 * len(kpis)),
                         margin={"l": 80, "r": 20, "t": 60, "b": 60})
    return figure


def _header(manifest: dict[str, Any], folder: Path) -> str:
    experiment = manifest["experiment"]
    design = experiment["design"]
    factors = "".join(
        f"<li><code>{html.escape(f['path'])}</code>: "
        + (html.escape(", ".join(map(str, f["values"]))) if f["kind"] == "values"
           else f"{f['low']:g} to {f['high']:g}") + "</li>"
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


def _model_text(manifest: dict[str, Any]) -> str:
    if manifest["experiment"]["model"] == "alliance":
        return f"Scenario: {html.escape(str(manifest.get('scenario_name', '')))}"
    return f"Model: the {html.escape(manifest['experiment']['model'])} test function"


def sweep_dashboard(folder: Path) -> tuple[Path, list[go.Figure]]:
    """dashboard.html of a sweep folder."""
    manifest = read_manifest(folder)
    experiment = manifest["experiment"]
    inputs = [factor["path"] for factor in experiment["parameters"]]
    kpis = experiment["kpis"]
    points = read_csv(folder / "points.csv")
    runs = read_parquet(folder / "kpis.parquet", columns=[*inputs, *kpis])
    panels = [parallel_coordinates(points, inputs, kpis), scatter_matrix(runs, inputs, kpis)]
    target = folder / "dashboard.html"
    atomic_write_text(target, page_html(f"{experiment['name']} - sweep",
                                        _header(manifest, folder)
                                        + panels_html(panels, wide=True)))
    return target, panels


def sobol_chart(indices: pd.DataFrame, kpi: str) -> go.Figure:
    figure = go.Figure()
    for number, index in enumerate(("S1", "ST")):
        rows = indices[(indices["kpi"] == kpi) & (indices["index"] == index)]
        figure.add_bar(x=[safe(_short(p)) for p in rows["parameter"]], y=rows["value"],
                       name={"S1": "first order S1", "ST": "total ST"}[index],
                       marker_color=colour(number),
                       error_y={"type": "data", "symmetric": False,
                                "array": rows["ci_high"] - rows["value"],
                                "arrayminus": rows["value"] - rows["ci_low"]})
    figure.update_layout(title=f"Sobol indices of {safe(kpi)} (95 % bootstrap CI)",
                         template="plotly_white", height=380, barmode="group",
                         yaxis={"title": "share of variance", "rangemode": "tozero"},
                         legend={"orientation": "h", "y": -0.25})
    return figure


def morris_chart(indices: pd.DataFrame, kpi: str) -> go.Figure:
    rows = indices[indices["kpi"] == kpi].pivot(index="parameter", columns="index",
                                                 values=["value", "ci_low", "ci_high"])
    figure = go.Figure(go.Scatter(
        x=rows[("value", "mu_star")], y=rows[("value", "sigma")], mode="markers+text",
        text=[safe(_short(p)) for p in rows.index], textposition="top center",
        customdata=[safe(p) for p in rows.index],
        hovertemplate="%{customdata}<br>mu* %{x:.4g}, sigma %{y:.4g}<extra></extra>",
        marker={"size": 10, "color": colour(0)},
        error_x={"type": "data", "symmetric": False,
                 "array": rows[("ci_high", "mu_star")] - rows[("value", "mu_star")],
                 "arrayminus": rows[("value", "mu_star")] - rows[("ci_low", "mu_star")]}))
    figure.update_layout(title=f"Morris screening of {safe(kpi)} (95 % CI of mu*)",
                         template="plotly_white", height=380,
                         xaxis={"title": "mu* (mean |effect| over the full range)",
                                "rangemode": "tozero"},
                         yaxis={"title": "sigma (non-linearity, interactions)",
                                "rangemode": "tozero"})
    return figure


def sensitivity_dashboard(folder: Path, method: str, indices: pd.DataFrame, target: Path
                          ) -> list[go.Figure]:
    manifest = read_manifest(folder)
    chart = sobol_chart if method == "sobol" else morris_chart
    panels = [chart(indices, kpi) for kpi in dict.fromkeys(indices["kpi"])]
    table = indices.to_html(index=False, float_format=lambda v: f"{v:.4f}",
                            classes="indices", border=0)  # escapes cell text
    body = (_header(manifest, folder)
            + f"<h2>{'Sobol' if method == 'sobol' else 'Morris'} sensitivity</h2>"
            + panels_html(panels) + f"<h2>Indices</h2>{table}")
    atomic_write_text(target, page_html(f"{manifest['experiment']['name']} - sensitivity",
                                        body))
    return panels
