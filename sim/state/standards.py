"""Technical standards: who uses which, who owns each, and where each stands on its
learning curve."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class StandardsState:
    standard: np.ndarray  # [N, A] int: the standard a nation buys on in each area
    owner: np.ndarray  # [A, S] int: the producing nation that owns a standard (-1: none)
    cumulative: np.ndarray  # [A, S] units ordered on the standard so far (learning curve)
    reference_output: np.ndarray  # [A] units: mean starting output of standards in use
    reference: np.ndarray  # [A] int: the standard with the most capability behind it
    # [N, A] int: the standard a nation harmonises toward - that of the last programme it
    # took part in, in that area (-1: none yet).
    target: np.ndarray
    # [A] int: under consensus, the standard of the last alliance-wide programme agreed in
    # the area, which nations with no programme of their own harmonise toward (-1: none).
    alliance: np.ndarray
    harmonisation: np.ndarray  # [N, A] USD bn saved up toward switching and retrofits
    # [N, A] this quarter's unit cost factor of national orders (sim.mechanisms.prices),
    # set once at decisions: no standard changes and no order moves a learning curve
    # before orders are placed, so aid and orders price from it.
    national_price: np.ndarray

    @property
    def count(self) -> int:
        """Standards per area (the width of ``owner``)."""
        return self.owner.shape[1]

    def per_standard(self, values: np.ndarray, grid: np.ndarray) -> np.ndarray:
        """Sum ``values[N, A]`` over the nations on each standard: ``[A, S]``
        (``grid`` is the area index of each cell)."""
        n_areas = self.owner.shape[0]
        flat = (grid * self.count + self.standard).ravel()
        return np.bincount(flat, weights=values.ravel(),
                           minlength=n_areas * self.count).reshape(n_areas, self.count)
