"""One discovery from start to finish, in memory: the cases of interest, the peeling
trajectory, the box chosen on it and its quasi-p-values."""

from __future__ import annotations

from sim.discovery.cases import Cases, SweepFolderError, condition
from sim.discovery.prim import (
    choose_box,
    drop_insignificant,
    initial_box,
    peel,
    quasi_p_values,
)
from sim.discovery.report import Discovery

F1_RULE = "the highest F1 score (harmonic mean of coverage and density)"


def discover(cases: Cases, kpi: str, direction: str, threshold: float, *,
             alpha: float = 0.05, min_mass: float = 0.05, min_coverage: float = 0.0,
             box_index: int | None = None, max_p: float = 0.05) -> Discovery:
    """PRIM on the sweep's cases for ``kpi`` below (or above) ``threshold``. The box is
    the one at ``box_index`` on the trajectory when given (negative counts from the end),
    else the default rule of ``choose_box``; then its restrictions with quasi-p-values
    above ``max_p`` are dropped (``max_p`` = 1 keeps them all)."""
    usable, of_interest, note = condition(cases, kpi, direction, threshold)
    inputs = {name: values[usable] for name, values in cases.inputs().items()}
    trajectory = peel(inputs, of_interest, alpha=alpha, min_mass=min_mass)
    if box_index is None:
        try:
            chosen = choose_box(trajectory, min_coverage)
        except ValueError as error:
            raise SweepFolderError(f"--min-coverage {min_coverage:g}: {error}") from None
        rule = F1_RULE + (f" among boxes with coverage >= {min_coverage:g}"
                          if min_coverage > 0 else "")
    else:
        if not -len(trajectory) <= box_index < len(trajectory):
            raise SweepFolderError(f"--box-index {box_index}: the trajectory has boxes 0 to "
                                   f"{len(trajectory) - 1}")
        chosen = box_index % len(trajectory)
        rule = f"picked with --box-index {box_index}"
    final, dropped = drop_insignificant(inputs, of_interest, trajectory[chosen], max_p)
    return Discovery(
        kpi=kpi, direction=direction, threshold=threshold, parameters=cases.parameters,
        full=initial_box(inputs), trajectory=trajectory, chosen=chosen, rule=rule,
        final=final, dropped=dropped,
        p_values=quasi_p_values(inputs, of_interest, final.box, final.restricted),
        alpha=alpha, min_mass=min_mass, max_p=max_p, note=note)
