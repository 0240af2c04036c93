"""The run's record: every step's model figures and nation rows, kept in preallocated
arrays.

Mesa's DataCollector calls one reporter per figure per step and deep-copies each value
(55 calls and copies a step here); the figures are computed together anyway
(sim.records.model_figures), so they are written as one row of an array instead; those
that reduce the nation rows are filled in when read, for every step recorded since at
once (sim.records.nation_row_figures). The recorder answers what Mesa's ``batch_run``
asks of a ``datacollector`` (``model_vars``, the steps recorded, no agent records; Mesa
3.3 to 3.5), so ``batch_run`` still drives the model.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import ClassVar

import numpy as np
import pandas as pd


class StepRecorder:
    """Figures by step: ``figures[name][step]`` and ``nation_rows[step]`` (``[N, F]``).

    Room for ``steps + 1`` rows (step 0 is the starting state) is taken at once: the
    model's drivers are drawn to its horizon, and its step() refuses to go beyond.
    """

    # batch_run reads agent (and, from Mesa 3.4, agent-type) records: there are none.
    agent_reporters: ClassVar[dict] = {}
    _agent_records: ClassVar[dict] = {}
    agenttype_reporters: ClassVar[dict] = {}
    _agenttype_records: ClassVar[dict] = {}

    def __init__(self, names: list[str], nations: int, nation_fields: int, steps: int,
                 from_nation_rows: Callable[[np.ndarray], Mapping[str, np.ndarray]]
                 ) -> None:
        """``from_nation_rows`` gives, from the nation rows of some steps, the figures
        recorded as placeholders: they are filled in when figures are read, for all the
        steps recorded since at once."""
        self.names = names
        self._column = {name: column for column, name in enumerate(names)}
        # Figure-major, so that each figure's series is one contiguous array.
        self._figures = np.empty((len(names), steps + 1))
        self._nations = np.empty((steps + 1, nations, nation_fields))
        self.count = 0
        self.integral: list[str] = []  # figures given as whole numbers: kept as such
        self._lists: tuple[int, dict[str, list[float]]] = (-1, {})
        self._from_nation_rows = from_nation_rows
        self._filled = 0  # steps whose figures from the nation rows are filled in

    def record(self, figures: Mapping[str, float], nation_row: np.ndarray) -> None:
        """Keep one step: the model figures (in ``names`` order) and the nation rows."""
        values = list(figures.values())
        if self.count == 0:  # a figure's type comes from its state array: fixed in a run
            self.integral = [name for name, value in zip(self.names, values, strict=True)
                             if isinstance(value, int | np.integer)
                             and not isinstance(value, bool)]
        self._figures[:, self.count] = values
        self._nations[self.count] = nation_row
        self.count += 1

    def _fill(self) -> None:
        """Fill in the figures from the nation rows for the steps recorded since."""
        if self._filled == self.count:
            return
        steps = slice(self._filled, self.count)
        for name, values in self._from_nation_rows(self._nations[steps]).items():
            self._figures[self._column[name], steps] = values
        self._filled = self.count

    def series(self, name: str) -> np.ndarray:
        """One figure over the recorded steps, step 0 first."""
        self._fill()
        values = self._figures[self._column[name], :self.count]
        return values.astype(np.int64) if name in self.integral else values

    @property
    def figures(self) -> dict[str, np.ndarray]:
        """Every figure's series by name."""
        return {name: self.series(name) for name in self.names}

    def latest(self) -> dict[str, float]:
        """The last recorded step's figures by name."""
        self._fill()
        return {name: int(value) if name in self.integral else value
                for name, value in zip(self.names, self._figures[:, self.count - 1].tolist(),
                                       strict=True)}

    @property
    def nation_rows(self) -> np.ndarray:
        """``[steps recorded, N, F]``: the nation figures (sim.records.NATION_FIELDS)."""
        return self._nations[:self.count]

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
