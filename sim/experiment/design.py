"""Designs of experiments: the points at which a sweep runs the model.

Every design is first drawn on the unit hypercube (one column per factor, values in
[0, 1]) and then mapped to each factor's range or list of values, so that sensitivity
analysis sees one scale for every input. Four designs:

- full factorial: every combination of ``levels`` evenly spaced values per range (and every
  listed value);
- Latin hypercube (McKay, Beckman & Conover 1979), scrambled, from scipy.stats.qmc;
- Sobol/Saltelli: SALib's sampler for Sobol indices (Saltelli 2002; Saltelli et al. 2010),
  N(D+2) points, N(2D+2) with second-order indices;
- Morris elementary-effects trajectories (Morris 1991; Campolongo et al. 2007), SALib.

Integer parameters and listed values are read off the unit interval by equal-width bins,
so a continuous design treats them as discrete uniform inputs.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Factor:
    """One varied parameter: a range [low, high] or a list of values."""

    path: str
    low: float | None = None
    high: float | None = None
    values: tuple[Any, ...] | None = None
    integer: bool = False

    @property
    def categorical(self) -> bool:
        return self.values is not None

    def extremes(self) -> list[Any]:
        """The values the design can reach at its edges (all of them, for a list)."""
        if self.values is not None:
            return list(self.values)
        return [self._typed(self.low), self._typed(self.high)]

    def level_count(self, levels: int) -> int:
        if self.values is not None:
            return len(self.values)
        if self.integer:
            return min(levels, int(self.high - self.low) + 1)
        return levels

    def scale(self, unit: np.ndarray) -> list[Any]:
        """Values for points in [0, 1]: linear on a range, equal-width bins on integers
        and lists (1.0 falls in the last bin)."""
        unit = np.clip(np.asarray(unit, dtype=float), 0.0, 1.0)
        if self.values is not None:
            bins = np.minimum((unit * len(self.values)).astype(int), len(self.values) - 1)
            return [self.values[i] for i in bins]
        if self.integer:
            span = int(self.high - self.low)
            steps = np.minimum(np.floor(unit * (span + 1)), span)
            return [int(self.low + step) for step in steps]
        return list(self.low + unit * (self.high - self.low))

    def describe(self) -> dict[str, Any]:
        if self.values is not None:
            return {"path": self.path, "kind": "values", "values": list(self.values)}
        return {"path": self.path, "kind": "range", "low": self.low, "high": self.high,
                "integer": self.integer}

    @classmethod
    def described(cls, item: dict[str, Any]) -> Factor:
        """The factor whose ``describe()`` is ``item`` (a sweep's manifest records it)."""
        if item["kind"] == "values":
            return cls(item["path"], values=tuple(item["values"]))
        return cls(item["path"], low=item["low"], high=item["high"],
                   integer=item["integer"])

    def _typed(self, value: float | None) -> Any:
        return int(value) if self.integer and value is not None else value


@dataclass
class Design:
    unit: np.ndarray  # points x factors, in [0, 1]
    points: pd.DataFrame  # one column per factor path, values as the scenario takes them

    def __len__(self) -> int:
        return len(self.points)


# Stored designs keep each point's place on the unit hypercube in these columns.
UNIT_PREFIX = "unit:"


def unit_column(path: str) -> str:
    return f"{UNIT_PREFIX}{path}"


def unit_problem(names: list[str]) -> dict[str, Any]:
    """SALib's problem on the unit hypercube (values are mapped afterwards), for sampling
    and analysis alike."""
    return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}


def _problem(factors: list[Factor]) -> dict[str, Any]:
    return unit_problem([factor.path for factor in factors])


def _full_factorial(factors: list[Factor], levels: int) -> np.ndarray:
    axes = []
    for factor in factors:
        count = factor.level_count(levels)
        # Bin centres for lists and integers, so each level maps to itself; ends of a range.
        axes.append((np.arange(count) + 0.5) / count if factor.categorical or factor.integer
                    else np.linspace(0.0, 1.0, count))
    return np.array(list(itertools.product(*axes)), dtype=float).reshape(-1, len(factors))


def _sobol(factors: list[Factor], samples: int, second_order: bool, seed: int) -> np.ndarray:
    from SALib.sample import sobol

    with warnings.catch_warnings():  # SALib warns when N is not a power of 2; the
        warnings.simplefilter("ignore")  # file's documentation says so already
        return sobol.sample(_problem(factors), samples, calc_second_order=second_order,
                            seed=seed)


def _morris(factors: list[Factor], trajectories: int, levels: int, seed: int) -> np.ndarray:
    from SALib.sample import morris

    return morris.sample(_problem(factors), trajectories, num_levels=levels, seed=seed)


def unit_design(factors: list[Factor], method: str, samples: int, levels: int | None,
                second_order: bool, seed: int) -> np.ndarray:
    """The design on the unit hypercube (rows: points; columns: factors)."""
    if method == "full_factorial":
        return _full_factorial(factors, levels or 3)
    if method == "latin_hypercube":
        from scipy.stats import qmc  # here, not at start-up: a plain run needs no design
        sampler = qmc.LatinHypercube(d=len(factors), seed=np.random.default_rng(seed))
        return sampler.random(samples)
    if method == "sobol":
        return _sobol(factors, samples, second_order, seed)
    if method == "morris":
        return _morris(factors, samples, levels or 4, seed)
    raise ValueError(f"unknown design method {method!r}")


def build_design(factors: list[Factor], method: str, samples: int, levels: int | None,
                 second_order: bool, seed: int) -> Design:
    unit = unit_design(factors, method, samples, levels, second_order, seed)
    points = pd.DataFrame({factor.path: factor.scale(unit[:, column])
                           for column, factor in enumerate(factors)})
    return Design(unit, points)
