"""Invariants over generated scenarios (Hypothesis): budgets are respected, money is
conserved across pathways, stocks never go negative, indices stay in [0, 1], and nothing
is NaN or infinite except what sim/outputs.py declares may be undefined (censored)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.enums import Pathway
from sim.model import AllianceModel
from sim.outputs import Censoring, describe
from sim.results import result_tables
from sim.schema import Scenario

NATION_CODES = [f"N{i:02d}" for i in range(12)]
unit = st.floats(0.0, 1.0, allow_nan=False)


@st.composite
def nations(draw) -> list[dict]:
    count = draw(st.integers(2, 8))
    members = []
    for code in NATION_CODES[:count]:
        members.append({
            "code": code,
            "gdp_usd_bn": draw(st.floats(5.0, 30_000.0)),
            "defence_pct_gdp": draw(st.one_of(st.just(0.0), st.floats(0.5, 6.0))),
            "equipment_pct": draw(st.floats(0.0, 60.0)),
            "gdp_growth": draw(st.floats(-5.0, 6.0)),
            "threat_exposure": draw(unit),
            "sovereignty_preference": draw(unit),
            "migration_salience": draw(unit),
            "political_pressure": draw(unit),
            "trust_allies": draw(unit),
            "trust_us": draw(unit),
        })
    members[0]["is_us"] = draw(st.booleans())
    members[-1]["defence_pct_gdp"] = draw(st.floats(0.5, 6.0))  # someone spends
    return members


@st.composite
def scenarios(draw) -> Scenario:
    members = draw(nations())
    areas = [{"name": f"area{k}", "budget_share": draw(st.floats(0.01, 1.0)),
              "lead_time": draw(st.integers(1, 12)),
              "wear_rate": draw(st.floats(0.001, 0.2)),
              "learning_rate": draw(st.floats(0.7, 1.0)),
              "initial_standards": draw(st.integers(1, 6))}
             for k in range(draw(st.integers(1, 3)))]
    steps = draw(st.integers(1, 16))
    injects = []
    for _ in range(draw(st.integers(0, 3))):
        target = draw(st.sampled_from(["threat", "us_commitment", "node_attack",
                                       "election", "negotiation", "gdp_growth"]))
        first = 1 if target in ("node_attack", "election", "negotiation") else 0
        inject = {"step": draw(st.integers(first, steps + 2)), "target": target}
        if target in ("threat", "us_commitment"):
            inject["value"] = draw(unit)
        if target in ("node_attack", "election", "gdp_growth"):
            inject["nations"] = [members[draw(st.integers(0, len(members) - 1))]["code"]]
        if target in ("election", "gdp_growth"):
            inject["value"] = draw(st.floats(-3.0, 3.0))
        injects.append(inject)
    data = {
        "simulation": {"steps": steps},
        "nations": {"members": members},
        "alliance": {
            "governance": draw(st.sampled_from(["consensus", "coalitions"])),
            "areas": areas,
            "formation": {"min_members": draw(st.integers(2, 4)),
                          "max_coalition_size": draw(st.integers(2, 6)),
                          "agreement_rate": draw(st.floats(0.05, 1.0)),
                          "programme_duration": draw(st.integers(1, 12)),
                          "pooling_discount": draw(st.floats(0.0, 0.5))},
            "decisions": {"temperature": draw(st.floats(0.05, 5.0)),
                          "inertia": draw(st.floats(0.0, 0.95))},
            "pathways": {"pooled": {"attractiveness": draw(st.floats(-3.0, 3.0))},
                         "hubs": {"attractiveness": draw(st.floats(-3.0, 3.0))},
                         "standards": {"attractiveness": draw(st.floats(-3.0, 3.0))}},
            "spending": {"private_benefit_share": draw(unit),
                         "calibrate_to_initial": draw(st.booleans())},
        },
        "drivers": {
            "threat": {"points": {0: draw(unit), steps: draw(unit)}, "noise_sd": 0.1},
            "us_commitment": {"points": {0: draw(unit)}, "noise_sd": 0.1},
            "hybrid_attack_rate": {"points": {0: draw(st.floats(0.0, 5.0))}},
        },
        "injects": injects,
    }
    return Scenario.model_validate(data)


def run_checking_each_step(scenario: Scenario, seed: int) -> AllianceModel:
    model = AllianceModel(scenario, rng=seed)
    state = model.state
    for _ in range(model.horizon):
        model.step()
        procurement = state.nations.procurement
        budget = procurement[:, None] * state.areas.share[None, :]
        spend = state.choices.pathway_spend
        # Money is conserved: every dollar of the procurement budget goes to one pathway.
        np.testing.assert_allclose(spend.sum(axis=-1), budget, rtol=1e-9, atol=1e-9)
        # Spending never exceeds the budget and no pathway receives negative money.
        assert (spend >= -1e-12).all()
        assert spend.sum() <= procurement.sum() * (1 + 1e-9) + 1e-9
        industry = state.industry
        assert (state.forces.stock >= 0).all() and (industry.backlog >= -1e-9).all()
        assert (industry.pipeline >= 0).all() and (industry.capacity >= 0).all()
        for venture in state.ventures.ventures:
            assert venture.backlog >= -1e-9
            assert (venture.delivered <= venture.ordered + 1e-6).all()
        for name, values in (("readiness", state.forces.readiness),
                             ("trust_allies", state.nations.trust_allies),
                             ("trust_us", state.nations.trust_us),
                             ("satisfaction", state.cohesion.satisfaction),
                             ("interoperability", state.forces.interoperability),
                             ("allocation", state.choices.allocation),
                             ("hub_coverage", state.forces.hub_coverage)):
            assert ((values >= -1e-12) & (values <= 1 + 1e-12)).all(), name
        assert 0.0 <= state.cohesion.cohesion <= 1.0
        assert all(0.0 <= part <= 1.0 for part in state.cohesion.parts.values())
        np.testing.assert_allclose(state.choices.allocation.sum(axis=-1), 1.0)
        assert (state.choices.allocation[..., Pathway.NATIONAL] >= 0).all()
    return model


@pytest.mark.slow
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(scenario=scenarios(), seed=st.integers(0, 2**32 - 1))
def test_invariants_hold_for_generated_scenarios(scenario, seed):
    model = run_checking_each_step(scenario, seed)
    for name, table in result_tables(model).items():
        for column in table.select_dtypes(include="number").columns:
            values = table[column].to_numpy(dtype=float)
            censored = describe(column, name).censoring is not Censoring.NONE
            # Undefined (NaN) only where declared so; never infinite.
            assert (np.isfinite(values) | (censored & np.isnan(values))).all(), \
                f"{name}.{column}"
    series = result_tables(model)["timeseries"]
    for column in ("cohesion", "readiness", "interoperability", "milestone_on_time_rate",
                   "collaborative_share"):
        assert series[column].dropna().between(0.0, 1.0).all(), column
    assert isinstance(series, pd.DataFrame) and len(series) == scenario.simulation.steps + 1
