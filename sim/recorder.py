"""The run's record: what each step's figures are made of, kept in preallocated arrays, and
the figures computed from it when they are read.

Mesa's DataCollector calls one reporter per figure per step and deep-copies each value
(130 calls and copies a step here). A step here is recorded as three copies - a row of
scalar quantities, a block of per-area quantities, the nation figures
(sim.records.step_quantities, nation_figures) - and the figures, mostly shares, rates and
totals of these, are computed for every step recorded since at once when they are read
(sim.records.step_figures): at the end of a run, or each quarter in the play app. The
recorder answers what Mesa's ``batch_run`` asks of a ``datacollector`` (``model_vars``,
the steps recorded, no agent records; Mesa 3.3 to 3.5), so ``batch_run`` still drives the
model.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import ClassVar

import numpy as np
import pandas as pd

# From a slice of the record - quantities [Q, steps], per-area [steps, K, A], nation
# figures [steps, F, N] - every figure's values over those steps, in the figures' order.
FiguresOf = Callable[[np.ndarray, np.ndarray, np.ndarray], Mapping[str, np.ndarray]]


class StepRecorder:
    """Figures by step: ``figures[name][step]`` and ``nation_rows[step]`` (``[N, F]``).

    Room for ``steps + 1`` steps (step 0 is the starting state) is taken at once: the
    model's drivers are drawn to its horizon, and its step() refuses to go beyond.
    """

    # batch_run reads agent (and, from Mesa 3.4, agent-type) records: there are none.
    agent_reporters: ClassVar[dict] = {}
    _agent_records: ClassVar[dict] = {}
    agenttype_reporters: ClassVar[dict] = {}
    _agenttype_records: ClassVar[dict] = {}

    def __init__(self, quantities: int, by_area: tuple[int, int], nations: int,
                 nation_fields: int, steps: int, figures_of: FiguresOf) -> None:
        """Room for ``quantities`` scalars, ``by_area`` (quantities, areas) and the nations'
        ``nation_fields`` a step; ``figures_of`` makes the figures of some steps from
        them."""
        self._quantities = np.empty((quantities, steps + 1))  # each one's steps contiguous
        self._by_area = np.empty((steps + 1, *by_area))
        # Field-major: a step's fields are copied in as nation_figures lists them.
        self._nations = np.empty((steps + 1, nation_fields, nations))
        self._figures_of = figures_of
        self._steps = steps
        self.count = 0
        self._figures = np.empty((0, 0))  # [figure, step], allocated when first read
        self._names: list[str] = []
        self._column: dict[str, int] = {}
        self._integral: list[str] = []
        self._filled = 0  # steps whose figures are computed
        self._lists: tuple[int, dict[str, list[float]]] = (-1, {})

    def record(self, quantities: Sequence[float], by_area: Sequence[np.ndarray],
               nation_fields: Sequence[np.ndarray]) -> None:
        """Keep one step: its scalar quantities, per-area quantities ([A] each) and nation
        figures ([N] each)."""
        step = self.count
        self._quantities[:, step] = quantities
        self._by_area[step] = by_area
        self._nations[step] = nation_fields
        self.count = step + 1

    def _fill(self) -> None:
        """Compute the figures of the steps recorded since."""
        if self._filled == self.count:
            return
        steps = slice(self._filled, self.count)
        figures = self._figures_of(self._quantities[:, steps], self._by_area[steps],
                                   self._nations[steps])
        if not self._names:
            self._names = list(figures)
            self._column = {name: row for row, name in enumerate(self._names)}
            # Counts (a figure's type comes from its state array: fixed in a run).
            self._integral = [name for name, values in figures.items()
                              if np.issubdtype(values.dtype, np.integer)]
            self._figures = np.empty((len(self._names), self._steps + 1))
        self._figures[:, steps] = list(figures.values())
        self._filled = self.count

    @property
    def names(self) -> list[str]:
        """The figures' names, in order."""
        self._fill()
        return self._names

    def series(self, name: str) -> np.ndarray:
        """One figure over the recorded steps, step 0 first."""
        self._fill()
        values = self._figures[self._column[name], :self.count]
        return values.astype(np.int64) if name in self._integral else values

    @property
    def figures(self) -> dict[str, np.ndarray]:
        """Every figure's series by name."""
        self._fill()
        return {name: self.series(name) for name in self._names}

    def latest(self) -> dict[str, float]:
        """The last recorded step's figures by name."""
        self._fill()
        return {name: int(value) if name in self._integral else value
                for name, value in zip(self._names, self._figures[:, self.count - 1].tolist(),
                                       strict=True)}

    @property
    def nation_rows(self) -> np.ndarray:
        """``[steps recorded, N, F]``: the nation figures (sim.records.NATION_FIELDS)."""
        return self._nations[:self.count].transpose(0, 2, 1)

    @property
    def model_vars(self) -> dict[str, list[float]]:
        """The figures as Mesa's DataCollector holds them (for ``batch_run``, which asks
        for them once per step it reads: built once per step recorded)."""
        if self._lists[0] != self.count:
            self._lists = (self.count, {name: values.tolist()
                                        for name, values in self.figures.items()})
        return self._lists[1]

    @property
    def _collection_steps(self) -> list[int]:
        """The steps recorded, as Mesa 3.4+'s DataCollector lists them (its batch_run
        finds a step's figures by them; without them it reads the first row for every
        step)."""
        return list(range(self.count))

    def get_model_vars_dataframe(self) -> pd.DataFrame:
        """One row per recorded step, one column per figure (DataCollector's method)."""
        return pd.DataFrame(self.figures)
