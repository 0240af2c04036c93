"""What the model reports: per-step model and nation figures, and end-of-run KPIs.

Figures are computed once per step on the model (vectorised) and handed to Mesa's
DataCollector through reporters; nothing here changes the model's state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.enums import Pathway, VentureKind, VentureState
from sim.rules import cohesion

if TYPE_CHECKING:
    from sim.model import AllianceModel


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
    nodes_disabled: int = 0
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


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else 0.0


def _share(part: float, whole: float) -> float:
    """A share in [0, 1], robust to rounding."""
    return min(max(_ratio(part, whole), 0.0), 1.0)


def model_figures(model: AllianceModel) -> dict[str, float]:
    """Model-level figures of the current step."""
    totals = model.totals
    spend = model.pathway_spend.sum(axis=(0, 1))
    procurement = float(model.procurement.sum())
    spenders = model.spends
    states = [(v.kind, v.state) for v in model.live_ventures]  # finished: neither
    figures: dict[str, float] = {
        "effective_capability": model.effective_capability,
        "readiness": _share(float(model.capability.sum()), float(model.stock.sum())),
        "interoperability": _share(float((model.interoperability * model.capability.sum(0))
                                         .sum()), float(model.capability.sum())),
        "fragmentation": float(model.fragmentation.mean()),
        "cohesion": model.cohesion,
        **{f"cohesion_{name}": value for name, value in model.cohesion_parts.items()},
        "defence_spending": float(model.spending.sum()),
        "europe_canada_spending": float(model.spending[~model.is_us].sum()),
        "procurement_spending": procurement,
        **{f"spend_{pathway.label}": float(spend[pathway]) for pathway in Pathway},
        "collaborative_share": _share(float(spend[Pathway.STANDARDS:].sum()), procurement),
        "pooled_share": _share(float(spend[Pathway.POOLED]), procurement),
        "burden_gini": model.burden_gini,
        "burden_spearman": cohesion.spearman(model.gdp[spenders], model.share[spenders]),
        "mean_defence_pct_gdp": float(model.share[spenders].mean()) if spenders.any() else 0.0,
        "active_programmes": float(states.count((VentureKind.PROGRAMME, VentureState.ACTIVE))),
        "active_hubs": float(states.count((VentureKind.HUB, VentureState.ACTIVE))),
        "proposed_ventures": float(sum(state is VentureState.PROPOSED for _, state in states)),
        "milestones_due": float(totals.milestones_due),
        "milestone_on_time_rate": _share(totals.milestones_on_time, totals.milestones_due),
        "unit_cost": _ratio(totals.acquisition_money, totals.acquisition_units),
        "cost_per_effective_capability": _ratio(totals.procurement,
                                                totals.effective_units_delivered),
        "units_delivered": totals.units_delivered,
        "joint_units_delivered": totals.joint_units,
        "attacks": float(totals.attacks - totals.step_attacks_start),
        "nodes_disabled": float((~model.nodes_up).sum()),
        "capability_lost_to_attacks": model.capability_lost,
        "threat": model.threat,
        "us_commitment": model.us_commitment,
        "negotiating": float(model.steps >= model.paths.negotiation_step),
        "mean_political_pressure": float(model.pressure.mean()),
        "mean_trust_allies": float(model.trust_allies.mean()),
        "mean_trust_us": float(model.trust_us[~model.is_us].mean())
        if (~model.is_us).any() else 0.0,
    }
    if model.config.outputs.per_area:
        for prefix, values in (("capability", model.area_capability),
                               ("interoperability", model.interoperability),
                               ("fragmentation", model.fragmentation)):
            figures.update(zip(model.area_columns[prefix], values.tolist(), strict=True))
    return figures


NATION_FIELDS = (
    "gdp_usd_bn", "defence_pct_gdp", "spending", "procurement",
    *(f"spend_{pathway.label}" for pathway in Pathway),
    "capability", "readiness", "satisfaction", "trust_allies", "trust_us",
    "political_pressure", "memberships",
)


def nation_figures(model: AllianceModel) -> np.ndarray:
    """One row per nation (fields in NATION_FIELDS order), computed for all at once."""
    spend = model.pathway_spend.sum(axis=1)
    return np.column_stack([
        model.gdp, model.share, model.spending, model.procurement,
        *(spend[:, pathway] for pathway in Pathway),
        model.nation_capability, model.nation_readiness, model.satisfaction,
        model.trust_allies, model.trust_us, model.pressure, model.memberships,
    ])


def build_datacollector(model: AllianceModel) -> mesa.DataCollector:
    """A DataCollector whose model reporters read ``model.figures``, computed once per
    step by :func:`model_figures` before each collect. Nation figures are kept by the
    model as one array per step (``model.nation_rows``), not by agent reporters."""
    reporters = {name: (lambda key: lambda m: m.figures[key])(name) for name in model.figures}
    return mesa.DataCollector(model_reporters=reporters)


def end_of_run_kpis(model: AllianceModel) -> dict[str, float]:
    """One row of KPIs for a finished run."""
    collected = model.datacollector.model_vars

    def series(name: str) -> np.ndarray:
        """The figure over the run's steps, without step 0 (the starting state)."""
        return np.asarray(collected[name][1:], dtype=float)

    def last(name: str) -> float:
        return float(collected[name][-1])

    totals = model.totals
    horizon = model.horizon
    first = totals.first_joint_delivery
    return {
        "final_capability": model.effective_capability,
        "capability_growth": _ratio(model.effective_capability, model.initial_capability),
        "capability_permanence": _ratio(model.effective_capability,
                                        float(max(collected["effective_capability"]))),
        "final_cohesion": model.cohesion,
        "min_cohesion": float(min(collected["cohesion"])),
        "final_interoperability": last("interoperability"),
        "final_fragmentation": last("fragmentation"),
        "final_readiness": last("readiness"),
        "unit_cost": last("unit_cost"),
        "cost_per_effective_capability": last("cost_per_effective_capability"),
        "milestone_on_time_rate": last("milestone_on_time_rate"),
        "milestones_due": float(totals.milestones_due),
        "time_to_first_joint_delivery": float(first if first is not None else horizon + 1),
        "joint_delivery_achieved": float(first is not None),
        "programmes_formed": float(totals.programmes_formed),
        "hubs_formed": float(totals.hubs_formed),
        "total_defence_spending": float(series("defence_spending").sum()),
        "final_europe_canada_spending": last("europe_canada_spending"),
        "final_mean_defence_pct_gdp": last("mean_defence_pct_gdp"),
        "mean_collaborative_share": float(series("collaborative_share").mean()),
        "mean_pooled_share": float(series("pooled_share").mean()),
        "final_burden_gini": last("burden_gini"),
        "final_burden_spearman": last("burden_spearman"),
        "capability_lost_to_attacks": totals.capability_lost,
        "attacks": float(totals.attacks),
        "node_quarters_disabled": float(totals.nodes_disabled),
    }


# The names of the KPIs above, for checking experiment files before anything runs
# (tests/test_sweeps.py keeps the two in step).
KPI_NAMES = (
    "final_capability", "capability_growth", "capability_permanence", "final_cohesion",
    "min_cohesion", "final_interoperability", "final_fragmentation", "final_readiness",
    "unit_cost", "cost_per_effective_capability", "milestone_on_time_rate", "milestones_due",
    "time_to_first_joint_delivery", "joint_delivery_achieved", "programmes_formed",
    "hubs_formed", "total_defence_spending", "final_europe_canada_spending",
    "final_mean_defence_pct_gdp", "mean_collaborative_share", "mean_pooled_share",
    "final_burden_gini", "final_burden_spearman", "capability_lost_to_attacks", "attacks",
    "node_quarters_disabled",
)

# The KPIs the command line prints after a run and sweeps analyse unless told otherwise.
HEADLINE_KPIS = ("final_capability", "final_cohesion", "final_interoperability",
                 "milestone_on_time_rate", "time_to_first_joint_delivery")
