"""What the nations chose this quarter and what their money actually did."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class ChoiceState:
    # [N, A, P] shares summing to 1 over pathways (sim.enums.Pathway order): how each
    # nation means to split its budget in each area, as its policy decided.
    allocation: np.ndarray
    # [N, A, P] USD bn per quarter: the money that flowed through each pathway (money a
    # pathway cannot take yet reverts to national procurement).
    pathway_spend: np.ndarray
    desired_share: np.ndarray  # [N] % of GDP each nation's policy wants to spend
    desired_resilience: np.ndarray  # [N] % of GDP its policy wants for resilience
    desired_aid: np.ndarray  # [N] % of GDP a year of military aid to Ukraine
    # USD bn this quarter: hub money beyond what full coverage needs, returned to
    # national procurement; the surge premium paid on new orders.
    hub_money_returned: float = 0.0
    surge_premium_paid: float = 0.0
