"""What the model knows about each nation: one row per nation in every array.

Identity and traits come from the scenario; budgets, politics and trust change every
quarter. Units are given beside each field (docs/MODEL.md, 1.2).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.schema import Scenario


@dataclass
class NationState:
    codes: list[str]  # ISO codes, in scenario order (the row order of every array)
    names: list[str]
    # Economy and budgets.
    gdp: np.ndarray  # [N] USD bn per year, current prices; grows every quarter
    share: np.ndarray  # [N] % of GDP spent on defence
    spends: np.ndarray  # [N] bool: has armed forces (defence share > 0 at the start)
    equipment: np.ndarray  # [N] fraction of defence spending on major equipment
    spending: np.ndarray  # [N] USD bn per quarter: share / 100 x GDP / steps per year
    procurement: np.ndarray  # [N] USD bn per quarter: (spending - aid) x equipment
    # [N] % of GDP: intrinsic demand, what the nation would spend in the reference world
    # before free riding (revealed by its starting share).
    intrinsic: np.ndarray
    # [P, N] % of GDP: each nation's defence and resilience spending when each pledge was
    # made (NaN before it is made), the start of its path to the pledge.
    pledge_start: np.ndarray
    pledge_resilience_start: np.ndarray
    pledge_exempt: np.ndarray  # [P, N] bool: the nation is exempt from each pledge
    # [P, N] % of GDP: how far short of each pledge a nation was when it fell due (0
    # before, or if it was not short).
    pledge_shortfall: np.ndarray
    # Resilience spending (civil preparedness, infrastructure, protection of industry),
    # beside defence spending: the 1.5 % of GDP of the Hague pledge.
    resilience: np.ndarray  # [N] % of GDP
    resilience_start: np.ndarray  # [N] % of GDP at the start
    protection: np.ndarray  # [N] 0-1: share of hybrid attacks on its lines that are foiled
    # Traits (fixed).
    is_us: np.ndarray  # [N] bool: the United States (no burden shifting, no US doubt)
    european: np.ndarray  # [N] bool: a European ally (not the US or Canada)
    exposure: np.ndarray  # [N] 0-1: how directly the Russian threat bears on the nation
    relative_exposure: np.ndarray  # [N] exposure / mean exposure of nations that spend
    sovereignty: np.ndarray  # [N] 0-1: preference for national control
    w_speed: np.ndarray  # [N] weight on time to capability in pathway choice
    w_cost: np.ndarray  # [N] weight on unit cost in pathway choice
    industrial_weight: np.ndarray  # [N] relative size of the defence-industrial base
    # Threat, aid, exercises.
    perceived: np.ndarray  # [N] 0-1: the threat as the nation feels it
    aid: np.ndarray  # [N] % of GDP a year: military aid to Ukraine
    aid_money: np.ndarray  # [N] USD bn per quarter of it, part of defence spending
    exercise_share: np.ndarray  # [N] share of defence spending on exercises and intelligence
    practice: np.ndarray  # [N] 0-1: how practised its forces are at operating with allies
    # Politics and trust.
    pressure: np.ndarray  # [N] 0-1: domestic pressure against spending and pooling
    pressure_start: np.ndarray  # [N] 0-1: the same at the start
    effective_sovereignty: np.ndarray  # [N] 0-1: sovereignty raised by pressure
    trust_allies: np.ndarray  # [N] 0-1: trust in allies (one number per nation)
    trust_us: np.ndarray  # [N] 0-1: trust in the United States
    n: int = field(init=False)  # number of nations

    def __post_init__(self) -> None:
        self.n = len(self.codes)


def initial_nations(scenario: Scenario) -> NationState:
    """Nations as the scenario gives them; budgets are completed by sim.mechanisms.budgets."""
    members = scenario.nations.members
    gdp = np.array([nation.gdp_usd_bn for nation in members], dtype=float)
    share = np.array([nation.defence_pct_gdp for nation in members], dtype=float)
    spends = share > 0
    equipment = np.array([nation.equipment_pct for nation in members]) / 100.0
    exposure = np.array([nation.threat_exposure for nation in members])
    mean_exposure = exposure[spends].mean() if spends.any() else 1.0
    sovereignty = np.array([nation.sovereignty_preference for nation in members])
    derived_weight = gdp * share * np.maximum(equipment, 0.01)
    industrial_weight = np.array([
        derived if nation.industrial_weight is None else nation.industrial_weight
        for nation, derived in zip(members, derived_weight, strict=True)
    ])
    spending = share / 100.0 * gdp / scenario.simulation.steps_per_year
    resilience = np.array([nation.resilience_pct_gdp for nation in members], dtype=float)
    n = len(members)
    return NationState(
        codes=[nation.code for nation in members],
        names=[nation.name or nation.code for nation in members],
        gdp=gdp, share=share, spends=spends, equipment=equipment, spending=spending,
        procurement=spending * equipment, intrinsic=np.zeros(n),
        pledge_start=np.full((len(scenario.alliance.pledges), n), np.nan),
        pledge_resilience_start=np.full((len(scenario.alliance.pledges), n), np.nan),
        pledge_exempt=np.array([[nation.code in pledge.exempt for nation in members]
                                for pledge in scenario.alliance.pledges],
                               dtype=bool).reshape(-1, n),
        pledge_shortfall=np.zeros((len(scenario.alliance.pledges), n)),
        resilience=resilience.copy(), resilience_start=resilience.copy(),
        protection=np.zeros(n), perceived=np.zeros(n), aid=np.zeros(n),
        aid_money=np.zeros(n),
        exercise_share=np.zeros(n), practice=np.zeros(n),
        is_us=np.array([nation.is_us for nation in members]),
        european=np.array([nation.european for nation in members]), exposure=exposure,
        relative_exposure=exposure / max(mean_exposure, 1e-9), sovereignty=sovereignty,
        w_speed=np.array([nation.speed_weight for nation in members]),
        w_cost=np.array([nation.cost_weight for nation in members]),
        industrial_weight=industrial_weight, pressure=np.zeros(n), pressure_start=np.zeros(n),
        effective_sovereignty=sovereignty.copy(),
        trust_allies=np.array([nation.trust_allies for nation in members]),
        trust_us=np.array([nation.trust_us for nation in members]),
    )
