"""Rules checked against theory and hand-worked cases."""

from __future__ import annotations

import numpy as np
import pytest

from sim import statistics
from sim.mechanisms import (
    budgets,
    cohesion,
    drivers,
    negotiation,
    production,
    standards,
    sustainment,
)
from sim.mechanisms.prices import price_factor
from sim.policies import logit
from sim.schema.alliance import Pledge


def test_learning_curve_falls_by_the_learning_rate_per_doubling():
    exponent = np.log2(0.85)
    assert price_factor(np.array([2.0]), exponent)[0] == pytest.approx(0.85)
    assert price_factor(np.array([4.0]), exponent)[0] == pytest.approx(0.85**2)


def test_free_riding_is_strongest_for_small_allies():
    gdp = np.array([10.0, 1000.0])
    free_riding = budgets.free_riding_fraction(np.array([100.0, 100.0]), gdp, 1.0)
    assert free_riding[0] > 0.9 > 0.1 > free_riding[1]
    pure = budgets.public_good_factor(free_riding, 0.0, np.ones(2))
    private = budgets.public_good_factor(free_riding, 1.0, np.ones(2))
    assert pure[0] < pure[1] and private.tolist() == [1.0, 1.0]


def test_pledge_path_is_nan_before_the_pledge_and_keeps_those_above_at_the_level():
    pledge = Pledge(name="test", core_pct_gdp=2.0, announced_step=0, due_step=4,
                    compliance=0.5)
    path = budgets.pledge_path(np.array([np.nan, 1.0, 3.0]), 2.0, 2, pledge)
    assert np.isnan(path[0])
    assert path[1:].tolist() == [1.0 + 0.5 * 1.0 * 0.5, 2.0]


def test_fading_sum_of_one_series_is_the_same_as_among_many():
    shocks = np.random.default_rng(0).normal(size=(41, 3))
    together = drivers.fading_sum(shocks, 0.9)
    for column in range(3):  # a single series takes the Python-float path
        assert drivers.fading_sum(shocks[:, column], 0.9).tolist() == \
            together[:, column].tolist()
    assert together[0].tolist() == [0.0, 0.0, 0.0]
    assert together[2, 0] == 0.9 * shocks[1, 0] + shocks[2, 0]


def test_softmax_gives_zero_to_unavailable_options_and_sums_to_one():
    shares = logit.softmax_shares(np.array([[1.0, 2.0, 3.0]]),
                                   np.array([[True, False, True]]), 0.5)
    assert shares[0, 1] == 0.0 and shares.sum() == pytest.approx(1.0)
    assert shares[0, 2] > shares[0, 0]


def test_agreement_gets_harder_with_more_and_more_distant_veto_players():
    few = negotiation.agreement_probability(6, 0.1, 0.6, 0.03, 3.0)
    many = negotiation.agreement_probability(31, 0.1, 0.6, 0.03, 3.0)
    distant = negotiation.agreement_probability(6, 0.3, 0.6, 0.03, 3.0)
    assert many < few and distant < few


def test_coalitions_respect_size_limits_and_do_not_overlap():
    rng = np.random.default_rng(0)
    pool = np.arange(14)
    groups = negotiation.gather_coalitions(pool, np.arange(14.0), rng.random(14),
                                         rng.integers(0, 3, 14), rng.random(14), 3, 6, rng)
    members = np.concatenate(groups)
    assert len(set(members.tolist())) == members.size
    assert all(3 <= group.size <= 6 for group in groups)
    assert groups[0][0] == 13  # the heaviest nation leads the first coalition


def fleet(holdings: list[list[float]]) -> np.ndarray:
    """``[N, 1, S]`` from one row of holdings per nation."""
    return np.array(holdings, dtype=float)[:, None, :]


def test_interoperability_counts_weighted_pairs_on_one_standard():
    same = standards.interoperability(fleet([[1, 0], [1, 0], [2, 0]]))
    split = standards.interoperability(fleet([[1, 0], [1, 0], [0, 2]]))
    # Pairs (1,1), (1,2), (1,2): only the first shares a standard -> 1 / (1 + 2 + 2).
    assert same[0] == pytest.approx(1.0) and split[0] == pytest.approx(1 / 5)
    # Half of the third nation's fleet on the common standard: overlap 1*1 + 2*(1*1).
    mixed = standards.interoperability(fleet([[1, 0], [1, 0], [1, 1]]))
    assert mixed[0] == pytest.approx(3 / 5)


def test_fragmentation_counts_distinct_standards_being_bought():
    standard = np.array([[0, 1], [2, 1], [2, 1]])
    buying = np.array([[True, True], [True, False], [False, True]])
    assert standards.fragmentation(standard, buying, 3).tolist() == [2, 1]


def test_gini_and_spearman():
    assert statistics.gini(np.ones(5)) == pytest.approx(0.0)
    assert statistics.gini(np.array([0.0, 0.0, 0.0, 1.0])) == pytest.approx(0.75)
    x = np.array([1.0, 2.0, 3.0, 4.0])
    assert statistics.spearman(x, x**2) == pytest.approx(1.0)
    assert statistics.spearman(x, -x) == pytest.approx(-1.0)
    assert statistics.spearman(x, np.ones(4)) == 0.0
    assert statistics.average_ranks(np.array([5.0, 1.0, 5.0])).tolist() == [2.5, 1.0, 2.5]


def test_trust_stays_in_unit_interval_under_many_events():
    trust = cohesion.update_trust(np.array([0.5, 0.5]), np.array([50.0, 0.0]),
                                  np.array([0.0, 50.0]), np.zeros(2), np.zeros(2),
                                  0.08, 0.12, 0.01, 0.01)
    assert 0.99 < trust[0] <= 1.0 and 0.0 <= trust[1] < 0.01


def test_pipeline_delivers_after_the_lead_time():
    pipeline = np.zeros((1, 1, 3))
    production.place_orders(pipeline, np.array([[5.0]]), np.array([3]))
    ready = []
    for _ in range(3):
        ready.append(float(production.advance_pipeline(pipeline).sum()))
    assert ready == [0.0, 0.0, 5.0]


def test_national_orders_share_a_scarce_node_pro_rata():
    backlog = np.array([[4.0], [12.0]])
    supplier = np.array([[0], [0]])
    built = production.serve_national(backlog, supplier, np.array([[8.0], [0.0]]))
    assert built[:, 0].tolist() == [2.0, 6.0]


def test_hub_redundancy_absorbs_one_host_down():
    assert sustainment.hub_availability(2, 3, 0.5) == 1.0
    assert sustainment.hub_availability(1, 3, 0.5) == pytest.approx(0.5)
    sustained = sustainment.sustained_readiness(np.array([1.0]), 0.5, 0.8)
    assert sustainment.readiness_target(sustained, np.array([1.0]), 0.3)[0] == pytest.approx(0.8)


def test_planned_deliveries_follow_the_line_ramp_up():
    plan = production.planned_deliveries(10.0, 6, 0.5, 0.5)
    # Line 5, 7.5, 11.25: backlog builds for two quarters, then the line catches up.
    assert plan[:3].tolist() == [5.0, 12.5, 23.75]
    assert plan[-1] == pytest.approx(60.0)
