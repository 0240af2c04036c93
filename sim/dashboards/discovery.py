"""The scenario-discovery page: the coverage/density trade-off of the PRIM peeling
trajectory, the chosen box's restrictions against each input's full range, and the box as
a table. Self-contained (plotly.js embedded once, no network request); every name and
category read from the sweep folder is escaped."""

from __future__ import annotations

import html
import math
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from sim.dashboards.figures import TEMPLATE, safe
from sim.dashboards.page import STYLE
from sim.dashboards.palette import colour
from sim.discovery.prim import f1_score
from sim.discovery.report import Discovery, box_table, describe
from sim.writers import atomic_write_text

EXTRA_STYLE = """
table.box { border-collapse: collapse; margin: 0.5em 0 1em; }
table.box th, table.box td { border-bottom: 1px solid #ddd; padding: 0.3em 0.8em;
                             text-align: left; }
table.box td.number { text-align: right; font-variant-numeric: tabular-nums; }
"""


def tradeoff_figure(discovery: Discovery) -> go.Figure:
    """Density against coverage for every box of the trajectory, coloured by the number
    of restricted inputs; the chosen box ringed. Hover shows each box's restrictions."""
    figure = go.Figure()
    steps = discovery.trajectory
    figure.add_trace(go.Scatter(
        x=[s.coverage for s in steps], y=[s.density for s in steps], mode="lines",
        line={"color": "#bbbbbb", "width": 1}, hoverinfo="skip", showlegend=False))
    for count in sorted({len(s.restricted) for s in steps}):
        indices = [i for i, s in enumerate(steps) if len(s.restricted) == count]
        hover = [f"box {i}<br>coverage {steps[i].coverage:.3f}, density "
                 f"{steps[i].density:.3f}<br>mass {steps[i].mass:.3f}, F1 "
                 f"{f1_score(steps[i]):.3f}<br>" + ("<br>".join(
                     safe(line) for line in describe(steps[i], discovery.parameters,
                                                     discovery.full)) or "all cases")
                 for i in indices]
        figure.add_trace(go.Scatter(
            x=[steps[i].coverage for i in indices], y=[steps[i].density for i in indices],
            mode="markers", marker={"color": colour(count), "size": 8},
            name=f"{count} restricted", text=hover,
            hovertemplate="%{text}<extra></extra>"))
    chosen = steps[discovery.chosen]
    figure.add_trace(go.Scatter(
        x=[chosen.coverage], y=[chosen.density], mode="markers+text",
        marker={"symbol": "circle-open", "size": 20, "color": "#D55E00",
                "line": {"width": 3}},
        # The chosen box often covers (nearly) every case: at coverage 1 the ring sits on
        # the plot's right edge, so it is drawn whole and labelled on its inner side.
        text=[f"box {discovery.chosen}"], cliponaxis=False,
        textposition="top left" if chosen.coverage > 0.5 else "top right",
        name=f"chosen: box {discovery.chosen}", hoverinfo="skip"))
    if discovery.dropped:  # the reported box, off the trajectory
        final = discovery.final
        figure.add_trace(go.Scatter(
            x=[final.coverage], y=[final.density], mode="markers",
            marker={"symbol": "diamond", "size": 13, "color": "#D55E00"},
            name=safe(discovery.box_name), text=["<br>".join(
                [safe(discovery.box_name), f"coverage {final.coverage:.3f}, density "
                 f"{final.density:.3f}, mass {final.mass:.3f}"]
                + [safe(line) for line in describe(final, discovery.parameters,
                                                   discovery.full)])],
            hovertemplate="%{text}<extra></extra>"))
    figure.update_layout(
        title=f"Peeling trajectory: density against coverage ({safe(discovery.condition)})",
        template=TEMPLATE, height=430, margin={"l": 70, "r": 20, "t": 60, "b": 60},
        legend={"orientation": "h", "y": -0.2})
    figure.update_xaxes(title="coverage (share of cases of interest inside the box)",
                        range=[-0.02, 1.02])
    figure.update_yaxes(title="density (share of the box's cases of interest)",
                        range=[-0.02, 1.05])
    return figure


def restriction_figure(discovery: Discovery) -> go.Figure:
    """Each input's kept range as a bar along its full range (0 = declared low, 1 =
    declared high); a categorical input as one slot per category, kept ones filled."""
    table = box_table(discovery).iloc[::-1]  # restricted inputs at the top
    labels, bases, lengths, colours, texts, hovers = [], [], [], [], [], []
    for row in table.itertuples():
        label = safe(row.parameter)
        if not math.isnan(row.start):
            labels.append(label)
            bases.append(row.start)
            lengths.append(max(row.end - row.start, 0.004))
            colours.append(colour(0) if row.restricted else "#cccccc")
            texts.append(safe(row.restriction))
            hovers.append(f"{label}: {safe(row.restriction)} (full range "
                          f"{safe(row.full_range)})")
            continue
        parameter = next(p for p in discovery.parameters if p.path == row.parameter)
        categories = parameter.categories
        kept = set(row.kept.split("|")) if row.kept else set(categories)
        for index, category in enumerate(categories):
            labels.append(label)
            bases.append(index / len(categories))
            lengths.append(1 / len(categories) * 0.96)
            colours.append((colour(2) if row.restricted else "#cccccc")
                           if category in kept else "#f2f2f2")
            texts.append(safe(category))
            hovers.append(f"{label} = {safe(category)}: "
                          + ("kept" if category in kept else "excluded"))
    figure = go.Figure(go.Bar(
        y=labels, x=lengths, base=bases, orientation="h", marker={"color": colours,
                                                                  "line": {"width": 0}},
        text=texts, textposition="inside", insidetextanchor="middle",
        hovertext=hovers, hoverinfo="text", showlegend=False))
    figure.update_layout(
        title=f"{safe(discovery.box_name).capitalize()}: kept part of each input's range",
        template=TEMPLATE, barmode="overlay",
        height=max(260, 90 + 42 * len(table)), margin={"l": 220, "r": 20, "t": 60, "b": 50})
    figure.update_xaxes(title="position in the full range (0 = low, 1 = high)",
                        range=[0, 1])
    figure.update_yaxes(automargin=True)
    return figure


def _box_html(discovery: Discovery) -> str:
    rows = []
    for row in box_table(discovery).itertuples():
        quasi = "" if math.isnan(row.quasi_p) else f"{row.quasi_p:.2g}"
        rows.append(
            f"<tr data-restricted='{str(row.restricted).lower()}'><td>"
            f"{html.escape(row.parameter)}</td><td>{html.escape(row.restriction)}</td>"
            f"<td>{html.escape(row.full_range)}</td><td class='number'>{row.share:.2f}</td>"
            f"<td class='number'>{quasi}</td></tr>")
    return ("<table class='box' id='box-table'><thead><tr><th>parameter</th>"
            "<th>restriction</th><th>full range</th><th>share of range kept</th>"
            "<th>quasi-p</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def discovery_page(discovery: Discovery, source: Path, target: Path) -> list[go.Figure]:
    """Write the page to ``target``; return its figures."""
    step, first = discovery.box, discovery.trajectory[0]
    panels = [tradeoff_figure(discovery), restriction_figure(discovery)]
    divs = "".join(
        "<div class='panel'>" + pio.to_html(
            figure, full_html=False, include_plotlyjs=False, div_id=f"panel-{index}",
            config={"displaylogo": False, "responsive": True}) + "</div>"
        for index, figure in enumerate(panels))
    condition = html.escape(discovery.condition)
    body = (
        f"<h1>Scenario discovery: {condition}</h1>"
        f"<p class='muted'>Sweep folder {html.escape(str(source))}: {first.of_interest} of "
        f"{first.cases} cases ({first.density:.1%}) have {condition}"
        + (f" ({html.escape(discovery.note)})" if discovery.note else "") + ". PRIM peeling "
        f"(alpha {discovery.alpha:g}, minimum mass {discovery.min_mass:g}) gave "
        f"{len(discovery.trajectory)} boxes; box {discovery.chosen} was chosen: "
        f"{html.escape(discovery.rule)}"
        + (f"; restrictions not significant (quasi-p &gt; {discovery.max_p:g}) dropped: "
           f"{html.escape(', '.join(discovery.dropped))}" if discovery.dropped else "")
        + ".</p>"
        "<div class='cards'>"
        + "".join(f"<div class='card'><div class='label'>{label}</div><div class='value'>"
                  f"{value}</div><div class='ci'>{note}</div></div>" for label, value, note in (
                      ("Coverage", f"{step.coverage:.1%}",
                       "of the cases of interest are in the box"),
                      ("Density", f"{step.density:.1%}",
                       "of the cases in the box are of interest"),
                      ("Mass", f"{step.mass:.1%}", "of all cases are in the box"),
                      ("Restricted inputs", str(len(step.restricted)),
                       f"of {len(discovery.parameters)} swept")))
        + "</div><div class='grid'>" + divs + "</div>"
        "<h2>The box</h2>" + _box_html(discovery)
        + "<p class='muted'>quasi-p: one-sided binomial test of the box's density against "
        "the box without that restriction (Bryant &amp; Lempert, 2010); small means the "
        "restriction matters. The trajectory is in the CSV file beside this page.</p>")
    page = ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>Scenario discovery: {condition} - alliance-sim</title>"
            f"<style>{STYLE}{EXTRA_STYLE}</style>"
            f"<script type='text/javascript'>{get_plotlyjs()}</script></head><body>"
            f"{body}</body></html>")
    atomic_write_text(target, page)
    return panels
