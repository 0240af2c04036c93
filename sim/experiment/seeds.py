"""Seeds of replications: replication i of any scenario gets the i-th child of the root
SeedSequence, so scenarios compared on the same root seed share random numbers
(common random numbers; the model spawns one stream per stochastic process from it)."""

from __future__ import annotations

import numpy as np


def replication_seed(root: int, index: int) -> np.random.SeedSequence:
    """The same as ``SeedSequence(root).spawn(n)[index]`` for any ``n > index``."""
    return np.random.SeedSequence(entropy=root, spawn_key=(index,))


def describe(root: int, index: int) -> str:
    """How to rebuild a replication's seed, for messages and manifests."""
    return f"SeedSequence(entropy={root}, spawn_key=({index},))"
