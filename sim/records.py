"""Records: what the model reports of its state - per-step model and nation figures, and
end-of-run KPIs.

Figures are computed once per step from the state (vectorised) and kept by the model's
recorder (sim.recorder); nothing here changes the state.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import groupby
from operator import attrgetter

import numpy as np

from sim.enums import Pathway, VentureKind, VentureState
from sim.mechanisms.capability import lines_disabled
from sim.mechanisms.standards import interoperability as standards_interoperability
from sim.state import State, Venture
from sim.statistics import spearman_rows


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else 0.0


def _rate(numerator: float, denominator: float) -> float:
    """A rate that is undefined (NaN) over nothing: nothing due is not 0 % on time
    (sim/outputs.py, Censoring.UNDEFINED)."""
    return numerator / denominator if denominator > 0 else float("nan")


def _share(part: float, whole: float) -> float:
    """A share in [0, 1], robust to rounding."""
    return min(max(_ratio(part, whole), 0.0), 1.0)


def _mean(values: np.ndarray) -> float:
    """The mean, 0 over nothing: ``sum / n`` is what ``ndarray.mean`` computes, without its
    Python-level overhead."""
    return float(values.sum()) / values.size if values.size else 0.0


# The place of a figure that is a reduction of the nation rows (NATION_FIELDS):
# nation_row_figures computes those for every recorded step at once, rather than each
# quarter (the recorder fills them in when they are read).
LATER = float("nan")

# The names of the pathways' spending figures, in pathway order (built once).
SPEND_FIGURES = tuple(f"spend_{pathway.label}" for pathway in Pathway)


def model_figures(state: State, per_area: bool) -> dict[str, float]:
    """Model-level figures of the current step, in their order; those that
    nation_row_figures gives from the nation rows are LATER here."""
    totals, nations, forces, record = state.totals, state.nations, state.forces, state.cohesion
    spend = state.choices.pathway_spend.sum(axis=(0, 1))
    spend_by_pathway = spend.tolist()
    procurement = float(nations.procurement.sum())
    capability = float(forces.capability.sum())
    # One pass over the live ventures (finished ones count nowhere) serves every figure.
    programmes: list[Venture] = []  # agreed: active, or completed and still delivering
    hubs = proposed = 0
    # Enum members looked up once, not per venture (a lookup costs about 0.1 us).
    proposed_state, active_state = VentureState.PROPOSED, VentureState.ACTIVE
    programme = VentureKind.PROGRAMME
    for venture in state.ventures.live:
        if venture.state is proposed_state:
            proposed += 1
        elif venture.kind is programme:
            programmes.append(venture)
        elif venture.state is active_state:
            hubs += 1
    active = [v for v in programmes if v.state is active_state]
    figures: dict[str, float] = {
        "effective_capability": forces.effective_capability,
        "readiness": _share(capability, float(forces.stock.sum())),
        "interoperability": _share(float((forces.interoperability
                                          * forces.capability.sum(0)).sum()), capability),
        "fragmentation": _mean(forces.fragmentation),
        "cohesion": record.cohesion,
        **{f"cohesion_{name}": value for name, value in record.parts.items()},
        "defence_spending": LATER,
        "europe_canada_spending": LATER,
        "procurement_spending": procurement,
        **dict(zip(SPEND_FIGURES, spend_by_pathway, strict=True)),
        "collaborative_share": _share(float(spend[Pathway.STANDARDS:].sum()), procurement),
        "pooled_share": _share(spend_by_pathway[Pathway.POOLED], procurement),
        "burden_gini": record.burden_gini,
        "burden_spearman": LATER,
        "mean_defence_pct_gdp": LATER,
        "active_programmes": float(len(active)),
        "active_hubs": float(hubs),
        "proposed_ventures": float(proposed),
        "milestones_due": float(totals.milestones_due),
        "milestone_on_time_rate": _rate(totals.milestones_on_time, totals.milestones_due),
        "unit_cost": _rate(totals.acquisition_money, totals.acquisition_units),
        "cost_per_effective_capability": _rate(totals.procurement,
                                               totals.effective_units_delivered),
        "units_delivered": totals.units_delivered,
        "joint_units_delivered": totals.joint_units,
        "attacks": float(totals.attacks - totals.step_attacks_start),
        "hub_money_returned": state.choices.hub_money_returned,
        "surge_premium_paid": state.choices.surge_premium_paid,
        "attacks_foiled": LATER,
        "lines_disabled": float(lines_disabled(state)),
        "capability_lost_to_attacks": forces.capability_lost,
        "resilience_spending": LATER,
        "mean_resilience_pct_gdp": LATER,
        "threat": state.world.threat,
        "mean_perceived_threat": LATER,
        "us_commitment": state.world.us_commitment,
        "us_pacific_attention": state.world.pacific_attention,
        "us_commitment_to_europe": state.world.us_europe,
        "ukraine_aid": float(nations.aid_money.sum()),
        "aid_from_stocks": LATER,
        "aid_built_new": float(forces.aid_built.sum()),
        "aid_givers": LATER,
        "exercise_spending": float((nations.exercise_share * nations.spending).sum()),
        "mean_practice": LATER,
        "blocks": float(totals.blocks),
        "negotiating": float(state.step >= state.world.paths.negotiation_step),
        "mean_political_pressure": LATER,
        "mean_trust_allies": LATER,
        "mean_trust_us": LATER,
    }
    industry = industry_by_area(state, programmes)
    sources = {f"capability_from_{part}": change for part, change in forces.change_from.items()}
    # Each [A] array's total at once: the rows of one stacked array sum as each array does.
    total = dict(zip([*industry, *sources],
                     np.array([*industry.values(), *sources.values()]).sum(axis=1).tolist(),
                     strict=True))
    figures.update((name, total[name]) for name in industry)
    figures.update(european_figures(state, active))
    figures.update((name, total[name]) for name in sources)
    if per_area:
        by_area = {"capability": forces.area_capability,
                   "interoperability": forces.interoperability,
                   "fragmentation": forces.fragmentation, **industry, **sources}
        for prefix, values in by_area.items():
            figures.update(zip(state.areas.columns[prefix], values.tolist(), strict=True))
    return figures


def industry_by_area(state: State, programmes: list[Venture]) -> dict[str, np.ndarray]:
    """[A] per area: units delivered this quarter to the allies' forces (all, and from
    pooled programmes), units waiting for production and the order book (orders in lead
    time and waiting; both with equipment ordered for Ukraine), production capacity (node
    capacity and programme lines) and capacity being built. ``programmes``: the agreed
    programmes still live, in the book's order."""
    industry, forces = state.industry, state.forces
    # Grouped by area, keeping their order within an area: bincount adds each area's values
    # in the same order as over the unsorted list, and an area's pipelines all have its
    # lead time as length, so they stack into one array whose row sums are their sums.
    programmes = sorted(programmes, key=attrgetter("area"))
    areas = np.array([v.area for v in programmes], dtype=int)
    backlogs = np.array([v.backlog for v in programmes], dtype=float)
    pipelines, running = np.zeros(len(programmes)), np.zeros(len(programmes), dtype=bool)
    start = 0
    for _, group in groupby(programmes, key=attrgetter("area")):
        block = np.array([v.pipeline for v in group])
        end = start + len(block)
        pipelines[start:end], running[start:end] = block.sum(axis=1), block.any(axis=1)
        start = end
    lines = np.where((backlogs > 0) | running, [v.line_capacity for v in programmes], 0.0)
    count = state.areas.n
    programme_backlog = np.bincount(areas, weights=backlogs, minlength=count)
    programme_book = programme_backlog + np.bincount(areas, weights=pipelines, minlength=count)
    programme_lines = np.bincount(areas, weights=lines, minlength=count)
    return {
        "deliveries": forces.delivered.sum(axis=0),
        "joint_deliveries": forces.joint_delivered.sum(axis=0),
        "backlog": (industry.backlog + industry.ukraine_backlog).sum(axis=0)
        + programme_backlog,
        "order_book": (industry.backlog + industry.pipeline.sum(axis=2)
                       + industry.ukraine_backlog
                       + industry.ukraine_pipeline.sum(axis=2)).sum(axis=0) + programme_book,
        "capacity": industry.capacity.sum(axis=0) + programme_lines,
        "capacity_building": industry.building.sum(axis=(0, 2)),
    }


def european_figures(state: State, active: list[Venture]) -> dict[str, float]:
    """Europe's dependency - the share of European allies' capability on standards owned
    outside Europe -, the interoperability among European allies alone, and Europe's
    industrial share of this quarter's European equipment money (national and pooled)
    spent with European producers. ``active``: the active programmes, in the book's
    order."""
    nations, standards, forces = state.nations, state.standards, state.forces
    europe = nations.european & nations.spends
    owner = standards.owner
    foreign = (owner >= 0) & ~nations.european[np.maximum(owner, 0)]  # [A, S]
    capability = forces.fleet[europe] * forces.readiness[europe][..., None]
    dependency = _share(float((capability * foreign[None]).sum()), float(capability.sum()))
    area_total = capability.sum(axis=(0, 2))
    interoperable = _share(float((standards_interoperability(capability) * area_total).sum()),
                           float(area_total.sum()))
    spend = state.choices.pathway_spend
    national = spend[..., Pathway.NATIONAL]
    european_supplier = nations.european[state.industry.supplier]
    money = float(national[europe].sum())
    at_home = float((national * european_supplier)[europe].sum())
    for venture, paid in zip(active, _pooled_paid(active, spend, europe), strict=True):
        money += paid
        at_home += paid * venture.european_work_share
    return {"european_dependency": dependency, "european_interoperability": interoperable,
            "european_industrial_share": _share(at_home, money)}


def _pooled_paid(programmes: list[Venture], spend: np.ndarray, payers: np.ndarray
                 ) -> list[float]:
    """What the ``payers`` among each programme's members paid into it this quarter.

    Programmes with as many members stack into one array, whose row sums are each
    programme's sum: a few numpy calls a step rather than a few per programme."""
    paid = np.zeros(len(programmes))
    sizes = [v.members.size for v in programmes]
    by_size = sorted(range(len(programmes)), key=sizes.__getitem__)
    for _, group in groupby(by_size, key=sizes.__getitem__):
        rows = list(group)
        members = np.array([programmes[i].members for i in rows])  # [programmes, members]
        areas = np.array([programmes[i].area for i in rows])
        paid[rows] = (spend[members, areas[:, None], Pathway.POOLED]
                      * payers[members]).sum(axis=1)
    return paid.tolist()


NATION_FIELDS = (
    "gdp_usd_bn", "defence_pct_gdp", "spending", "procurement",
    *(f"spend_{pathway.label}" for pathway in Pathway),
    "capability", "readiness", "satisfaction", "trust_allies", "trust_us",
    "political_pressure", "memberships", "resilience_pct_gdp", "deliveries",
    "production_lines", "lines_hit", "attacks_foiled", "perceived_threat",
    "ukraine_aid_pct_gdp", "aid_from_stocks", "practice",
)


def nation_figures(state: State) -> np.ndarray:
    """One row per nation (fields in NATION_FIELDS order), computed for all at once."""
    nations, forces, record = state.nations, state.forces, state.cohesion
    spend = state.choices.pathway_spend.sum(axis=1)
    # Stacked field by field (one call) and seen row by row.
    return np.array([
        nations.gdp, nations.share, nations.spending, nations.procurement,
        *(spend[:, pathway] for pathway in Pathway),
        forces.nation_capability, forces.nation_readiness, record.satisfaction,
        nations.trust_allies, nations.trust_us, nations.pressure, record.memberships,
        nations.resilience, forces.delivered.sum(axis=1),
        (state.industry.capacity > 0).sum(axis=1) * state.industry.line_down_until.shape[2],
        state.industry.lines_hit, state.industry.attacks_foiled, nations.perceived,
        nations.aid, forces.aid_transferred, nations.practice,
    ], dtype=float).T



def nation_row_figures(rows: np.ndarray, spends: np.ndarray, is_us: np.ndarray,
                       steps_per_year: int) -> dict[str, np.ndarray]:
    """The model figures that reduce the nation rows ``rows[steps, N, F]`` (NATION_FIELDS
    order), one value a step, for all the steps at once. ``spends`` and ``is_us`` are the
    nations' fixed traits. Each field's rows are made contiguous, so that a step's sum
    adds the same values in the same order as the sum of the nation array it copies
    (``compress`` keeps a selection of nations contiguous; indexing by mask does not)."""
    fields = np.ascontiguousarray(np.moveaxis(rows, 2, 0))  # [F, steps, N]
    field = dict(zip(NATION_FIELDS, fields, strict=True))
    allies = ~is_us
    steps = rows.shape[0]

    def mean(values: np.ndarray) -> np.ndarray:
        """[steps, n] -> [steps]; 0 over nothing."""
        n = values.shape[1]
        return values.sum(axis=1) / n if n else np.zeros(steps)

    spenders = int(np.count_nonzero(spends))
    givers = np.count_nonzero(field["ukraine_aid_pct_gdp"].compress(spends, axis=1) > 0, axis=1)
    gdp, share = field["gdp_usd_bn"], field["defence_pct_gdp"]
    return {
        "defence_spending": field["spending"].sum(axis=1),
        "europe_canada_spending": field["spending"].compress(allies, axis=1).sum(axis=1),
        "burden_spearman": spearman_rows(gdp.compress(spends, axis=1),
                                         share.compress(spends, axis=1)),
        "mean_defence_pct_gdp": mean(share.compress(spends, axis=1)),
        "attacks_foiled": field["attacks_foiled"].sum(axis=1),
        "resilience_spending": (field["resilience_pct_gdp"] / 100.0 * gdp).sum(axis=1)
        / steps_per_year,
        "mean_resilience_pct_gdp": mean(field["resilience_pct_gdp"].compress(spends, axis=1)),
        "mean_perceived_threat": mean(field["perceived_threat"]),
        "aid_from_stocks": field["aid_from_stocks"].sum(axis=1),
        "aid_givers": givers / spenders if spenders else np.zeros(steps),
        "mean_practice": mean(field["practice"].compress(spends, axis=1)),
        "mean_political_pressure": mean(field["political_pressure"]),
        "mean_trust_allies": mean(field["trust_allies"]),
        "mean_trust_us": mean(field["trust_us"].compress(allies, axis=1)),
    }

def end_of_run_kpis(state: State, collected: Mapping[str, np.ndarray]
                    ) -> dict[str, float]:
    """One row of KPIs for a finished run (``collected``: each model figure's series,
    step 0 first)."""

    def series(name: str) -> np.ndarray:
        """The figure over the run's steps, without step 0 (the starting state)."""
        return np.asarray(collected[name][1:], dtype=float)

    def last(name: str) -> float:
        return float(collected[name][-1])

    totals = state.totals
    capability = state.forces.effective_capability
    first = totals.first_joint_delivery
    capacity = series("capacity")
    dependency = np.asarray(collected["european_dependency"], dtype=float)
    return {
        "final_capability": capability,
        "capability_growth": _ratio(capability, state.initial_capability),
        "capability_permanence": _ratio(capability,
                                        float(max(collected["effective_capability"]))),
        **{f"capability_from_{part}": float(series(f"capability_from_{part}").sum())
           for part in ("stock", "readiness", "interoperability")},
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
        "units_delivered": last("units_delivered"),
        "capacity_growth": _ratio(float(capacity[-1]), float(collected["capacity"][0]))
        if capacity.size else 0.0,
        "final_european_dependency": float(dependency[-1]),
        "final_european_interoperability": last("european_interoperability"),
        "european_dependency_change": float(dependency[-1] - dependency[0]),
        "mean_european_industrial_share": float(series("european_industrial_share").mean()),
        "total_ukraine_aid": float(series("ukraine_aid").sum()),
        "aid_units_to_ukraine": totals.aid_transferred + totals.aid_built,
        "proposals_blocked": float(totals.blocks),
        "final_burden_gini": last("burden_gini"),
        "final_burden_spearman": last("burden_spearman"),
        "capability_lost_to_attacks": totals.capability_lost,
        "attacks": float(totals.attacks),
        "line_quarters_disabled": float(totals.line_quarters_disabled),
    }
