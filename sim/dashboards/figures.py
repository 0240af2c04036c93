"""The plotting toolkit every panel shares: escaped text, one layout, calendar time axes,
axis titles with units (sim/outputs.py), and fan charts (median with 50 % and 90 %
bands). Text from scenario files never reaches a figure unescaped (see ``safe``): plotly
renders a subset of HTML in titles and legends."""

from __future__ import annotations

import html
import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.calendar import Calendar
from sim.dashboards.palette import OKABE_ITO, with_alpha
from sim.outputs import Output

PANEL_HEIGHT = 400
# Characters of a subtitle line (11 px) that fit a half-page panel of a 1280 px page.
SUBTITLE_WIDTH = 95
_AXIS = {"gridcolor": "#EBF0F8", "linecolor": "#EBF0F8", "zerolinecolor": "#EBF0F8",
         "zerolinewidth": 2, "ticks": "", "automargin": True, "title": {"standoff": 15}}
# plotly_white's look, cut to what the panels use: plotly copies a figure's template into
# it, and the whole of plotly_white cost more than drawing a dashboard's panels.
TEMPLATE = go.layout.Template(layout={
    "font": {"color": "#2a3f5f"}, "paper_bgcolor": "white", "plot_bgcolor": "white",
    "hoverlabel": {"align": "left"}, "hovermode": "closest", "title": {"x": 0.05},
    "xaxis": _AXIS, "yaxis": _AXIS, "colorway": list(OKABE_ITO),
    "annotationdefaults": {"arrowcolor": "#2a3f5f", "arrowhead": 0, "arrowwidth": 1},
    "shapedefaults": {"line": {"color": "#2a3f5f"}}, "autotypenumbers": "strict"})
PERIOD_NAMES = {4: "quarter", 12: "month", 2: "half-year", 1: "year"}


def safe(text: str) -> str:
    """Escape scenario-supplied text for plotly's HTML-like labels. Quotes stay: without
    ``<`` no tag can open, and plotly would show ``&quot;`` as it is."""
    return html.escape(str(text), quote=False)


def layout(figure: go.Figure, name: str, title: str, x_title: str, y_title: str,
           height: int = PANEL_HEIGHT, subtitle: str = "") -> go.Figure:
    """The common look; ``name`` identifies the panel (PNG file names, page anchors);
    ``subtitle``: smaller lines under the title (``<br>`` between lines), each wrapped here
    at the width of a half-page panel, since plotly cuts a long line off at the panel's
    edge (a comparison's names make some long)."""
    lines = [part for line in subtitle.split("<br>")
             for part in textwrap.wrap(line, SUBTITLE_WIDTH, break_long_words=False,
                                       break_on_hyphens=False) or [""]] if subtitle else []
    title += "".join(f"<br><span style='font-size:11px;color:#555'>{line}</span>"
                     for line in lines)
    # The title hangs from the top, its lines (about 20 px each) above the plot however
    # many there are (centred in the margin, as plotly places it, a third line reached
    # into the plot).
    figure.update_layout(title={"text": title, "font": {"size": 15}, "yref": "container",
                                "y": 1, "yanchor": "top", "pad": {"t": 20}},
                         template=TEMPLATE, height=height, meta={"panel": name},
                         margin={"l": 80, "r": 30, "t": 56 + 20 * max(len(lines), 1),
                                 "b": 60},
                         # Below the x axis title, whatever the figure's height.
                         legend={"orientation": "h", "yanchor": "top", "y": -90 / height},
                         font={"size": 12})
    figure.update_xaxes(title=x_title)
    figure.update_yaxes(title=y_title)
    return figure


def labels_that_fit(x: np.ndarray, y: np.ndarray, priority: np.ndarray,
                    log_x: bool = False) -> np.ndarray:
    """Which points of a scatter get a text label: in order of ``priority`` (highest
    first), every point whose label would not sit on one already placed (the rest are in
    the hover)."""
    across = np.log10(x) if log_x else np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    span_x = max(float(np.ptp(across)), 1e-9)
    span_y = max(float(np.ptp(y)), 1e-9)
    keep = np.zeros(across.size, dtype=bool)
    for i in np.argsort(-np.asarray(priority, dtype=float), kind="stable"):
        near = keep & (np.abs(across - across[i]) < 0.075 * span_x) \
            & (np.abs(y - y[i]) < 0.085 * span_y)
        keep[i] = not near.any()
    return keep


def panel_name(figure: go.Figure) -> str:
    meta = figure.layout.meta
    return str(meta["panel"]) if isinstance(meta, dict) and "panel" in meta else "panel"


def time_axis_title(calendar: Calendar) -> str:
    return PERIOD_NAMES.get(calendar.steps_per_year, "period")


def date_axis(figure: go.Figure, calendar: Calendar, **where: int) -> None:
    """A calendar x axis: a tick each year, the period in hover."""
    figure.update_xaxes(type="date", dtick="M12", tickformat="%Y",
                        title=time_axis_title(calendar), **where)


def steps_to_dates(calendar: Calendar, steps: pd.Index | list[int]) -> list[str]:
    """The first day of each step's period, as ISO text: plotly reads it as a date, and
    figures sent as plain JSON (the play app's widgets) carry it too."""
    return [day.isoformat() for day in calendar.dates([int(step) for step in steps])]


def periods(calendar: Calendar, steps: pd.Index | list[int]) -> list[str]:
    return [calendar.readable(int(step)) for step in steps]


def quantiles(series: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per step: 5, 25, 50, 75 and 95 % quantiles over replications (undefined values,
    NaN, left out)."""
    grouped = series.groupby("step")[column]
    return pd.DataFrame({f"q{int(q * 100):02d}": grouped.quantile(q)
                         for q in (0.05, 0.25, 0.5, 0.75, 0.95)}).reset_index()


def add_fan(figure: go.Figure, series: pd.DataFrame, output: Output, calendar: Calendar,
            name: str, hue: str, *, overlaid: bool = False, row: int | None = None,
            col: int | None = None, show_legend: bool = True) -> None:
    """The median line with its 50 % and 90 % bands filled (one run), or - where several
    runs are overlaid - with its 50 % band as two thin edges and no 90 % band: filled
    bands of two colours blend into a third colour that belongs to neither run."""
    band = quantiles(series, output.name)
    x = steps_to_dates(calendar, band["step"])
    where = {"row": row, "col": col} if row is not None else {}
    unit = output.unit
    if overlaid:
        for edge in ("q25", "q75"):
            figure.add_trace(go.Scatter(
                x=x, y=band[edge], mode="lines", hoverinfo="skip", legendgroup=name,
                line={"color": hue, "width": 1, "dash": "dot"}, showlegend=False,
                name=f"{name}: 50 % band"), **where)
    else:
        for low, high, alpha, label in (("q05", "q95", 0.13, "90 % band"),
                                        ("q25", "q75", 0.28, "50 % band")):
            figure.add_trace(go.Scatter(
                x=x + x[::-1], y=band[high].tolist() + band[low].tolist()[::-1],
                mode="lines", fill="toself", fillcolor=with_alpha(hue, alpha), line={"width": 0},
                name=f"{name}: {label}", hoverinfo="skip", legendgroup=name,
                showlegend=False), **where)
    value_format = ".1%" if unit.scale == 100 else ".4~g"
    suffix = unit.shown[1:] if unit.shown.startswith("%") else f" {unit.shown}"
    figure.add_trace(go.Scatter(
        x=x, y=band["q50"], mode="lines", line={"color": hue, "width": 2.5},
        name=name, legendgroup=name, showlegend=show_legend,
        text=periods(calendar, band["step"]),
        customdata=np.stack([band["q05"], band["q25"], band["q75"], band["q95"]], axis=-1),
        hovertemplate=f"%{{text}}<br>median %{{y:{value_format}}}{suffix}<br>50 %: "
        f"%{{customdata[1]:{value_format}}} - %{{customdata[2]:{value_format}}}<br>90 %: "
        f"%{{customdata[0]:{value_format}}} - %{{customdata[3]:{value_format}}}"
        f"<extra>{name}</extra>"), **where)
    if unit.tickformat:
        figure.update_yaxes(tickformat=unit.tickformat, **where)


def bands_text(runs: int) -> str:
    """What the fans show, for a title."""
    return "median, 50 % and 90 % of runs" if runs == 1 else \
        "median and 50 % of runs (dotted)"
