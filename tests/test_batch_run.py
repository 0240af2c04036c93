"""Mesa's own batch_run drives the model: parameters are keyword arguments plus rng."""

from __future__ import annotations

import gc
import inspect
import weakref

import mesa
import pytest

from sim.model import AllianceModel


def test_batch_run_drives_the_model_to_its_horizon(baseline):
    parameters = {"scenario": [baseline], "simulation.steps": 6,
                  "alliance.governance": ["consensus", "coalitions"]}
    options = {"max_steps": 100, "display_progress": False, "number_processes": 1}
    if "rng" in inspect.signature(mesa.batch_run).parameters:  # Mesa 3.4+
        options["rng"] = [3]
    else:
        parameters["rng"] = [3]
    results = mesa.batch_run(AllianceModel, parameters, **options)
    last = {}
    for row in results:
        governance = row["alliance.governance"]
        if row["Step"] >= last.get(governance, {"Step": -1})["Step"]:
            last[governance] = row
    assert set(last) == {"consensus", "coalitions"}
    # Mesa 3.3's batch_run labels the last collected row one step early; 3.4+ does not.
    step = last["consensus"]["Step"]
    assert step in (5, 6)
    own = AllianceModel(baseline, rng=3, **{"simulation.steps": 6})
    while own.steps < step:
        own.step()
    assert last["consensus"]["cohesion"] == pytest.approx(own.state.cohesion.cohesion)
    assert last["consensus"]["effective_capability"] == pytest.approx(
        own.state.forces.effective_capability)


def test_a_model_at_its_horizon_says_so_when_stepped_again(baseline):
    """Its drivers and records are drawn to the horizon: a further step is refused in
    words (it was an IndexError from deep in the drivers), and the run is left intact."""
    model = AllianceModel(baseline, rng=3, **{"simulation.steps": 2})
    model.step()
    model.step()
    assert not model.running
    with pytest.raises(RuntimeError, match="played all 2 of its steps"):
        model.step()
    assert len(model.datacollector.get_model_vars_dataframe()) == 3


def test_a_finished_model_is_not_kept_alive_by_mesa(baseline):
    """Mesa 3.3 counts agent ids per model in a class-level registry: a long run would
    keep every replication's model (and its state) in memory."""
    model = AllianceModel(baseline, rng=1, **{"simulation.steps": 2})
    model.step()
    model.step()
    finished = weakref.ref(model)
    del model
    gc.collect()
    assert finished() is None


def test_batch_run_reads_every_step_of_the_record(baseline):
    """batch_run reads the model's figures as DataCollector lists, one value per step."""
    model = AllianceModel(baseline, rng=2, **{"simulation.steps": 3})
    for _ in range(3):
        model.step()
    figures = model.datacollector.model_vars
    assert all(len(values) == 4 for values in figures.values())
    assert figures["cohesion"][-1] == model.state.cohesion.cohesion



def test_batch_run_reads_each_steps_own_figures(baseline):
    """Collecting every step, batch_run gives each step the figures of that step (Mesa
    3.4+ finds them by the recorded steps; without those it gave the first row to all)."""
    parameters = {"scenario": [baseline], "simulation.steps": 4}
    options = {"max_steps": 100, "display_progress": False, "number_processes": 1,
               "data_collection_period": 1}
    if "rng" in inspect.signature(mesa.batch_run).parameters:  # Mesa 3.4+
        options["rng"] = [5]
    else:
        parameters["rng"] = [5]
    rows = mesa.batch_run(AllianceModel, parameters, **options)
    own = AllianceModel(baseline, rng=5, **{"simulation.steps": 4})
    while own.running:
        own.step()
    capability = own.datacollector.series("effective_capability")
    steps = sorted({row["Step"] for row in rows})
    assert len(steps) >= 4
    for row in rows:
        assert row["effective_capability"] == pytest.approx(capability[row["Step"]]), \
            row["Step"]
