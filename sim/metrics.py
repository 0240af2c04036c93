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
    states = [(v.kind, v.state) for v in model.ventures]
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
        "burden_gini": cohesion.gini(model.share[spenders]),
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


def nation_figures(model: AllianceModel) -> list[list[float]]:
    """One record per nation (fields in NATION_FIELDS order), computed for all at once."""
    spend = model.pathway_spend.sum(axis=1)
    columns = np.column_stack([
        model.gdp, model.share, model.spending, model.procurement,
        *(spend[:, pathway] for pathway in Pathway),
        model.nation_capability, model.nation_readiness, model.satisfaction,
        model.trust_allies, model.trust_us, model.pressure, model.memberships,
    ])
    return columns.tolist()


def build_datacollector(model: AllianceModel) -> mesa.DataCollector:
    """A DataCollector whose model reporters read ``model.figures``, computed once per
    step by :func:`model_figures` before each collect."""
    reporters = {name: (lambda key: lambda m: m.figures[key])(name) for name in model.figures}
    # One reporter per nation returning its whole record: the figures are vectorised over
    # nations once per step; results.nation_table() splits the record into columns.
    return mesa.DataCollector(model_reporters=reporters,
                              agent_reporters={"code": "code", "record": "record"})


def end_of_run_kpis(model: AllianceModel) -> dict[str, float]:
    """One row of KPIs for a finished run."""
    frame = model.datacollector.get_model_vars_dataframe()
    everything, frame = frame, frame.iloc[1:]  # row 0 is the starting state
    totals = model.totals
    horizon = model.horizon
    first = totals.first_joint_delivery
    return {
        "final_capability": model.effective_capability,
        "capability_growth": _ratio(model.effective_capability, model.initial_capability),
        "capability_permanence": _ratio(model.effective_capability,
                                        float(everything["effective_capability"].max())),
        "final_cohesion": model.cohesion,
        "min_cohesion": float(everything["cohesion"].min()),
        "final_interoperability": float(frame["interoperability"].iloc[-1]),
        "final_fragmentation": float(frame["fragmentation"].iloc[-1]),
        "final_readiness": float(frame["readiness"].iloc[-1]),
        "unit_cost": float(frame["unit_cost"].iloc[-1]),
        "cost_per_effective_capability": float(frame["cost_per_effective_capability"].iloc[-1]),
        "milestone_on_time_rate": float(frame["milestone_on_time_rate"].iloc[-1]),
        "milestones_due": float(totals.milestones_due),
        "time_to_first_joint_delivery": float(first if first is not None else horizon + 1),
        "joint_delivery_achieved": float(first is not None),
        "programmes_formed": float(totals.programmes_formed),
        "hubs_formed": float(totals.hubs_formed),
        "total_defence_spending": float(frame["defence_spending"].sum()),
        "final_europe_canada_spending": float(frame["europe_canada_spending"].iloc[-1]),
        "final_mean_defence_pct_gdp": float(frame["mean_defence_pct_gdp"].iloc[-1]),
        "mean_collaborative_share": float(frame["collaborative_share"].mean()),
        "mean_pooled_share": float(frame["pooled_share"].mean()),
        "final_burden_gini": float(frame["burden_gini"].iloc[-1]),
        "final_burden_spearman": float(frame["burden_spearman"].iloc[-1]),
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
