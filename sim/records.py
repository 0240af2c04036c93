"""Records: what the model reports of its state - per-step model and nation figures, and
end-of-run KPIs.

Each step, the quantities the figures are made of are measured from the state (one row of
scalars, one block of per-area arrays, the nation rows) and kept by the model's recorder
(sim.recorder); the figures - shares, rates, means, totals - are computed from them for
all the recorded steps at once (step_figures). Nothing here changes the state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter

import numpy as np

from sim.enums import Pathway, VentureKind, VentureState
from sim.mechanisms.capability import FACTORS, lines_disabled
from sim.mechanisms.standards import interoperability as standards_interoperability
from sim.state import State, Venture
from sim.statistics import spearman_rows


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else 0.0


def _ratios(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """_ratio step by step."""
    return np.divide(numerator, denominator, out=np.zeros(numerator.shape),
                     where=denominator > 0)


def _rates(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Rates step by step, undefined (NaN) over nothing: nothing due is not 0 % on time
    (sim/outputs.py, Censoring.UNDEFINED)."""
    return np.divide(numerator, denominator, out=np.full(numerator.shape, np.nan),
                     where=denominator > 0)


def _shares(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """Shares in [0, 1] step by step, robust to rounding (0 of nothing)."""
    return np.minimum(np.maximum(_ratios(part, whole), 0.0), 1.0)


# The names of the pathways' spending figures, in pathway order (built once).
SPEND_FIGURES = tuple(f"spend_{pathway.label}" for pathway in Pathway)

# A step's scalar quantities, in the order step_quantities measures them; the cohesion
# index's parts follow them.
QUANTITIES = (
    "effective_capability", "capability", "stock", "cohesion", "burden_gini",
    "procurement", *SPEND_FIGURES, "active_programmes", "active_hubs", "proposed_ventures",
    "milestones_due", "milestones_on_time", "acquisition_money", "acquisition_units",
    "procurement_to_date", "effective_units_delivered", "units_delivered", "joint_units",
    "attacks", "hub_money_returned", "surge_premium_paid", "lines_disabled",
    "capability_lost", "threat", "us_commitment", "us_pacific_attention",
    "us_commitment_to_europe", "ukraine_aid", "aid_built_new", "exercise_spending", "blocks",
    "negotiating", "europe_capability", "europe_foreign_capability", "europe_money",
    "europe_money_at_home",
)

# The industry's per-area figures, whose totals are figures too.
INDUSTRY = ("deliveries", "joint_deliveries", "backlog", "order_book", "capacity",
            "capacity_building")
SOURCES = tuple(f"capability_from_{part}" for part in FACTORS)
# The per-area quantities the industry's figures are made of (industry_quantities).
INDUSTRY_QUANTITIES = ("deliveries", "joint_deliveries", "national_backlog",
                       "national_order_book", "node_capacity", "capacity_building",
                       "programme_backlog", "programme_pipelines", "programme_lines")
# A step's per-area quantities ([A] each), in the order step_quantities measures them.
AREA_QUANTITIES = (
    "capability", "interoperability", "fragmentation", *INDUSTRY_QUANTITIES, *SOURCES,
    "allied_capability", "europe_interoperability", "europe_capability",
)


@dataclass(frozen=True)
class Europe:
    """What the European figures need that cannot change during a run (nations' traits
    and standards' owners are set up once)."""

    allies: np.ndarray  # [N] bool: the European allies that spend
    rows: np.ndarray  # their rows (taking them costs less than a boolean index)
    foreign: np.ndarray  # [1, A, S] bool: standards owned outside Europe

    @classmethod
    def of(cls, state: State) -> Europe:
        european, owner = state.nations.european, state.standards.owner
        allies = european & state.nations.spends
        return cls(allies=allies, rows=np.flatnonzero(allies),
                   foreign=((owner >= 0) & ~european[np.maximum(owner, 0)])[None])


def step_quantities(state: State, europe: Europe) -> tuple[list[float], list[np.ndarray]]:
    """The current step's scalar quantities (QUANTITIES, then the cohesion parts) and
    per-area quantities (AREA_QUANTITIES), from which step_figures computes the figures."""
    totals, nations, forces, world = state.totals, state.nations, state.forces, state.world
    record, choices = state.cohesion, state.choices
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
    capability = forces.capability
    european, european_by_area = european_quantities(state, europe, active)
    # Arrays of a shape summed in one call: each row of a stacked array sums as the array.
    capability_total, stock = np.array([capability, forces.stock]).reshape(2, -1).sum(axis=1)
    procurement, aid, aid_built, exercises = np.array([
        nations.procurement, nations.aid_money, forces.aid_built,
        nations.exercise_share * nations.spending]).sum(axis=1)
    # numpy scalars as they come: the recorder's row holds them as float64 either way.
    quantities = [
        forces.effective_capability, capability_total, stock, record.cohesion,
        record.burden_gini, procurement, *choices.pathway_spend.sum(axis=(0, 1)).tolist(),
        len(active), hubs, proposed,
        totals.milestones_due, totals.milestones_on_time, totals.acquisition_money,
        totals.acquisition_units, totals.procurement, totals.effective_units_delivered,
        totals.units_delivered, totals.joint_units, totals.attacks - totals.step_attacks_start,
        choices.hub_money_returned, choices.surge_premium_paid, lines_disabled(state),
        forces.capability_lost, world.threat, world.us_commitment, world.pacific_attention,
        world.us_europe, aid, aid_built, exercises, totals.blocks,
        state.step >= world.paths.negotiation_step, *european, *record.parts.values(),
    ]
    by_area = [forces.area_capability, forces.interoperability, forces.fragmentation,
               *industry_quantities(state, programmes), *forces.change_from.values(),
               capability.sum(axis=0), *european_by_area]
    return quantities, by_area


def step_figures(quantities: np.ndarray, by_area: np.ndarray, nation_rows: np.ndarray, *,
                 parts: tuple[str, ...], area_columns: Mapping[str, list[str]] | None,
                 spends: np.ndarray, is_us: np.ndarray, steps_per_year: int
                 ) -> dict[str, np.ndarray]:
    """The model figures, in their order, of some steps at once (one value a step) from
    what step_quantities measured of them: ``quantities[Q, steps]`` (QUANTITIES, then the
    cohesion ``parts``), ``by_area[steps, AREA_QUANTITIES, A]`` and the nation rows
    (nation_row_figures). ``area_columns``: the per-area figures' names by prefix, None
    for none. Element by element the arithmetic is a step's scalar arithmetic, and each
    sum adds a step's values in the order a step's own array sum did."""
    value = dict(zip((*QUANTITIES, *parts), quantities, strict=True))
    area = dict(zip(AREA_QUANTITIES, np.moveaxis(by_area, 1, 0), strict=True))  # [steps, A]
    later = nation_row_figures(nation_rows, spends, is_us, steps_per_year)
    spend, procurement = [value[name] for name in SPEND_FIGURES], value["procurement"]
    programme_backlog = area["programme_backlog"]
    by_prefix = {  # [steps, A] each: the per-area figures, by prefix in state.areas.columns
        "capability": area["capability"],
        "interoperability": area["interoperability"],
        "fragmentation": area["fragmentation"],
        "deliveries": area["deliveries"],
        "joint_deliveries": area["joint_deliveries"],
        "backlog": area["national_backlog"] + programme_backlog,
        "order_book": area["national_order_book"]
        + (programme_backlog + area["programme_pipelines"]),
        "capacity": area["node_capacity"] + area["programme_lines"],
        "capacity_building": area["capacity_building"],
        **{name: area[name] for name in SOURCES},
    }
    totalled = (*INDUSTRY, *SOURCES)
    # Stacked as rows of one contiguous array: each row sums as a step's own array did.
    total = dict(zip(totalled, np.stack([by_prefix[name] for name in totalled], axis=1)
                     .sum(axis=2).T, strict=True))
    figures = {
        "effective_capability": value["effective_capability"],
        "readiness": _shares(value["capability"], value["stock"]),
        "interoperability": _shares((area["interoperability"] * area["allied_capability"])
                                    .sum(axis=1), value["capability"]),
        "fragmentation": area["fragmentation"].sum(axis=1) / by_area.shape[2],
        "cohesion": value["cohesion"],
        **{f"cohesion_{name}": value[name] for name in parts},
        "defence_spending": later["defence_spending"],
        "europe_canada_spending": later["europe_canada_spending"],
        "procurement_spending": procurement,
        **dict(zip(SPEND_FIGURES, spend, strict=True)),
        "collaborative_share": _shares(np.stack(spend[Pathway.STANDARDS:], axis=1).sum(axis=1),
                                       procurement),
        "pooled_share": _shares(spend[Pathway.POOLED], procurement),
        "burden_gini": value["burden_gini"],
        "burden_spearman": later["burden_spearman"],
        "mean_defence_pct_gdp": later["mean_defence_pct_gdp"],
        **{name: value[name] for name in ("active_programmes", "active_hubs",
                                          "proposed_ventures", "milestones_due")},
        "milestone_on_time_rate": _rates(value["milestones_on_time"], value["milestones_due"]),
        "unit_cost": _rates(value["acquisition_money"], value["acquisition_units"]),
        "cost_per_effective_capability": _rates(value["procurement_to_date"],
                                                value["effective_units_delivered"]),
        "units_delivered": value["units_delivered"],
        "joint_units_delivered": value["joint_units"],
        **{name: value[name] for name in ("attacks", "hub_money_returned",
                                          "surge_premium_paid")},
        "attacks_foiled": later["attacks_foiled"],
        "lines_disabled": value["lines_disabled"],
        "capability_lost_to_attacks": value["capability_lost"],
        "resilience_spending": later["resilience_spending"],
        "mean_resilience_pct_gdp": later["mean_resilience_pct_gdp"],
        "threat": value["threat"],
        "mean_perceived_threat": later["mean_perceived_threat"],
        **{name: value[name] for name in ("us_commitment", "us_pacific_attention",
                                          "us_commitment_to_europe", "ukraine_aid")},
        "aid_from_stocks": later["aid_from_stocks"],
        "aid_built_new": value["aid_built_new"],
        "aid_givers": later["aid_givers"],
        "exercise_spending": value["exercise_spending"],
        "mean_practice": later["mean_practice"],
        "blocks": value["blocks"],
        "negotiating": value["negotiating"],
        **{name: later[name] for name in ("mean_political_pressure", "mean_trust_allies",
                                          "mean_trust_us")},
        **{name: total[name] for name in INDUSTRY},
        "european_dependency": _shares(value["europe_foreign_capability"],
                                       value["europe_capability"]),
        "european_interoperability": _shares(
            (area["europe_interoperability"] * area["europe_capability"]).sum(axis=1),
            area["europe_capability"].sum(axis=1)),
        "european_industrial_share": _shares(value["europe_money_at_home"],
                                             value["europe_money"]),
        **{name: total[name] for name in SOURCES},
    }
    if area_columns is not None:
        for prefix, values in by_prefix.items():
            values = values.T  # [A, steps]
            if prefix == "fragmentation":  # a count of standards
                values = values.astype(np.int64)
            figures.update(zip(area_columns[prefix], values, strict=True))
    return figures


def industry_quantities(state: State, programmes: list[Venture]) -> list[np.ndarray]:
    """[A] per area (INDUSTRY_QUANTITIES): units delivered this quarter to the allies'
    forces (all, and from pooled programmes); national orders waiting for production and
    the national order book (in lead time and waiting; both with equipment ordered for
    Ukraine); node capacity; capacity being built; the agreed programmes' units waiting,
    units in lead time and production lines running. ``programmes``: the agreed
    programmes still live, in the book's order."""
    industry, forces = state.industry, state.forces
    # The [N, A] arrays summed over nations in one call: the blocks of one stacked array
    # add nation by nation, as each array's own sum does.
    national = [*np.array([
        forces.delivered, forces.joint_delivered, industry.backlog + industry.ukraine_backlog,
        industry.backlog + industry.pipeline.sum(axis=2) + industry.ukraine_backlog
        + industry.ukraine_pipeline.sum(axis=2),
        industry.capacity,
    ]).sum(axis=1), industry.building.sum(axis=(0, 2))]
    count = state.areas.n
    if not programmes:  # what bincount gives over none
        return [*national, *np.zeros((3, count))]
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
    return [*national, np.bincount(areas, weights=backlogs, minlength=count),
            np.bincount(areas, weights=pipelines, minlength=count),
            np.bincount(areas, weights=lines, minlength=count)]


def european_quantities(state: State, europe: Europe, active: list[Venture]
                        ) -> tuple[list[float], list[np.ndarray]]:
    """What Europe's figures are made of: the European allies' capability, all and on
    standards owned outside Europe (their dependency); their interoperability among
    themselves per area with the capability it weighs; this quarter's European equipment
    money (national and pooled), all and spent with European producers (Europe's
    industrial share). ``active``: the active programmes, in the book's order."""
    nations, forces, rows = state.nations, state.forces, europe.rows
    capability = forces.fleet.take(rows, axis=0) * forces.readiness.take(rows, axis=0)[..., None]
    spend = state.choices.pathway_spend
    national = spend[..., Pathway.NATIONAL]
    european_supplier = nations.european[state.industry.supplier]
    money = float(national.take(rows, axis=0).sum())
    at_home = float((national * european_supplier).take(rows, axis=0).sum())
    for venture, paid in zip(active, _pooled_paid(active, spend, europe.allies), strict=True):
        money += paid
        at_home += paid * venture.european_work_share
    return ([capability.sum(), (capability * europe.foreign).sum(), money, at_home],
            [standards_interoperability(capability), capability.sum(axis=(0, 2))])


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


def nation_figures(state: State) -> list[np.ndarray]:
    """Each nation's figures, field by field ([N] each, in NATION_FIELDS order): the
    recorder stores them as one [F, N] block (one copy, no transpose)."""
    nations, forces, record = state.nations, state.forces, state.cohesion
    spend = state.choices.pathway_spend.sum(axis=1)
    return [
        nations.gdp, nations.share, nations.spending, nations.procurement,
        *spend.T, forces.nation_capability, forces.nation_readiness, record.satisfaction,
        nations.trust_allies, nations.trust_us, nations.pressure, record.memberships,
        nations.resilience, forces.delivered.sum(axis=1),
        (state.industry.capacity > 0).sum(axis=1) * state.industry.line_down_until.shape[2],
        state.industry.lines_hit, state.industry.attacks_foiled, nations.perceived,
        nations.aid, forces.aid_transferred, nations.practice,
    ]


def nation_row_figures(rows: np.ndarray, spends: np.ndarray, is_us: np.ndarray,
                       steps_per_year: int) -> dict[str, np.ndarray]:
    """The model figures that reduce the nation figures ``rows[steps, F, N]`` (NATION_FIELDS
    order), one value a step, for all the steps at once. ``spends`` and ``is_us`` are the
    nations' fixed traits. Each field's rows are made contiguous, so that a step's sum
    adds the same values in the same order as the sum of the nation array it copies
    (``compress`` keeps a selection of nations contiguous; indexing by mask does not)."""
    fields = np.ascontiguousarray(np.moveaxis(rows, 1, 0))  # [F, steps, N]
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
