"""Defence budgets: how the share of GDP spent on defence moves.

A nation's desired share combines (docs/MODEL.md, "Budgets"):
- its intrinsic demand, on a path toward the alliance or national target;
- free riding on allies' spending for the public part of the benefit (Olson & Zeckhauser
  1966), while the private, national part follows the nation's own threat exposure
  (joint product; Sandler & Forbes 1980);
- a response to perceived threat above its starting level, scaled by exposure;
- burden shifting when US commitment falls below its start (allies other than the US);
- drag from domestic political pressure above its start.
The desired share is each nation's decision (sim.policies); actual spending closes part
of the gap each quarter (budget inertia), here. Resilience spending (civil preparedness,
infrastructure, protection of industry: the 1.5 % of GDP of the Hague pledge) is its own
line beside defence spending and moves the same way.
"""

from __future__ import annotations

import numpy as np

from sim.schema import Scenario
from sim.schema.alliance import Spending
from sim.state import State

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


def target_path(start: np.ndarray, target: np.ndarray, step: int, target_step: int
                ) -> np.ndarray:
    """Intrinsic demand moving in a straight line from its start to the target."""
    progress = min(step / target_step, 1.0)
    return start + (target - start) * progress


def desired_share(intrinsic: np.ndarray, public_factor: np.ndarray, threat_rise: np.ndarray,
                  us_fall: float, pressure_rise: np.ndarray, exposed_to_us: np.ndarray,
                  threat_response: float, burden_shifting: float, political_drag: float
                  ) -> np.ndarray:
    """Desired defence spending in % of GDP, before the floor and cap."""
    return (intrinsic * public_factor + threat_response * threat_rise
            + burden_shifting * us_fall * exposed_to_us - political_drag * pressure_rise)


def adjust_share(share: np.ndarray, desired: np.ndarray, rate: float, floor: float,
                 cap: float, spends: np.ndarray) -> np.ndarray:
    """Close part of the gap; nations without armed forces keep spending nothing."""
    moved = share + rate * (np.clip(desired, floor, cap) - share)
    return np.where(spends, moved, 0.0)


def public_good_factor_of(spending: np.ndarray, gdp: np.ndarray, steps_per_year: int,
                          relative_exposure: np.ndarray, params: Spending) -> np.ndarray:
    """The multiplier of intrinsic demand for every nation, from its allies' spending
    (``spending`` per quarter, ``gdp`` per year)."""
    allies = spending.sum() - spending
    free_riding = free_riding_fraction(allies, gdp / steps_per_year, params.spillover_scale)
    return public_good_factor(free_riding, params.private_benefit_share, relative_exposure)


def calibrate(state: State, scenario: Scenario) -> None:
    """Intrinsic demand at the start and at the target step.

    Calibrated (``calibrate_to_initial``): the observed start is an equilibrium, so
    intrinsic demand is what, after free riding, gives the observed share (docs/MODEL.md,
    Budgets).
    """
    spending = scenario.alliance.spending
    nations = state.nations
    target = np.array([
        nation.target_pct_gdp if nation.target_pct_gdp is not None else
        share + spending.target_commitment * max(spending.target_pct_gdp - share, 0.0)
        for nation, share in zip(scenario.nations.members, nations.share, strict=True)
    ])
    factor = public_good_factor_of(nations.spending, nations.gdp,
                                   scenario.simulation.steps_per_year,
                                   nations.relative_exposure, spending)
    divisor = factor if spending.calibrate_to_initial else 1.0
    nations.intrinsic_start = np.where(nations.spends, nations.share / divisor, 0.0)
    nations.intrinsic_target = np.where(nations.spends, target / divisor, 0.0)
    resilience_target = scenario.alliance.resilience.target_pct_gdp
    nations.resilience_target = nations.resilience_start.copy() if resilience_target is None \
        else np.maximum(nations.resilience_start, resilience_target)


def advance(state: State, params: Spending, steps_per_year: int) -> None:
    """Each nation's defence and resilience shares move part of the way to the shares its
    policy desires; spending and the procurement budget follow."""
    nations = state.nations
    nations.share = adjust_share(nations.share, state.choices.desired_share,
                                 params.adjustment_rate, params.min_pct_gdp,
                                 params.max_pct_gdp, nations.spends)
    nations.resilience = nations.resilience + params.adjustment_rate * (
        np.clip(state.choices.desired_resilience, 0.0, RESILIENCE_CAP) - nations.resilience)
    nations.spending = nations.share / 100.0 * nations.gdp / steps_per_year
    nations.procurement = nations.spending * nations.equipment
