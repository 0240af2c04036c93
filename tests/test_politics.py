"""Budgets, cohesion and the politics of the seed article: each behaviour averaged over
paired seeds (common random numbers), with its rationale and tolerance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.analysis.hindcast import score
from sim.experiment.seeds import replication_seed
from sim.loader import apply_overrides, load_scenario
from sim.results.tables import run_replication
from sim.schema import Scenario
from tests.conftest import SCENARIOS, kpi, mean_outcome, series_mean

SEEDS = range(8)


def test_a_higher_steady_threat_raises_spending(baseline):
    """Desired spending responds to the level of threat a nation perceives, not only to
    its change since the start: a steady 0.8 against a steady 0.45."""
    calm = mean_outcome(baseline, SEEDS, series_mean("defence_spending"),
                        **{"drivers.threat.points": {0: 0.45}})
    tense = mean_outcome(baseline, SEEDS, series_mean("defence_spending"),
                         **{"drivers.threat.points": {0: 0.8}})
    # Tolerance: at least 5 % more over the run.
    assert tense > 1.05 * calm


def test_removing_the_us_raises_european_spending(baseline):
    """With no US commitment to Europe, European allies and Canada can neither free-ride
    on US spending nor count on it (burden shifting; seed article: "shoulder more of the
    burden")."""
    with_us = mean_outcome(baseline, SEEDS, series_mean("europe_canada_spending"))
    without = mean_outcome(baseline, SEEDS, series_mean("europe_canada_spending"),
                           **{"drivers.us_commitment.points": {0: 0.0}})
    # Tolerance: at least 10 % more over the run.
    assert without > 1.10 * with_us


def test_allies_short_of_an_overdue_pledge_reach_it_within_a_year(baseline):
    """The 2025 step: from NATO's 2024 figures (23 of 32 allies at 2 % or more), NATO's
    2025 estimates put every ally with armed forces at 2 % or more."""
    shares = []
    for seed in SEEDS:
        nations = run_replication(baseline, seed)["nations"]
        year_end = nations[(nations["step"] == 4) & (nations["defence_pct_gdp"] > 0)]
        shares.append((year_end["defence_pct_gdp"].round(2) >= 2.0).mean())
    assert min(shares) == 1.0


def test_the_hague_pledge_is_met_by_the_allies_that_did_not_decline_it():
    """nato32_2024 holds every ally but Spain to 3.5 % by the end of 2035 (quarter 44)."""
    nations = run_replication(load_scenario(SCENARIOS / "nato32_2024.yaml"), 0)["nations"]
    end = nations[nations["step"] == 44].set_index("code")["defence_pct_gdp"]
    complying = end.drop(["ESP", "ISL"])
    # Tolerance: within 0.05 points of the pledge (spending lags budgets a little).
    assert complying.min() >= 3.45
    assert end["ESP"] == pytest.approx(2.0, abs=0.05)


def perception_shift(scenario: Scenario, high: float, low: float) -> list[dict]:
    """Injects that move the most exposed allies' perceived threat up by ``high`` and the
    least exposed ones' by ``low`` from quarter 4."""
    exposure = {nation.code: nation.threat_exposure for nation in scenario.nations.members}
    east = [code for code, value in exposure.items() if value >= 0.7]
    south = [code for code, value in exposure.items() if value <= 0.4]
    return [{"step": 4, "target": "threat_perception", "mode": "add", "value": high,
             "nations": east},
            {"step": 4, "target": "threat_perception", "mode": "add", "value": low,
             "nations": south}]


def test_a_common_rising_threat_binds_while_diverging_perceptions_split(baseline):
    """Balance of threat (Walt 1987): a threat felt by all binds allies; perceptions that
    diverge (the east more alarmed, the south less) pull them apart."""
    late = series_mean("cohesion", last=8)
    steady = mean_outcome(baseline, SEEDS, late, **{"drivers.threat.points": {0: 0.45}})
    rising = mean_outcome(baseline, SEEDS, late,
                          **{"drivers.threat.points": {0: 0.45, 12: 0.8}})
    diverging = mean_outcome(baseline, SEEDS, late,
                             injects=perception_shift(baseline, 0.3, -0.3))
    common = mean_outcome(baseline, SEEDS, late)
    # Tolerance: at least 0.01 either way.
    assert rising > steady + 0.01
    assert diverging < common - 0.01


def test_differences_in_migration_salience_split_more_than_a_uniform_rise(baseline):
    """Migration politics pulls capitals apart (seed article): a rise of the same mean
    size lowers cohesion more when it hits half the allies than when it hits all."""
    codes = [nation.code for nation in baseline.nations.members]
    # Small enough that no nation's salience reaches its cap of 1.
    uniform = [{"step": 8, "target": "migration_salience", "mode": "add", "value": 0.2}]
    uneven = [{"step": 8, "target": "migration_salience", "mode": "add", "value": 0.4,
               "nations": codes[::2]}]
    late = series_mean("cohesion", last=8)
    untouched = mean_outcome(baseline, SEEDS, late)
    even_rise = mean_outcome(baseline, SEEDS, late, injects=uniform)
    uneven_rise = mean_outcome(baseline, SEEDS, late, injects=uneven)
    # Tolerance: a uniform rise lowers cohesion; an uneven one at least 0.005 more.
    assert even_rise < untouched
    assert uneven_rise < even_rise - 0.005


def negotiation_quarters(scenario: Scenario, seeds: range) -> float:
    """Mean quarters from proposal to agreement, a stalled proposal counting the whole
    negotiation it took."""
    spans = []
    limit = scenario.alliance.formation.max_negotiation
    for seed in seeds:
        programmes = run_replication(scenario, seed)["programmes"]
        end = np.where(programmes["agreed_step"] >= 0, programmes["agreed_step"],
                       np.where(programmes["state"] == "stalled",
                                programmes["proposed_step"] + limit,
                                scenario.simulation.steps))
        spans.extend(end - programmes["proposed_step"])
    return float(np.mean(spans))


def test_low_cohesion_slows_agreements(baseline):
    """Below the reference cohesion agreements take longer and dissatisfied allies may
    block alliance-wide proposals."""
    split = apply_overrides(baseline, {"injects": perception_shift(baseline, 0.3, -0.3)})
    # Tolerance: at least 10 % longer negotiations.
    assert negotiation_quarters(split, SEEDS) > 1.10 * negotiation_quarters(baseline, SEEDS)


def test_domestic_pressure_makes_allies_block_consensus(baseline):
    """Allies whose domestic politics turn against the alliance hold up alliance-wide
    decisions; more of that in a polarised alliance."""
    polarised = load_scenario(SCENARIOS / "migration_polarisation.yaml")
    calm = mean_outcome(baseline, SEEDS, kpi("proposals_blocked"))
    heated = mean_outcome(polarised, SEEDS, kpi("proposals_blocked"))
    assert heated > calm


def test_ukraine_aid_draws_stocks_down_and_lengthens_backlogs(baseline):
    """Transfers come from the stocks of ammunition and air defence; refills and new
    builds for Ukraine queue at the allies' own production lines."""
    more_aid = {"injects": [{"step": 4, "target": "ukraine_aid", "value": 0.45}]}
    stocks = ("capability_air_missile_defence", "capability_artillery_ammunition")
    late = 12
    for column in stocks:
        base = mean_outcome(baseline, SEEDS, series_mean(column, last=late))
        aided = mean_outcome(baseline, SEEDS, series_mean(column, last=late), **more_aid)
        # Tolerance: at least 2 % less.
        assert aided < 0.98 * base, column
    backlog = mean_outcome(baseline, SEEDS, series_mean("backlog", last=late))
    aided_backlog = mean_outcome(baseline, SEEDS, series_mean("backlog", last=late),
                                 **more_aid)
    # Tolerance: at least 2 % longer backlogs.
    assert aided_backlog > 1.02 * backlog


def test_exercises_raise_interoperability_and_trust(baseline):
    """Practising together closes part of the gap that differing standards leave and
    builds trust (seed article: "expand joint exercises and deepen intelligence-sharing")."""
    none = {"alliance.exercises.share_of_spending": 0.0}
    much = {"alliance.exercises.share_of_spending": 0.02}
    for column, margin in (("interoperability", 0.05), ("mean_trust_allies", 0.005)):
        without = mean_outcome(baseline, SEEDS, series_mean(column, last=8), **none)
        with_ = mean_outcome(baseline, SEEDS, series_mean(column, last=8), **much)
        assert with_ > without + margin, column


def test_us_attention_elsewhere_strains_the_alliance(baseline):
    """A crisis over Taiwan pulls US attention and stocks: US commitment to Europe falls,
    European allies spend more, transatlantic trust and cohesion fall."""
    crisis = load_scenario(SCENARIOS / "indo_pacific_crisis.yaml")
    for column, direction in (("europe_canada_spending", 1), ("cohesion_transatlantic", -1),
                              ("cohesion", -1), ("us_commitment_to_europe", -1)):
        calm = mean_outcome(baseline, SEEDS, series_mean(column, last=16))
        strained = mean_outcome(crisis, SEEDS, series_mean(column, last=16))
        assert direction * (strained - calm) > 0, column


@pytest.mark.slow
def test_the_hindcast_reproduces_the_decade_of_rising_spending():
    """From NATO's 2014 shares, with the decade's events, the model reaches NATO's 2024
    shares closely: the per-ally error is small, the increases rank as observed (the front
    line rose most), and the European allies' and Canada's share of GDP rises from about
    1.4 % to about 2 % (NATO: 1.43 % and 2.02 %)."""
    scenario = load_scenario(SCENARIOS / "hindcast_2014.yaml")
    tables = []
    for index in range(8):
        nations = run_replication(scenario, replication_seed(scenario.simulation.seed, index))[
            "nations"]
        nations["replication"] = index
        tables.append(nations)
    observed = pd.read_csv(SCENARIOS / "data" / "nato_defence_expenditure_2024.csv",
                           index_col="code")["defence_pct_gdp"]
    scores = score(pd.concat(tables), observed, 40)
    # Tolerances: root mean square error under 0.5 points of GDP; rank correlation of the
    # increases at least 0.6; the aggregate within 0.2 points of NATO's 2.02 %.
    assert scores.root_mean_square_error < 0.5
    assert scores.increase_rank_correlation >= 0.6
    assert abs(scores.europe_canada[1] - 2.02) < 0.2
    assert abs(scores.europe_canada[0] - 1.43) < 0.05
