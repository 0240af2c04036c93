"""Counters accumulated over a run, for cumulative figures and the KPIs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class RunningTotals:
    """Counters accumulated over a run (for cumulative metrics and KPIs)."""

    procurement: float = 0.0
    acquisition_money: float = 0.0
    acquisition_units: float = 0.0
    units_delivered: float = 0.0
    effective_units_delivered: float = 0.0
    joint_units: float = 0.0
    milestones_due: int = 0
    milestones_on_time: int = 0
    programmes_formed: int = 0
    hubs_formed: int = 0
    attacks: int = 0
    step_attacks_start: int = 0
    line_quarters_disabled: int = 0
    aid_transferred: float = 0.0  # units given to Ukraine from stocks
    aid_built: float = 0.0  # units built new for Ukraine
    blocks: int = 0  # alliance-wide proposals blocked by a dissatisfied ally
    capability_lost: float = 0.0
    first_joint_delivery: int | None = None

    def start_step(self) -> None:
        self.step_attacks_start = self.attacks

    def add_spending(self, procurement: float, money: float, units: float) -> None:
        self.procurement += procurement
        self.acquisition_money += money
        self.acquisition_units += units

    def note_first_joint_delivery(self, step: int) -> None:
        if self.first_joint_delivery is None:
            self.first_joint_delivery = step
