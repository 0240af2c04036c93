"""Terminal tables of KPIs: every figure with its label and unit (sim/outputs.py), and
what was left out of it where a KPI is not defined in every run."""

from __future__ import annotations

import math

import pandas as pd

from sim.experiment.evaluators import describe_input, describe_kpi
from sim.outputs import Censoring
from sim.outputs import kpi as describe_model_kpi


def _width(labels: list[str]) -> int:
    return max([len(label) for label in labels] + [10])


def _left_out(output_censoring: str, excluded: int, total: int, horizon_text: str) -> str:
    if not excluded:
        return ""
    if output_censoring == Censoring.NOT_REACHED.value:
        return (f"over the {total - excluded} of {total} runs that reached it; not reached "
                f"by {horizon_text} in {excluded}")
    return f"undefined in {excluded} of {total} runs (nothing due), left out"


def summary_lines(summary: pd.DataFrame, kpis: tuple[str, ...], horizon_text: str
                  ) -> list[str]:
    """The KPIs' means with 95 % intervals, one line each, labelled with their units."""
    rows = summary.set_index("kpi")
    shown = [kpi for kpi in kpis if kpi in rows.index]
    labels = [describe_model_kpi(kpi).axis_title for kpi in shown]
    width = _width(labels)
    lines = [f"  {'KPI (unit)':{width}s} {'mean':>12s}  {'95 % CI':25s} {'median':>10s}"]
    for kpi, label in zip(shown, labels, strict=True):
        row, unit = rows.loc[kpi], describe_model_kpi(kpi).unit
        interval = "" if math.isnan(row["ci_low"]) else \
            f"[{unit.number(row['ci_low'])}, {unit.number(row['ci_high'])}]"
        total = int(row["n"]) + int(row.get("excluded", 0) or 0)
        note = _left_out(str(row.get("censoring", "")), int(row.get("excluded", 0) or 0),
                         total, horizon_text)
        lines.append(f"  {label:{width}s} {unit.number(row['mean']):>12s}  {interval:25s} "
                     f"{unit.number(row['q50']):>10s}" + (f"  ({note})" if note else ""))
    return lines


def comparison_lines(table: pd.DataFrame, kpis: tuple[str, ...], methods: dict[str, str]
                     ) -> list[str]:
    """For each scenario against the reference: the headline KPIs' means, the difference
    with its 95 % interval and whether the interval excludes zero; then the other KPIs
    whose interval excludes zero."""
    lines: list[str] = []
    for scenario, rows in table.groupby("scenario", sort=False):
        rows = rows.set_index("kpi")
        reference = str(rows["reference"].iloc[0])
        lines.append(f"{scenario} against {reference}: {methods.get(scenario, '')}")
        shown = [kpi for kpi in kpis if kpi in rows.index]
        labels = [describe_model_kpi(kpi).axis_title for kpi in shown]
        width = _width(labels)
        left, right = max(len(reference), 12), max(len(str(scenario)), 12)
        lines.append(f"  {'KPI (unit)':{width}s} {reference:>{left}s} {scenario:>{right}s} "
                     f"{'difference':>22s}  {'95 % CI':24s} excludes 0")
        for kpi, label in zip(shown, labels, strict=True):
            row, unit = rows.loc[kpi], describe_model_kpi(kpi).unit
            difference = unit.difference(row["mean_difference"], with_unit=False)
            relative = row["mean_difference"] / abs(row["reference_mean"]) \
                if row["reference_mean"] else math.nan
            if not unit.shown.startswith("%") and not math.isnan(relative):
                difference += f" ({relative:+.1%})".replace("%", " %")
            interval = "" if math.isnan(row["ci_low"]) else \
                (f"[{unit.difference(row['ci_low'], with_unit=False)}, "
                 f"{unit.difference(row['ci_high'], with_unit=False)}]")
            verdict = "yes" if row["excludes_zero"] else "no"
            note = f"  ({int(row['excluded'])} runs left out: undefined or not reached)" \
                if row.get("excluded", 0) else ""
            lines.append(f"  {label:{width}s} {unit.number(row['reference_mean']):>{left}s} "
                         f"{unit.number(row['scenario_mean']):>{right}s} {difference:>22s}  "
                         f"{interval:24s} {verdict}{note}")
        others = rows[rows["excludes_zero"].astype(bool) & ~rows.index.isin(kpis)]
        if not others.empty:
            lines.append("  other KPIs whose interval excludes 0 (comparison.csv has all):")
            lines += [f"    {describe_model_kpi(kpi).label}: "
                      f"{describe_model_kpi(kpi).unit.difference(row['mean_difference'])}"
                      for kpi, row in others.iterrows()]
    return lines


def _with_interval(value: float, low: float, high: float, digits: str) -> str:
    if math.isnan(low):
        return f"{value:{digits}}"
    return f"{value:{digits}} [{low:{digits}}, {high:{digits}}]"


def sensitivity_lines(method: str, indices: pd.DataFrame, model: str) -> list[str]:
    """Per KPI, its inputs by effect (largest first) with 95 % intervals; for the
    Ishigami check, the analytic indices beside the computed ones. Morris effects are in
    the KPI's unit (percentage points for shares)."""
    lines = []
    shown = ("S1", "ST") if method == "sobol" else ("mu_star", "sigma")
    analytic = indices["analytic"].notna().any() if "analytic" in indices.columns else False
    for kpi, rows in indices.groupby("kpi", sort=False):
        output = describe_kpi(model, kpi)
        unit = output.unit
        scale, digits = (1.0, ".3f") if method == "sobol" else (unit.scale, ",.4g")
        effect_unit = "percentage points" if unit.shown.startswith("%") else unit.shown
        ranked = "total effect ST" if method == "sobol" else \
            f"mu*, the mean |effect| over each input's range ({effect_unit})"
        lines.append(f"{kpi} - {output.axis_title}: inputs by {ranked}")
        table = rows.pivot_table(index="parameter", columns="index",
                                 values=["value", "ci_low", "ci_high"], sort=False,
                                 dropna=False)
        labels = [describe_input(model, str(p)).axis_title for p in table.index]
        width = _width(labels)
        has_interval = {i: table[("ci_low", i)].notna().any() for i in shown}
        header = "".join((f"{i} [95 % CI]" if has_interval[i] else i).ljust(30)
                         for i in shown)
        lines.append(f"  {'input':{width}s} {header}" + ("analytic S1, ST" if analytic
                                                         else ""))
        analytic_values = rows.set_index(["parameter", "index"])["analytic"] \
            if analytic else None
        for label, (parameter, row) in zip(labels, table.iterrows(), strict=True):
            cells = "".join(_with_interval(row[("value", i)] * scale,
                                           row[("ci_low", i)] * scale,
                                           row[("ci_high", i)] * scale, digits).ljust(30)
                            for i in shown)
            if analytic_values is not None:
                cells += (f"{analytic_values[(parameter, 'S1')]:.3f}, "
                          f"{analytic_values[(parameter, 'ST')]:.3f}")
            lines.append(f"  {label:{width}s} {cells}")
    return lines
