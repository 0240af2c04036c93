"""A discovery's results as tables: the chosen box (one row per swept input, with its
restriction set against the input's full declared range) and the peeling trajectory."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from sim.discovery.cases import Parameter
from sim.discovery.prim import Box, Categories, Interval, Step, f1_score


@dataclass(frozen=True)
class Discovery:
    """What a discovery found: the question, the trajectory and the box chosen on it."""

    kpi: str
    direction: str  # "below" or "above"
    threshold: float
    parameters: tuple[Parameter, ...]
    full: Box  # the box holding every case (observed ranges and categories)
    trajectory: list[Step]
    chosen: int  # the trajectory's box chosen
    rule: str  # how it was chosen, in words
    final: Step  # that box, less the restrictions dropped as insignificant
    dropped: tuple[str, ...]
    p_values: dict[str, float]  # quasi-p-values of the final box's restrictions
    alpha: float
    min_mass: float
    max_p: float
    note: str = ""  # cases not reached by the horizon, or left out (cases.condition)

    @property
    def condition(self) -> str:
        return f"{self.kpi} {'<' if self.direction == 'below' else '>'} {self.threshold:g}"

    @property
    def box(self) -> Step:
        """The box reported: the chosen one with insignificant restrictions dropped."""
        return self.final

    @property
    def box_name(self) -> str:
        return f"box {self.chosen}" + (" without " + ", ".join(self.dropped)
                                        if self.dropped else "")


def _span(restriction: Interval, full: Interval, parameter: Parameter
          ) -> tuple[float, float, str]:
    """The box's interval with unpeeled edges at the declared full range; and in words."""
    lower, upper = restriction.low > full.low, restriction.high < full.high
    low = restriction.low if lower else min(parameter.low, full.low)
    high = restriction.high if upper else max(parameter.high, full.high)
    if lower and upper:
        words = f"{restriction.low:.4g} .. {restriction.high:.4g}"
    elif lower:
        words = f">= {restriction.low:.4g}"
    elif upper:
        words = f"<= {restriction.high:.4g}"
    else:
        words = "unrestricted"
    return low, high, words


def box_table(discovery: Discovery, box: Step | None = None) -> pd.DataFrame:
    """One row per input, restricted ones first: the restriction in words, the full
    range, the share of the full range kept, its position (0-1 along the full range, for
    numbers) and the quasi-p-value (restricted inputs of the chosen box only)."""
    step = box or discovery.box
    rows = []
    for parameter in discovery.parameters:
        restriction, full = step.box[parameter.path], discovery.full[parameter.path]
        row = {"parameter": parameter.path, "restricted": parameter.path in step.restricted,
               "full_range": parameter.full_range, "start": math.nan, "end": math.nan,
               "kept": "", "quasi_p": discovery.p_values.get(parameter.path, math.nan)
               if step is discovery.box else math.nan}
        if isinstance(restriction, Interval) and isinstance(full, Interval):
            low, high, words = _span(restriction, full, parameter)
            scale_low = min(parameter.low, full.low)
            width = max(parameter.high, full.high) - scale_low
            start = (low - scale_low) / width if width > 0 else 0.0
            end = (high - scale_low) / width if width > 0 else 1.0
            row.update(restriction=words, start=start, end=end, share=end - start)
        else:
            assert isinstance(restriction, Categories)
            kept = [c for c in parameter.categories if c in restriction.kept]
            row.update(restriction="unrestricted" if parameter.path not in step.restricted
                       else ", ".join(kept), kept="|".join(kept),
                       share=len(kept) / max(1, len(parameter.categories)))
        rows.append(row)
    frame = pd.DataFrame(rows)
    return frame.sort_values("restricted", ascending=False, kind="stable").reset_index(
        drop=True)


def trajectory_frame(discovery: Discovery) -> pd.DataFrame:
    """One row per box of the peeling trajectory, for the CSV: its statistics and, per
    input, the bounds (numbers) or the categories kept (joined by '|')."""
    rows = []
    for index, step in enumerate(discovery.trajectory):
        row: dict[str, object] = {
            "box": index, "chosen": index == discovery.chosen, "coverage": step.coverage,
            "density": step.density, "mass": step.mass, "f1": f1_score(step),
            "cases": step.cases, "of_interest": step.of_interest,
            "restricted_dimensions": len(step.restricted),
            "restricted": "|".join(step.restricted)}
        for parameter in discovery.parameters:
            restriction = step.box[parameter.path]
            if isinstance(restriction, Interval):
                row[f"{parameter.path}:low"] = restriction.low
                row[f"{parameter.path}:high"] = restriction.high
            else:
                row[parameter.path] = "|".join(restriction.kept)
        rows.append(row)
    return pd.DataFrame(rows)


def describe(step: Step, parameters: tuple[Parameter, ...], full: Box) -> list[str]:
    """The box's restrictions in words, one per restricted input."""
    lines = []
    for parameter in parameters:
        if parameter.path not in step.restricted:
            continue
        restriction = step.box[parameter.path]
        if isinstance(restriction, Interval):
            words = _span(restriction, full[parameter.path], parameter)[2]  # type: ignore[arg-type]
        else:
            words = "in {" + ", ".join(restriction.kept) + "}"
        lines.append(f"{parameter.path} {words}")
    return lines


def text_report(discovery: Discovery) -> str:
    """The chosen box as a small plain-text table with its coverage, density and mass."""
    step, first = discovery.box, discovery.trajectory[0]
    lines = [
        f"PRIM scenario discovery: {discovery.condition} in {first.of_interest} of "
        f"{first.cases} cases ({first.density:.1%})"
        + (f"; {discovery.note}" if discovery.note else ""),
        f"peeling: {len(discovery.trajectory)} boxes (alpha {discovery.alpha:g}, minimum "
        f"mass {discovery.min_mass:g}); box {discovery.chosen} chosen: {discovery.rule}"]
    if discovery.dropped:
        lines.append(f"dropped as not significant (quasi-p > {discovery.max_p:g}): "
                     + ", ".join(discovery.dropped))
    lines += [f"{discovery.box_name}: coverage {step.coverage:.3f}, density "
              f"{step.density:.3f}, mass {step.mass:.3f}, {len(step.restricted)} restricted "
              "input(s)", ""]
    table = box_table(discovery)
    table = table[table["restricted"]]
    if table.empty:
        lines.append("(the box restricts no input: it holds every case)")
        return "\n".join(lines)
    headers = ("parameter", "restriction", "full range", "share", "quasi-p")
    cells = [(row.parameter, row.restriction, row.full_range, f"{row.share:.2f}",
              "" if math.isnan(row.quasi_p) else f"{row.quasi_p:.2g}")
             for row in table.itertuples()]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    for line in (headers, *cells):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(line, widths,
                                                                          strict=True))
                     .rstrip())
    return "\n".join(lines)
