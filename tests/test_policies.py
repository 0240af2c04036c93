"""Nations decide through policies: a scripted nation does exactly what its script says,
every quarter, while the others follow the behavioural policy; scripts are checked at the
edge like every other scenario field."""

from __future__ import annotations

import numpy as np
import pytest

from sim.enums import Pathway, VentureKind
from sim.loader import ScenarioError, load_scenario
from sim.model import AllianceModel
from sim.policies import BehaviouralPolicy, ScriptedPolicy
from sim.schema import Scenario
from tests.conftest import SCENARIOS

AREAS = ["air_missile_defence", "artillery_ammunition", "armour", "combat_air", "naval"]


def scripted(scenario: Scenario, code: str, decisions: list[dict]) -> Scenario:
    data = scenario.model_dump(mode="python")
    for nation in data["nations"]["members"]:
        if nation["code"] == code:
            nation["policy"] = {"kind": "scripted", "decisions": decisions}
    return Scenario.model_validate(data)


SCRIPT = [
    {"step": 1, "defence_pct_gdp": 4.5,
     "allocation": {"all": {"national": 0.5, "standards": 0.1, "pooled": 0.3, "hubs": 0.1}}},
    {"step": 6, "allocation": {"air_missile_defence": {"national": 1.0}}},
    {"step": 11, "defence_pct_gdp": 3.0},
]


def expected_for(step: int) -> tuple[float | None, dict[str, np.ndarray]]:
    """What SCRIPT says for a quarter, worked out by hand: the desired share and the split
    of each area (a decision holds until a later entry gives it again)."""
    everywhere = np.array([0.5, 0.1, 0.3, 0.1])
    splits = {area: everywhere for area in AREAS}
    if step >= 6:
        splits["air_missile_defence"] = np.array([1.0, 0.0, 0.0, 0.0])
    return (4.5 if step < 11 else 3.0), splits


def test_a_scripted_nation_does_exactly_what_its_script_says_every_quarter(baseline):
    scenario = scripted(baseline, "POL", SCRIPT)
    model = AllianceModel(scenario, rng=3)
    pol = model.state.nations.codes.index("POL")
    assert isinstance(model.nations[pol].policy, ScriptedPolicy)
    assert all(isinstance(agent.policy, BehaviouralPolicy)
               for agent in model.nations if agent.index != pol)
    behavioural_moved = False
    for _ in range(model.horizon):
        before = model.state.choices.allocation.copy()
        model.step()
        share, splits = expected_for(model.steps)
        choices = model.state.choices
        assert choices.desired_share[pol] == share
        for area, name in enumerate(AREAS):
            if name in splits:
                assert np.array_equal(choices.allocation[pol, area], splits[name]), \
                    (model.steps, name)
        others = np.arange(len(model.nations)) != pol
        behavioural_moved |= not np.array_equal(choices.allocation[others], before[others])
        if model.steps >= 6:  # the script put nothing into pooling for air defence
            assert model.state.ventures.member_of[VentureKind.PROGRAMME][pol, 0] == -1
            assert choices.pathway_spend[pol, 0, Pathway.POOLED] == 0.0
    assert behavioural_moved  # the others kept deciding by the behavioural policy


def test_what_a_script_leaves_out_the_behavioural_policy_decides(baseline):
    scenario = scripted(baseline, "POL", [{"step": 1, "allocation": {
        "naval": {"national": 1.0}}}])
    with_script = AllianceModel(scenario, rng=5)
    without = AllianceModel(baseline, rng=5)
    pol = without.state.nations.codes.index("POL")
    with_script.step()
    without.step()
    # Quarter 1: the script fixes naval only; the desired share and the other areas are
    # what the behavioural policy decides (the same as without a script, this first time).
    assert with_script.state.choices.desired_share[pol] == \
        without.state.choices.desired_share[pol]
    np.testing.assert_array_equal(with_script.state.choices.allocation[pol, :4],
                                  without.state.choices.allocation[pol, :4])
    assert with_script.state.choices.allocation[pol, 4].tolist() == [1.0, 0.0, 0.0, 0.0]


def test_a_script_moves_the_nations_outcomes_reproducibly(baseline):
    scenario = scripted(baseline, "POL", SCRIPT)

    def final_share(chosen: Scenario, seed: int) -> float:
        model = AllianceModel(chosen, rng=seed)
        for _ in range(12):
            model.step()
        return float(model.state.nations.share[model.state.nations.codes.index("POL")])

    assert final_share(scenario, 1) == final_share(scenario, 1)
    # Desired 4.5 % for ten quarters, then 3.0 %: spending rises, then falls back.
    assert final_share(scenario, 1) != pytest.approx(final_share(baseline, 1), abs=0.05)


def test_a_scripted_exercise_share_is_spent_and_practises_the_forces(baseline):
    # Quarter 1 at the behavioural default, then four times it from quarter 2 (the full
    # practice share, alliance.exercises.full_share).
    full = baseline.alliance.exercises.full_share
    scenario = scripted(baseline, "POL", [{"step": 2, "exercise_share": full}])
    with_script, without = AllianceModel(scenario, rng=2), AllianceModel(baseline, rng=2)
    pol = without.state.nations.codes.index("POL")
    for _ in range(12):
        with_script.step()
        without.step()
        if with_script.steps >= 2:
            assert with_script.state.nations.exercise_share[pol] == full
    assert without.state.nations.exercise_share[pol] == \
        baseline.alliance.exercises.share_of_spending
    assert with_script.state.nations.practice[pol] > without.state.nations.practice[pol] + 0.2


def test_the_shipped_scripted_scenario_validates_and_runs():
    scenario = load_scenario(SCENARIOS / "scripted_poland.yaml")
    model = AllianceModel(scenario, rng=0, **{"simulation.steps": 10})
    for _ in range(model.horizon):
        model.step()
    pol = model.state.nations.codes.index("POL")
    assert model.state.choices.allocation[pol, 0].tolist() == [0.5, 0.0, 0.4, 0.1]


@pytest.mark.parametrize(("policy", "message"), [
    ("{kind: scripted, decisions: [{step: 1, allocation: {naval: {national: 0.5}}}]}",
     "scripted.yaml:6:74: nations.members.AAA.policy.decisions.0.allocation.naval: the "
     "shares must sum to 1 (they sum to 0.5) (got {'national': 0.5})"),
    ("{kind: scripted, decisions: [{step: 1, allocation: {navy: {national: 1}}}]}",
     "scripted.yaml:6:73: nations.members.AAA.policy.decisions.0.allocation.navy: unknown "
     "capability area 'navy' (or 'all')"),
    ("{kind: scripted, decisions: []}",
     "scripted.yaml:6:43: nations.members.AAA.policy.decisions: a scripted policy needs at "
     "least one entry or rule"),
    ("{kind: scripted, decisions: [{step: 5}, {step: 2}]}",
     "scripted.yaml:6:62: nations.members.AAA.policy.decisions.1.step: entries must be in "
     "order of step, one entry per step (the one before is step 5)"),
])
def test_a_bad_script_is_one_line_naming_file_line_and_field(tmp_path, policy, message):
    path = tmp_path / "scripted.yaml"
    path.write_text("nations:\n  members:\n    - code: AAA\n      gdp_usd_bn: 100\n"
                    f"      defence_pct_gdp: 2\n      policy: {policy}\n")
    with pytest.raises(ScenarioError) as raised:
        load_scenario(path)
    assert str(raised.value).endswith(message)


class PoolWhenThreatened:
    """The example of docs/POLICIES.md."""

    name = "pool-when-threatened"

    def __init__(self, share: float, threshold: float = 0.6) -> None:
        self.share, self.threshold = share, threshold

    def decide(self, observation, nations, advice):
        decisions = advice.rows(nations)
        if observation.threat >= self.threshold:
            split = np.zeros(len(Pathway))
            split[Pathway.NATIONAL], split[Pathway.POOLED] = 1 - self.share, self.share
            decisions.allocation[:] = split
            decisions.join[VentureKind.PROGRAMME][:] = True
        return decisions


def test_a_python_policy_decides_for_the_nations_given_it(baseline):
    model = AllianceModel(baseline, rng=7, **{"simulation.steps": 4,
                                             "drivers.threat.points": {0: 0.8}})
    model.set_policy(["EST", "LVA", "LTU"], PoolWhenThreatened(0.3))
    baltic = [model.state.nations.codes.index(code) for code in ("EST", "LVA", "LTU")]
    for _ in range(model.horizon):
        model.step()
        assert (model.state.choices.allocation[baltic] == [0.7, 0.0, 0.3, 0.0]).all()
    assert (model.state.ventures.member_of[VentureKind.PROGRAMME][baltic] >= 0).all()
    with pytest.raises(ValueError, match="unknown nation codes: XXX"):
        model.set_policy(["XXX"], PoolWhenThreatened(0.3))
