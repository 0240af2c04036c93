"""Defence and resilience budgets: how the shares of GDP spent move.

A nation's desired defence share (decided by its policy; the behavioural rule is
:func:`desired_share`, docs/MODEL.md "Budgets") responds to *levels*, not to change since
the start:
- its intrinsic demand - what it would spend in the reference world in which its starting
  share was observed, revealed by that share - times a free-riding factor: the public
  part of the benefit is free-ridden on allies' spending, the US counting by its
  commitment to Europe (Olson & Zeckhauser 1966), the private part follows the nation's
  own exposure (joint product; Sandler & Forbes 1980);
- the threat it perceives above or below the reference level;
- burden shifting as US commitment to Europe falls below the reference level;
- drag from domestic political pressure above its start;
- pledges (Wales 2014: 2 %; The Hague 2025: 3.5 % core and 1.5 % resilience by 2035): a
  nation that has not declined a pledge intends to close its compliance share of the gap
  between what it spent when the pledge was made and the pledge, by the due quarter.
Actual spending closes part of the gap each quarter (fiscal and political drag), faster
toward an overdue pledge (allied pressure). Resilience spending (civil preparedness,
infrastructure, protection of industry) is its own line beside defence spending and moves
the same way; military aid to Ukraine is part of defence spending, and the nation's own
forces get the rest.
"""

from __future__ import annotations

import numpy as np

from sim.schema import Scenario
from sim.schema.alliance import Pledge, Spending
from sim.state import NationState, State

# Largest resilience spending a policy may desire, % of GDP (the schema's bound on it).
RESILIENCE_CAP = 20.0


def free_riding_fraction(allies_spending: np.ndarray, gdp: np.ndarray,
                         spillover_scale: float) -> np.ndarray:
    """Share of intrinsic demand a nation leaves to its allies if defence is a pure public
    good: near 1 for a small nation beside large spenders, near 0 for the largest."""
    weighted_allies = spillover_scale * allies_spending
    return weighted_allies / (weighted_allies + gdp)


def public_good_factor(free_riding: np.ndarray, private_benefit_share: float,
                       relative_exposure: np.ndarray) -> np.ndarray:
    """Multiplier of intrinsic demand (joint-product model, Sandler & Forbes 1980).

    The public part of the benefit is free-ridden on allies' spending; the private,
    national part follows the nation's own exposure relative to the alliance's mean. With
    no private benefit this is Olson & Zeckhauser's pure public good.
    """
    public = (1.0 - private_benefit_share) * (1.0 - free_riding)
    return public + private_benefit_share * relative_exposure


def allies_spending(spending: np.ndarray, is_us: np.ndarray, us_europe: float) -> np.ndarray:
    """[N] what each nation's allies spend for it: the US counts by its commitment to
    Europe (for the US itself, every ally counts fully)."""
    weight = np.where(is_us, us_europe, 1.0)
    weighted = spending * weight
    total = weighted.sum()
    return np.where(is_us, spending.sum() - spending, total - weighted)


def public_good_factor_of(spending: np.ndarray, gdp: np.ndarray, steps_per_year: int,
                          relative_exposure: np.ndarray, is_us: np.ndarray, us_europe: float,
                          params: Spending) -> np.ndarray:
    """The multiplier of intrinsic demand for every nation (``spending`` per quarter,
    ``gdp`` per year)."""
    allies = allies_spending(spending, is_us, us_europe)
    free_riding = free_riding_fraction(allies, gdp / steps_per_year, params.spillover_scale)
    return public_good_factor(free_riding, params.private_benefit_share, relative_exposure)


def desired_share(intrinsic: np.ndarray, public_factor: np.ndarray, threat_gap: np.ndarray,
                  us_gap: float, pressure_rise: np.ndarray, exposed_to_us: np.ndarray,
                  params: Spending) -> np.ndarray:
    """Desired defence spending in % of GDP before pledges, the floor and the cap:
    ``threat_gap`` is perceived threat less the reference perception, ``us_gap`` the
    reference US commitment less the commitment to Europe now."""
    return (intrinsic * public_factor + params.threat_response * threat_gap
            + params.burden_shifting * us_gap * exposed_to_us
            - params.political_drag * pressure_rise)


def pledge_path(start: np.ndarray, level: float, step: int, pledge: Pledge) -> np.ndarray:
    """[N] the least a nation intends to spend in quarter ``step``: its compliance share
    of the way from ``start`` (its spending when the pledge was made) to ``level`` on a
    straight line reaching it at the due quarter; a nation that already spent more keeps
    at least the level; NaN where the pledge is not yet made."""
    span = pledge.due_step - pledge.announced_step
    progress = 1.0 if span <= 0 else min(max((step - pledge.announced_step) / span, 0.0), 1.0)
    # A NaN start fails the comparison, and the path from it stays NaN.
    return np.where(start >= level, level,
                    start + pledge.compliance * (level - start) * progress)


def adjustment_lag(rate: float) -> int:
    """Quarters by which spending adjusting at ``rate`` a quarter lags a steadily rising
    budget ((1 - rate) / rate, rounded)."""
    return round((1.0 - rate) / rate)


def pledge_floor(nations: NationState, pledges: list[Pledge], step: int,
                 resilience: bool = False) -> np.ndarray:
    """[N] the highest pledge path a nation follows this quarter (NaN: none)."""
    floor = None
    for index, pledge in enumerate(pledges):
        level = pledge.resilience_pct_gdp if resilience else pledge.core_pct_gdp
        if level is None or step < pledge.announced_step:
            continue
        start = (nations.pledge_resilience_start if resilience else nations.pledge_start)[index]
        path = pledge_path(start, level, step, pledge)
        path[nations.pledge_exempt[index]] = np.nan
        floor = path if floor is None else np.fmax(floor, path)
    return np.full(nations.n, np.nan) if floor is None else floor


def overdue_floor(state: State, pledges: list[Pledge], step: int) -> np.ndarray:
    """[N] the highest overdue pledge a nation has not declined and still falls short of
    (NaN: none)."""
    nations = state.nations
    floor = None
    for index, pledge in enumerate(pledges):
        if step < pledge.due_step:
            continue
        path = pledge_path(nations.pledge_start[index], pledge.core_pct_gdp, step, pledge)
        path[nations.pledge_exempt[index]] = np.nan
        owed = np.where(nations.share < path - 1e-12, path, np.nan)
        floor = owed if floor is None else np.fmax(floor, owed)
    return np.full(state.n, np.nan) if floor is None else floor


def record_pledges(state: State, pledges: list[Pledge]) -> None:
    """Note every nation's spending when a pledge is made (the start of its path), and
    how far short of it each is when it falls due."""
    nations, step = state.nations, state.step
    for index, pledge in enumerate(pledges):
        if pledge.announced_step == step:
            nations.pledge_start[index] = nations.share
            nations.pledge_resilience_start[index] = nations.resilience
        if pledge.due_step == step:
            path = pledge_path(nations.pledge_start[index], pledge.core_pct_gdp, step, pledge)
            nations.pledge_shortfall[index] = np.nan_to_num(
                np.maximum(path - nations.share, 0.0))


def calibrate(state: State, scenario: Scenario) -> None:
    """Intrinsic demand: with ``calibrate_to_initial`` the starting share is an
    equilibrium of the reference world (before pledges), so intrinsic demand is what,
    after free riding there, gives the observed share; else the share itself."""
    spending = scenario.alliance.spending
    nations = state.nations
    factor = public_good_factor_of(nations.spending, nations.gdp,
                                   scenario.simulation.steps_per_year,
                                   nations.relative_exposure, nations.is_us,
                                   spending.reference_us_commitment, spending)
    divisor = factor if spending.calibrate_to_initial else 1.0
    nations.intrinsic = np.where(nations.spends, nations.share / divisor, 0.0)
    record_pledges(state, scenario.alliance.pledges)


def adjust_share(share: np.ndarray, desired: np.ndarray, rate: np.ndarray | float,
                 floor: float, cap: float, spends: np.ndarray) -> np.ndarray:
    """Close part of the gap; nations without armed forces keep spending nothing."""
    moved = share + rate * (np.minimum(np.maximum(desired, floor), cap) - share)
    return np.where(spends, moved, 0.0)


def advance(state: State, params: Spending, pledges: list[Pledge], steps_per_year: int
            ) -> None:
    """Each nation's defence and resilience shares move part of the way to the shares its
    policy desires - toward an overdue pledge at least in equal steps over
    ``overdue_catch_up`` quarters; spending, aid and the procurement budget follow."""
    nations, choices = state.nations, state.choices
    record_pledges(state, pledges)
    owed = overdue_floor(state, pledges, state.step)
    adjusted = adjust_share(nations.share, choices.desired_share, params.adjustment_rate,
                            params.min_pct_gdp, params.max_pct_gdp, nations.spends)
    # NaN where nothing is owed, and not used there.
    catch_up = nations.share + np.minimum(
        nations.pledge_shortfall.max(axis=0, initial=0.0) / params.overdue_catch_up,
        owed - nations.share)
    nations.share = np.where(np.isfinite(owed) & nations.spends,
                             np.maximum(adjusted, catch_up), adjusted)
    nations.resilience = nations.resilience + params.adjustment_rate * (
        np.minimum(np.maximum(choices.desired_resilience, 0.0), RESILIENCE_CAP)
        - nations.resilience)
    nations.aid = np.where(nations.spends, np.maximum(choices.desired_aid, 0.0), 0.0)
    split_equipment_budget(state, steps_per_year)


def split_equipment_budget(state: State, steps_per_year: int) -> None:
    """Spending from the shares. Military aid to Ukraine is part of defence spending (as
    NATO counts it); what is left goes to the nation's own forces, of which the equipment
    share is the procurement budget."""
    nations = state.nations
    nations.spending = nations.share / 100.0 * nations.gdp / steps_per_year
    nations.aid_money = np.minimum(nations.aid / 100.0 * nations.gdp / steps_per_year,
                                   nations.spending)
    nations.procurement = (nations.spending - nations.aid_money) * nations.equipment
