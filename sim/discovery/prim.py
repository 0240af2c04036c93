"""PRIM, the Patient Rule Induction Method (Friedman & Fisher, 1999, "Bump hunting in
high-dimensional data", Statistics and Computing 9:123-143), as used for scenario discovery
by Bryant & Lempert (2010, "Thinking inside the box", Technological Forecasting & Social
Change 77:34-49).

Given cases (one row of inputs each) and a condition (is the case "of interest"?), PRIM
looks for a box - an interval on each numeric input, a set of categories on each
categorical one - in which the cases of interest are dense. Starting from the box that
holds every case it *peels*: at each step it tries every way of shaving a little off the
box (a share ``alpha`` of the cases in it, off the lower or the upper edge of one numeric
input, or one whole category of a categorical input) and keeps the peel that leaves the
densest box, as long as the box keeps at least ``min_mass`` of all cases. The sequence of
boxes is the peeling trajectory; choosing one of them is a separate step (``choose_box``),
and so is freeing the inputs whose restriction is not significant (``drop_insignificant``).

Everything here is a pure function of explicit arrays: no files, no printing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Interval:
    """A numeric restriction: ``low <= x <= high`` (bounds are values of kept cases)."""

    low: float
    high: float

    def contains(self, values: np.ndarray) -> np.ndarray:
        return (values >= self.low) & (values <= self.high)


@dataclass(frozen=True)
class Categories:
    """A categorical restriction: the categories kept, in their original order."""

    kept: tuple[str, ...]

    def contains(self, values: np.ndarray) -> np.ndarray:
        return np.isin(values, self.kept)


Restriction = Interval | Categories
Box = dict[str, Restriction]


@dataclass(frozen=True)
class Step:
    """One box of the peeling trajectory and how well it describes the cases of interest.

    coverage: share of all cases of interest that are inside the box;
    density: share of the cases inside the box that are of interest;
    mass: share of all cases that are inside the box (Bryant & Lempert, 2010, section 3).
    """

    box: Box
    restricted: tuple[str, ...]
    cases: int
    of_interest: int
    coverage: float
    density: float
    mass: float


def is_categorical(values: np.ndarray) -> bool:
    """Strings, booleans and other objects are categories; numbers are ordered."""
    return values.dtype.kind not in "iuf"


def initial_box(inputs: Mapping[str, np.ndarray]) -> Box:
    """The box holding every case: each numeric input's observed range, every category."""
    box: Box = {}
    for name, values in inputs.items():
        if is_categorical(values):
            box[name] = Categories(tuple(dict.fromkeys(values.tolist())))
        else:
            box[name] = Interval(float(np.min(values)), float(np.max(values)))
    return box


def in_box(inputs: Mapping[str, np.ndarray], box: Box) -> np.ndarray:
    """Which cases lie inside the box."""
    inside = np.ones(len(next(iter(inputs.values()))), dtype=bool)
    for name, restriction in box.items():
        inside &= restriction.contains(inputs[name])
    return inside


def restricted_dimensions(box: Box, full: Box) -> tuple[str, ...]:
    """The inputs on which ``box`` is narrower than ``full``."""
    return tuple(name for name, restriction in box.items() if restriction != full[name])


def _numeric_peels(values: np.ndarray, current: Interval, alpha: float) -> list[Interval]:
    """The two candidate peels of one numeric input, from the values inside the box.

    Each removes the ``ceil(alpha * n)`` lowest (highest) cases, or, where ties at the edge
    make that impossible, every case at the edge value: on a sweep grid of a few levels
    this peels one level at a time. Each new bound is a value of a kept case."""
    n = len(values)
    smallest, largest = float(values.min()), float(values.max())
    if smallest == largest:
        return []
    k = min(max(1, math.ceil(alpha * n)), n - 1)
    ordered = np.partition(values, (k, n - 1 - k))
    low, high = float(ordered[k]), float(ordered[n - 1 - k])
    if low == smallest:  # ties at the lower edge: drop the lowest level
        low = float(values[values > smallest].min())
    if high == largest:
        high = float(values[values < largest].max())
    return [Interval(low, current.high), Interval(current.low, high)]


def peel(inputs: Mapping[str, np.ndarray], of_interest: np.ndarray, *, alpha: float = 0.05,
         min_mass: float = 0.05) -> list[Step]:
    """The peeling trajectory, from the box holding every case to the last box of at least
    ``min_mass`` of the cases (or the first box where every case is of interest).

    ``inputs`` maps each input's name to its values (one per case: numbers, or strings for
    categories); ``of_interest`` is a boolean per case. Each step keeps the candidate peel
    that maximises the density of the box left (Friedman & Fisher's criterion with no
    per-mass normalisation); ties go to the peel that keeps more cases, then to the input
    listed first."""
    if not 0 < alpha < 0.5:
        raise ValueError(f"alpha must be between 0 and 0.5 (got {alpha})")
    if not 0 < min_mass <= 1:
        raise ValueError(f"min_mass must be in (0, 1] (got {min_mass})")
    y = np.asarray(of_interest, dtype=bool)
    total, interesting = len(y), int(y.sum())
    if total == 0 or interesting == 0:
        raise ValueError("no cases of interest")
    columns = {name: np.asarray(values) for name, values in inputs.items()}
    full = initial_box(columns)
    box = dict(full)
    inside = np.ones(total, dtype=bool)
    trajectory = [_step(box, full, inside, y, total, interesting)]
    minimum_cases = max(1, math.ceil(min_mass * total - 1e-9))
    while trajectory[-1].density < 1:
        best: tuple[float, int, str, Restriction, np.ndarray] | None = None
        for name, values in columns.items():
            for candidate in _candidates(values[inside], box[name], alpha):
                kept = inside & candidate.contains(values)
                cases = int(kept.sum())
                if cases < minimum_cases:
                    continue
                density = float(y[kept].sum()) / cases
                if best is None or (density, cases) > (best[0], best[1]):
                    best = (density, cases, name, candidate, kept)
        if best is None:
            break
        _, _, name, restriction, inside = best
        box = {**box, name: restriction}
        trajectory.append(_step(box, full, inside, y, total, interesting))
    return trajectory


def _candidates(values: np.ndarray, current: Restriction, alpha: float) -> list[Restriction]:
    if isinstance(current, Interval):
        return _numeric_peels(values.astype(float), current, alpha)
    present = set(values.tolist())
    if len(present) < 2:
        return []
    return [Categories(tuple(c for c in current.kept if c != dropped))
            for dropped in current.kept if dropped in present]


def _step(box: Box, full: Box, inside: np.ndarray, y: np.ndarray, total: int,
          interesting: int) -> Step:
    cases = int(inside.sum())
    hits = int(y[inside].sum())
    return Step(box=box, restricted=restricted_dimensions(box, full), cases=cases,
                of_interest=hits, coverage=hits / interesting,
                density=hits / cases if cases else 0.0, mass=cases / total)


def f1_score(step: Step) -> float:
    """Harmonic mean of coverage and density (coverage is recall, density precision)."""
    total = step.coverage + step.density
    return 2 * step.coverage * step.density / total if total else 0.0


def choose_box(trajectory: list[Step], min_coverage: float = 0.0) -> int:
    """The index of the default box: of the boxes with coverage >= ``min_coverage``, the
    one with the highest F1 score (harmonic mean of coverage and density); ties go to
    fewer restricted inputs, then to the larger box.

    Why: Bryant & Lempert (2010) judge a box by density, coverage and interpretability
    and leave the choice to the analyst, who looks for the knee of the trade-off curve.
    The F1 maximum is where the curve touches the highest iso-F1 contour: peeling further
    loses more coverage than it buys in density (the later peels fit noise, often on
    irrelevant inputs, hurting interpretability too); stopping earlier leaves density on
    the table. Raises ValueError when no box reaches ``min_coverage``."""
    eligible = [i for i, step in enumerate(trajectory) if step.coverage >= min_coverage]
    if not eligible:
        raise ValueError(f"no box on the trajectory has coverage >= {min_coverage:g} "
                         f"(the largest is {max(s.coverage for s in trajectory):.3f})")
    return max(eligible, key=lambda i: (round(f1_score(trajectory[i]), 12),
                                        -len(trajectory[i].restricted), -i))


def quasi_p_values(inputs: Mapping[str, np.ndarray], of_interest: np.ndarray, box: Box,
                   restricted: tuple[str, ...]) -> dict[str, float]:
    """Per restricted input, the one-sided binomial p-value that the box's density could
    arise by chance from the box with that restriction removed (Bryant & Lempert, 2010).
    "Quasi" because the box was fitted to the same data: small values say a
    restriction matters, large ones that it may be noise."""
    columns = {name: np.asarray(values) for name, values in inputs.items()}
    y = np.asarray(of_interest, dtype=bool)
    inside = in_box(columns, box)
    cases, hits = int(inside.sum()), int(y[inside].sum())
    from scipy import stats  # here, not at start-up: only `discover` tests boxes

    full = initial_box(columns)
    values: dict[str, float] = {}
    for name in restricted:
        relaxed = in_box(columns, {**box, name: full[name]})
        base = float(y[relaxed].mean())
        values[name] = 1.0 if base >= 1 or cases == 0 else float(
            stats.binomtest(hits, cases, base, alternative="greater").pvalue)
    return values


def evaluate(inputs: Mapping[str, np.ndarray], of_interest: np.ndarray, box: Box) -> Step:
    """Coverage, density and mass of any box (not only one on the trajectory)."""
    columns = {name: np.asarray(values) for name, values in inputs.items()}
    y = np.asarray(of_interest, dtype=bool)
    return _step(box, initial_box(columns), in_box(columns, box), y, len(y), int(y.sum()))


def drop_insignificant(inputs: Mapping[str, np.ndarray], of_interest: np.ndarray,
                       step: Step, max_p: float = 0.05) -> tuple[Step, tuple[str, ...]]:
    """The box with its insignificant restrictions removed, one at a time, the one with
    the largest quasi-p-value first, until every restriction left has quasi-p <= max_p;
    and the inputs freed, in the order they were.

    Why: greedy peeling now and then shaves an edge off an irrelevant input because, by
    chance, that edge held a few more cases not of interest; the restriction adds almost
    no density and costs interpretability, Bryant & Lempert's third criterion. They
    judge restrictions by their quasi-p-values and drop those that are not significant
    (2010), and the EMA Workbench's ``PrimBox.drop_restriction`` offers the same by hand)."""
    full = initial_box({name: np.asarray(values) for name, values in inputs.items()})
    dropped: list[str] = []
    while step.restricted:
        p_values = quasi_p_values(inputs, of_interest, step.box, step.restricted)
        name = max(step.restricted, key=lambda n: p_values[n])
        if p_values[name] <= max_p:
            break
        dropped.append(name)
        step = evaluate(inputs, of_interest, {**step.box, name: full[name]})
    return step, tuple(dropped)
