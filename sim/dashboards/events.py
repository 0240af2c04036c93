"""Events on the time charts: the scenario's injects and scripted decisions as labelled
vertical markers (read from the manifest's resolved scenario), and hybrid attacks as
marks along the bottom of a chart (read from the timeseries: their mean number per run in
each quarter)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go

from sim.calendar import Calendar
from sim.dashboards.figures import safe, steps_to_dates
from sim.results import RunResults

EVENT_GREY = "#555555"
LABEL_LENGTH = 42
ATTACK_COLOUR = "#D55E00"
# The invisible 0-1 axis the attack marks are drawn on (chosen far from any panel's own).
MARK_AXIS = "y9"


@dataclass(frozen=True)
class Event:
    step: int
    label: str


def _inject_label(inject: dict[str, Any]) -> str:
    if inject.get("label"):
        return str(inject["label"])
    target, mode = str(inject.get("target", "")), str(inject.get("mode", "set"))
    text = target.replace("_", " ")
    if target not in ("node_attack", "election", "negotiation"):
        text += {"set": " set to", "add": " changed by", "scale": " scaled by"}.get(mode, "") \
            + f" {inject.get('value', '')}"
    if inject.get("nations"):
        text += f" ({', '.join(inject['nations'])})"
    return text


def _decision_label(code: str, entry: dict[str, Any]) -> str:
    parts = []
    if entry.get("defence_pct_gdp") is not None:
        parts.append(f"{entry['defence_pct_gdp']:g} % of GDP")
    for area, split in (entry.get("allocation") or {}).items():
        shares = ", ".join(f"{pathway} {share:.0%}".replace("%", " %")
                           for pathway, share in split.items() if share)
        parts.append(f"{area.replace('_', ' ')}: {shares}")
    return f"{code} plan: " + ("; ".join(parts) if parts else "new decisions")


def scenario_events(run: RunResults) -> list[Event]:
    """The injects and scripted decisions that fall within the run's horizon."""
    scenario = run.manifest.get("scenario", {})
    horizon = run.horizon
    events = [Event(int(inject["step"]), _inject_label(inject))
              for inject in scenario.get("injects", [])]
    for nation in scenario.get("nations", {}).get("members", []):
        policy = nation.get("policy") or {}
        if policy.get("kind") == "scripted":
            events += [Event(int(entry["step"]), _decision_label(nation["code"], entry))
                       for entry in policy.get("decisions", [])]
    return sorted((e for e in events if 0 <= e.step <= horizon), key=lambda e: e.step)


def add_event_markers(figure: go.Figure, runs: list[RunResults], colours: list[str],
                      with_labels: bool = True) -> None:
    """A dotted vertical line at each event's quarter, across the whole figure, and its
    label along the line (full text in hover). Events every run shares are grey; the
    others take their run's colour."""
    seen: dict[tuple[int, str], list[int]] = {}
    for index, run in enumerate(runs):
        for event in scenario_events(run):
            seen.setdefault((event.step, event.label), []).append(index)
    by_step: dict[int, list[tuple[str, str]]] = {}
    for (step, label), owners in seen.items():
        shared = len(owners) == len(runs)
        colour = EVENT_GREY if shared or len(runs) == 1 else colours[owners[0]]
        by_step.setdefault(step, []).append((label, colour))
    areas = plot_areas(figure)
    for step, items in sorted(by_step.items()):
        calendar = _calendar_for(runs, seen, step)
        when = steps_to_dates(calendar, [step])[0]
        colour = items[0][1]
        for xref, yref in areas:
            figure.add_shape(type="line", xref=xref, yref=yref, x0=when, x1=when, y0=0,
                             y1=1, line={"color": colour, "width": 1.2, "dash": "dot"},
                             layer="below")
        if not with_labels:
            continue
        text = "; ".join(label for label, _ in items)
        short = text if len(text) <= LABEL_LENGTH else text[:LABEL_LENGTH - 1] + "…"
        xref, yref = areas[0]
        figure.add_annotation(
            x=when, y=1, xref=xref, yref=yref, text=safe(short), textangle=-90,
            showarrow=False, xanchor="right", yanchor="top", xshift=-1,
            font={"size": 10, "color": colour},
            hovertext=safe(f"{calendar.readable(step)}: {text}"), bgcolor="rgba(255,255,255,0.7)")


def plot_areas(figure: go.Figure) -> list[tuple[str, str]]:
    """(x axis, y axis domain) of each plot area of the figure, the top one first: event
    lines are drawn within each area, not across the subplot titles between them. Axes
    overlaying another (the attack marks' axis) share its area."""
    layout = figure.layout.to_plotly_json()
    areas = []
    for key, axis in layout.items():
        if not key.startswith("yaxis") or axis.get("overlaying"):
            continue
        anchor = axis.get("anchor")
        xref = anchor if anchor and anchor != "free" else "x"
        top = (axis.get("domain") or [0.0, 1.0])[1]
        areas.append((top, xref, f"y{key[5:]} domain"))
    if not areas:
        return [("x", "y domain")]
    return [(xref, yref) for _, xref, yref in sorted(areas, key=lambda area: -area[0])]


def _calendar_for(runs: list[RunResults], seen: dict[tuple[int, str], list[int]],
                  step: int) -> Calendar:
    """The calendar of the first run with an event at ``step``."""
    owner = min(index for (at, _), owners in seen.items() if at == step for index in owners)
    return runs[owner].calendar


def add_attack_marks(figure: go.Figure, run: RunResults) -> None:
    """Hybrid attacks as marks along the bottom of the chart: one per quarter with any
    attack in any replication, larger where there were more per run; hover gives the
    mean number per run."""
    series = run.timeseries[["step", "attacks"]]  # not every column of every row
    per_run = series[series["step"] > 0].groupby("step")["attacks"].mean()
    per_run = per_run[per_run > 0]
    if per_run.empty:
        return
    figure.update_layout({f"yaxis{MARK_AXIS[1:]}": {"overlaying": "y", "range": [0, 1],
                                                     "visible": False, "fixedrange": True}})
    calendar = run.calendar
    # Markers widen plotly's autorange by their size, which showed a year past the run's
    # end: the x axis keeps the span of the run's quarters.
    figure.update_xaxes(range=steps_to_dates(calendar, [0, int(series["step"].max())]))
    figure.add_trace(go.Scatter(
        x=steps_to_dates(calendar, per_run.index), y=[0.025] * len(per_run), yaxis=MARK_AXIS,
        mode="markers", name="hybrid attacks",
        marker={"symbol": "triangle-up", "size": 5 + 9 * np.sqrt(per_run / per_run.max()),
                "opacity": 0.75, "color": ATTACK_COLOUR, "line": {"width": 0.5,
                                                                  "color": "#333"}},
        text=[calendar.readable(step) for step in per_run.index],
        customdata=per_run.to_numpy(),
        hovertemplate="%{text}: %{customdata:.2f} hybrid attacks per run (random and "
        "scripted)<extra></extra>"))
