"""Unit costs on a learning curve (Wright 1936).

The cost of a unit falls by a fixed share with each doubling of cumulative output:
``cost(Q) = cost(Q_ref) * (Q / Q_ref) ** log2(learning_rate)``. Output is counted per
technical standard, so fragmentation into many small standards keeps every standard high
on its curve, and harmonising or pooling moves buyers down a shared one.
"""

from __future__ import annotations

import numpy as np


def price_factor(cumulative: np.ndarray, reference: np.ndarray | float,
                 learning_rate: np.ndarray | float) -> np.ndarray:
    """Unit cost relative to the reference cost, for cumulative output ``cumulative``."""
    ratio = np.maximum(cumulative, 1e-9) / reference
    return ratio ** np.log2(learning_rate)
