"""Records: what the model reports of its state - per-step model and nation figures, and
end-of-run KPIs.

Figures are computed once per step from the state (vectorised) and handed to Mesa's
DataCollector through reporters; nothing here changes the state.
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np

from sim.enums import Pathway, VentureKind, VentureState
from sim.state import State
from sim.statistics import spearman


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else 0.0


def _rate(numerator: float, denominator: float) -> float:
    """A rate that is undefined (NaN) over nothing: nothing due is not 0 % on time
    (sim/outputs.py, Censoring.UNDEFINED)."""
    return numerator / denominator if denominator > 0 else float("nan")


def _share(part: float, whole: float) -> float:
    """A share in [0, 1], robust to rounding."""
    return min(max(_ratio(part, whole), 0.0), 1.0)


def model_figures(state: State, per_area: bool) -> dict[str, float]:
    """Model-level figures of the current step."""
    totals, nations, forces, record = state.totals, state.nations, state.forces, state.cohesion
    spend = state.choices.pathway_spend.sum(axis=(0, 1))
    procurement = float(nations.procurement.sum())
    spenders = nations.spends
    states = [(v.kind, v.state) for v in state.ventures.live]  # finished: neither
    figures: dict[str, float] = {
        "effective_capability": forces.effective_capability,
        "readiness": _share(float(forces.capability.sum()), float(forces.stock.sum())),
        "interoperability": _share(float((forces.interoperability
                                          * forces.capability.sum(0)).sum()),
                                   float(forces.capability.sum())),
        "fragmentation": float(forces.fragmentation.mean()),
        "cohesion": record.cohesion,
        **{f"cohesion_{name}": value for name, value in record.parts.items()},
        "defence_spending": float(nations.spending.sum()),
        "europe_canada_spending": float(nations.spending[~nations.is_us].sum()),
        "procurement_spending": procurement,
        **{f"spend_{pathway.label}": float(spend[pathway]) for pathway in Pathway},
        "collaborative_share": _share(float(spend[Pathway.STANDARDS:].sum()), procurement),
        "pooled_share": _share(float(spend[Pathway.POOLED]), procurement),
        "burden_gini": record.burden_gini,
        "burden_spearman": spearman(nations.gdp[spenders], nations.share[spenders]),
        "mean_defence_pct_gdp": float(nations.share[spenders].mean()) if spenders.any()
        else 0.0,
        "active_programmes": float(states.count((VentureKind.PROGRAMME, VentureState.ACTIVE))),
        "active_hubs": float(states.count((VentureKind.HUB, VentureState.ACTIVE))),
        "proposed_ventures": float(sum(state is VentureState.PROPOSED for _, state in states)),
        "milestones_due": float(totals.milestones_due),
        "milestone_on_time_rate": _rate(totals.milestones_on_time, totals.milestones_due),
        "unit_cost": _rate(totals.acquisition_money, totals.acquisition_units),
        "cost_per_effective_capability": _rate(totals.procurement,
                                               totals.effective_units_delivered),
        "units_delivered": totals.units_delivered,
        "joint_units_delivered": totals.joint_units,
        "attacks": float(totals.attacks - totals.step_attacks_start),
        "nodes_disabled": float((~state.industry.nodes_up(state.step)).sum()),
        "capability_lost_to_attacks": forces.capability_lost,
        "threat": state.world.threat,
        "us_commitment": state.world.us_commitment,
        "negotiating": float(state.step >= state.world.paths.negotiation_step),
        "mean_political_pressure": float(nations.pressure.mean()),
        "mean_trust_allies": float(nations.trust_allies.mean()),
        "mean_trust_us": float(nations.trust_us[~nations.is_us].mean())
        if (~nations.is_us).any() else 0.0,
    }
    if per_area:
        for prefix, values in (("capability", forces.area_capability),
                               ("interoperability", forces.interoperability),
                               ("fragmentation", forces.fragmentation)):
            figures.update(zip(state.areas.columns[prefix], values.tolist(), strict=True))
    return figures


NATION_FIELDS = (
    "gdp_usd_bn", "defence_pct_gdp", "spending", "procurement",
    *(f"spend_{pathway.label}" for pathway in Pathway),
    "capability", "readiness", "satisfaction", "trust_allies", "trust_us",
    "political_pressure", "memberships",
)


def nation_figures(state: State) -> np.ndarray:
    """One row per nation (fields in NATION_FIELDS order), computed for all at once."""
    nations, forces, record = state.nations, state.forces, state.cohesion
    spend = state.choices.pathway_spend.sum(axis=1)
    return np.column_stack([
        nations.gdp, nations.share, nations.spending, nations.procurement,
        *(spend[:, pathway] for pathway in Pathway),
        forces.nation_capability, forces.nation_readiness, record.satisfaction,
        nations.trust_allies, nations.trust_us, nations.pressure, record.memberships,
    ])


def build_datacollector(names: list[str]) -> mesa.DataCollector:
    """A DataCollector whose model reporters read ``model.figures``, computed once per
    step by :func:`model_figures` before each collect. Nation figures are kept by the
    model as one array per step (``model.nation_rows``), not by agent reporters."""
    reporters = {name: (lambda key: lambda m: m.figures[key])(name) for name in names}
    return mesa.DataCollector(model_reporters=reporters)


def end_of_run_kpis(state: State, collected: dict[str, list[Any]]) -> dict[str, float]:
    """One row of KPIs for a finished run (``collected``: the DataCollector's model
    variables, step 0 first)."""

    def series(name: str) -> np.ndarray:
        """The figure over the run's steps, without step 0 (the starting state)."""
        return np.asarray(collected[name][1:], dtype=float)

    def last(name: str) -> float:
        return float(collected[name][-1])

    totals = state.totals
    capability = state.forces.effective_capability
    first = totals.first_joint_delivery
    return {
        "final_capability": capability,
        "capability_growth": _ratio(capability, state.initial_capability),
        "capability_permanence": _ratio(capability,
                                        float(max(collected["effective_capability"]))),
        "final_cohesion": state.cohesion.cohesion,
        "min_cohesion": float(min(collected["cohesion"])),
        "final_interoperability": last("interoperability"),
        "final_fragmentation": last("fragmentation"),
        "final_readiness": last("readiness"),
        "unit_cost": last("unit_cost"),
        "cost_per_effective_capability": last("cost_per_effective_capability"),
        "milestone_on_time_rate": last("milestone_on_time_rate"),
        "milestones_due": float(totals.milestones_due),
        # Not reached (NaN) when nothing was delivered: sim/outputs.py, NOT_REACHED.
        "time_to_first_joint_delivery": float(first) if first is not None else float("nan"),
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
