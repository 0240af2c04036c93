"""Sweeps and sensitivity: experiment files, designs, sweep folders on common random
numbers, identical results on every backend, SALib indices checked against the Ishigami
function's analytic values along the model's own path, and one-line errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from sim.cli import main
from sim.dashboards.build import CHROMIUM_FLAGS
from sim.experiment.backends import Backend
from sim.experiment.design import Factor, build_design
from sim.experiment.evaluators import AllianceEvaluator, ishigami_indices
from sim.experiment.folder_checks import RunFolderError
from sim.experiment.seeds import replication_seed
from sim.experiment.sensitivity import stability_warnings
from sim.experiment.spec import SAMPLES, experiment_json_schema_text, load_experiment
from sim.experiment.store import RunFolder
from sim.experiment.sweep import run_sweep
from sim.loader import apply_overrides, load_scenario
from sim.outputs import KPI_NAMES
from sim.results.load import load_sweep
from sim.runner import run_model
from tests.conftest import ROOT, SCENARIOS

TINY = ROOT / "tests" / "golden" / "tiny.yaml"
EXPERIMENTS = SCENARIOS / "experiments"

TINY_EXPERIMENT = f"""name: tiny sweep
description: governance x pooling discount on the tiny scenario
scenario: {TINY}
replications: 3
parameters:
  - path: alliance.governance
    values: [consensus, coalitions]
  - path: alliance.formation.pooling_discount
    range: [0.0, 0.4]
design:
  method: full_factorial
  levels: 2
kpis: [final_capability, final_cohesion, mean_pooled_share]
"""


def write(folder: Path, text: str, name: str = "experiment.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def tiny_experiment(tmp_path) -> Path:
    return write(tmp_path, TINY_EXPERIMENT)


# ------------------------------------------------------------------- designs
RANGE = Factor("a", low=0.0, high=10.0)
WORDS = Factor("b", values=("x", "y", "z"))
COUNT = Factor("c", low=1, high=4, integer=True)


def test_full_factorial_crosses_every_level_of_every_factor():
    design = build_design([RANGE, WORDS, COUNT], "full_factorial", 0, 3, False, 0)
    assert len(design) == 3 * 3 * 3  # COUNT has 4 integers, 3 levels asked
    assert sorted(design.points["a"].unique()) == [0.0, 5.0, 10.0]
    assert sorted(design.points["b"].unique()) == ["x", "y", "z"]
    assert len(design.points.drop_duplicates()) == len(design)


def test_latin_hypercube_puts_one_point_in_every_stratum_of_every_factor():
    design = build_design([RANGE, Factor("d", low=-1.0, high=1.0)], "latin_hypercube", 50,
                          None, False, 3)
    for column in range(2):
        strata = np.floor(design.unit[:, column] * 50).astype(int)
        assert sorted(strata) == list(range(50))


def test_sobol_and_morris_designs_have_the_sizes_salib_documents():
    factors = [RANGE, WORDS, COUNT]
    assert len(build_design(factors, "sobol", 64, None, False, 1)) == 64 * (3 + 2)
    assert len(build_design(factors, "sobol", 64, None, True, 1)) == 64 * (2 * 3 + 2)
    morris = build_design(factors, "morris", 10, 4, False, 1)
    assert len(morris) == 10 * (3 + 1)
    # Along a trajectory each step moves exactly one factor.
    steps = np.abs(np.diff(morris.unit.reshape(10, 4, 3), axis=1)) > 1e-12
    assert (steps.sum(axis=2) == 1).all()


def test_integers_and_listed_values_cover_every_value_evenly():
    unit = (np.arange(3000) + 0.5) / 3000
    counts = pd.Series(WORDS.scale(unit)).value_counts()
    assert sorted(counts.index) == ["x", "y", "z"] and counts.min() == counts.max()
    integers = pd.Series(COUNT.scale(unit)).value_counts()
    assert sorted(integers.index) == [1, 2, 3, 4] and integers.min() == integers.max()
    assert COUNT.scale(np.array([0.0, 1.0])) == [1, 4]


# ----------------------------------------------------------- experiment files
def test_every_shipped_experiment_file_is_valid():
    files = sorted(EXPERIMENTS.glob("*.yaml"))
    assert len(files) >= 3
    for file in files:
        experiment = load_experiment(file)
        assert experiment.factors and experiment.kpis


def test_experiment_json_schema_is_current_and_named_by_every_experiment_file():
    shipped = (EXPERIMENTS / "experiment.schema.json").read_text()
    assert shipped == experiment_json_schema_text(), "regenerate: python3 run.py schema " \
        "--experiment > scenarios/experiments/experiment.schema.json"
    for file in EXPERIMENTS.glob("*.yaml"):
        first = file.read_text().splitlines()[0]
        assert first == "# yaml-language-server: $schema=experiment.schema.json", file


def test_ranges_default_to_the_schema_declaration():
    experiment = load_experiment(EXPERIMENTS / "cohesion_drivers.yaml")
    pooling = {f.path: f for f in experiment.factors}["alliance.formation.pooling_discount"]
    assert (pooling.low, pooling.high) == (0.0, 0.6)


def test_kpi_names_are_the_kpis_the_model_reports():
    model = run_model(load_scenario(TINY), 0)
    assert set(KPI_NAMES) == set(model.kpis())


MISTAKES = {
    "unknown parameter": ("- path: alliance.formation.pooling_discount",
                          "- path: alliance.formation.poling_discount",
                          "experiment.yaml:8:11: parameters.1.path: no such parameter; "
                          "did you mean 'alliance.formation.pooling_discount'?"),
    "range outside the schema": ("range: [0.0, 0.4]", "range: [0.0, 0.9]",
                                 "experiment.yaml:9:12: parameters.1.range: 0.9 is not "
                                 "allowed"),
    "low above high": ("range: [0.0, 0.4]", "range: [0.4, 0.1]",
                       "parameters.1.range: expected low < high"),
    "unknown design": ("method: full_factorial", "method: factorial",
                       "experiment.yaml:11:11: design.method: Input should be"),
    "unknown KPI": ("mean_pooled_share]", "mean_pooled_shares]",
                    "kpis.2: unknown KPI 'mean_pooled_shares'; did you mean "
                    "'mean_pooled_share'?"),
    "unknown key": ("replications: 3", "replication: 3",
                    "experiment.yaml:4:1: replication: unknown key 'replication'; did you "
                    "mean 'replications'?"),
    "missing scenario": (f"scenario: {TINY}", "scenario: nowhere.yaml",
                         "experiment.yaml:3:11: scenario: no scenario file at"),
    "a word for a number": ("replications: 3", "replications: three",
                            "experiment.yaml:4:15: replications: Input should be a valid "
                            "integer"),
    "a fixed setting out of range": ("replications: 3",
                                     "replications: 3\nset: {simulation.steps: 0}",
                                     "experiment.yaml:5:25: simulation.steps: Input should "
                                     "be greater than or equal to 1"),
    "a fixed setting that is no parameter": ("replications: 3",
                                             "replications: 3\nset: {simulation.stepz: 4}",
                                             "experiment.yaml:5:25: simulation.stepz: "
                                             "unknown key 'stepz'; did you mean 'steps'?"),
    "a value listed twice": ("values: [consensus, coalitions]",
                             "values: [consensus, coalitions, consensus]",
                             "experiment.yaml:7:37: parameters.0.values.2: 'consensus' is "
                             "listed twice"),
    "a number listed twice, once as a whole number": (
        "  - path: alliance.governance\n",
        "  - path: nations.members.AAA.gdp_usd_bn\n    values: [50, 75, 50.0]\n"
        "  - path: alliance.governance\n",
        "experiment.yaml:7:22: parameters.0.values.2: 50.0 is listed twice"),
    "an integer range holding one whole number": (
        "    values: [consensus, coalitions]\n",
        "    values: [consensus, coalitions]\n  - path: alliance.formation.min_members\n"
        "    range: [2.5, 3.2]\n",
        "experiment.yaml:9:12: parameters.1.range: alliance.formation.min_members takes "
        "whole numbers and [2.5, 3.2] holds only one; expected a range with at least two"),
    "an integer range holding no whole number": (
        "    values: [consensus, coalitions]\n",
        "    values: [consensus, coalitions]\n  - path: alliance.formation.min_members\n"
        "    range: [2.5, 2.7]\n",
        "experiment.yaml:9:12: parameters.1.range: alliance.formation.min_members takes "
        "whole numbers and [2.5, 2.7] holds none; expected"),
    "one parameter varied by two paths": (
        "  - path: alliance.governance\n",
        "  - path: nations.members.AAA.gdp_usd_bn\n    range: [50, 150]\n"
        "  - path: nations.members.aaa.gdp_usd_bn\n    range: [50, 100]\n"
        "  - path: alliance.governance\n",
        "experiment.yaml:8:11: parameters.1.path: nations.members.aaa.gdp_usd_bn is "
        "nations.members.AAA.gdp_usd_bn, also varied; a parameter is varied once"),
    "a section varied, then a field inside it": (
        "  - path: alliance.governance\n",
        "  - path: alliance.formation\n    values: [{min_members: 2}, {min_members: 3}]\n"
        "  - path: alliance.formation.min_members\n    range: [2, 4]\n"
        "  - path: alliance.governance\n",
        "experiment.yaml:8:11: parameters.1.path: alliance.formation.min_members is inside "
        "alliance.formation, also varied; a parameter is varied once"),
    "a field varied, then the section holding it": (
        "  - path: alliance.governance\n",
        "  - path: alliance.formation.min_members\n    range: [2, 4]\n"
        "  - path: alliance.formation\n    values: [{min_members: 2}, {min_members: 3}]\n"
        "  - path: alliance.governance\n",
        "experiment.yaml:8:11: parameters.1.path: alliance.formation contains "
        "alliance.formation.min_members, also varied; a parameter is varied once"),
}


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_a_wrong_experiment_file_gives_one_line_and_writes_nothing(mistake, tmp_path, capsys):
    old, new, expected = MISTAKES[mistake]
    assert old in TINY_EXPERIMENT
    file = write(tmp_path, TINY_EXPERIMENT.replace(old, new))
    out = tmp_path / "out"
    for command in (["sweep", str(file)], ["sensitivity", str(file), "--method", "morris"]):
        assert main([*command, "--out", str(out), "--quiet"]) == 2
        error = capsys.readouterr().err
        assert error.count("\n") == 1 and "Traceback" not in error
        assert expected in error, error
        assert not out.exists()


# ------------------------------------------------------------------- sweeps
def test_sweep_folder_has_one_row_per_point_and_replication(tiny_experiment, tmp_path):
    out = tmp_path / "sweep"
    assert main(["sweep", str(tiny_experiment), "--out", str(out), "--workers", "2",
                 "--quiet"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["complete"] and manifest["kind"] == "sweep" and manifest["runs"] == 12
    kpis = pd.read_parquet(out / "kpis.parquet").sort_values("run")
    assert kpis["run"].tolist() == list(range(12))
    assert (kpis["point"] * 3 + kpis["replication"] == kpis["run"]).all()
    assert {"alliance.governance", "alliance.formation.pooling_discount",
            *KPI_NAMES} <= set(kpis.columns)
    points = pd.read_csv(out / "points.csv")
    assert len(points) == 4 and (points["replications"] == 3).all()
    series = pd.read_parquet(out / "timeseries.parquet")
    assert len(series) == 12 * 13  # steps 0..12 of every run
    assert (out / "dashboard.html").is_file()


def test_integer_parameters_stay_integers_from_design_to_table(tmp_path):
    file = write(tmp_path, TINY_EXPERIMENT.replace(
        "    values: [consensus, coalitions]", "    values: [consensus, coalitions]\n"
        "  - path: alliance.formation.min_members\n    range: [2, 4]").replace(
        "levels: 2", "levels: 3"))
    out = tmp_path / "sweep"
    assert main(["sweep", str(file), "--out", str(out), "--workers", "1", "--quiet",
                 "--replications", "1"]) == 0
    kpis = pd.read_parquet(out / "kpis.parquet")
    assert kpis["alliance.formation.min_members"].dtype == "int64"
    assert sorted(kpis["alliance.formation.min_members"].unique()) == [2, 3, 4]


def test_an_integer_range_varies_the_whole_numbers_within_it(tmp_path):
    file = write(tmp_path, TINY_EXPERIMENT.replace(
        "    values: [consensus, coalitions]", "    values: [consensus, coalitions]\n"
        "  - path: alliance.formation.min_members\n    range: [2.5, 4.5]"))
    factor = load_experiment(file).factors[1]
    assert sorted(set(factor.scale(np.linspace(0, 1, 11)))) == [3, 4]  # 2 is outside


def test_replication_k_of_every_point_runs_on_the_seeds_of_replication_k(tiny_experiment,
                                                                          tmp_path):
    """Common random numbers: a point's run k equals `run`'s replication k of the scenario
    with that point's values."""
    experiment = load_experiment(tiny_experiment)
    out = tmp_path / "sweep"
    run_sweep(experiment, out, workers=1)
    kpis = pd.read_parquet(out / "kpis.parquet").set_index("run")
    for run in (0, 4, 11):
        row = kpis.loc[run]
        values = {f.path: row[f.path] for f in experiment.factors}
        values = {k: v.item() if hasattr(v, "item") else v for k, v in values.items()}
        scenario = apply_overrides(experiment.scenario, values)
        expected = run_model(scenario, replication_seed(experiment.seed,
                                                        int(row["replication"]))).kpis()
        assert row["final_capability"] == expected["final_capability"]
        assert row["final_cohesion"] == expected["final_cohesion"]


@pytest.mark.slow
def test_sweep_results_are_identical_on_serial_process_and_dask(tiny_experiment, tmp_path):
    pytest.importorskip("dask.distributed")
    experiment = load_experiment(tiny_experiment)
    tables = {}
    for backend, workers in ((Backend.SERIAL, 1), (Backend.PROCESS, 2), (Backend.DASK, 2)):
        out = tmp_path / backend.value
        outcome = run_sweep(experiment, out, workers=workers, backend=backend)
        assert outcome.complete
        tables[backend] = pd.read_parquet(out / "kpis.parquet").sort_values("run") \
            .reset_index(drop=True)
    pd.testing.assert_frame_equal(tables[Backend.SERIAL], tables[Backend.PROCESS])
    pd.testing.assert_frame_equal(tables[Backend.SERIAL], tables[Backend.DASK])


@pytest.mark.slow
def test_a_failed_run_is_recorded_and_resume_completes_the_sweep_identically(
        tiny_experiment, tmp_path, monkeypatch, capsys):
    clean = tmp_path / "clean"
    assert main(["sweep", str(tiny_experiment), "--out", str(clean), "--backend", "serial",
                 "--quiet"]) == 0
    real_call = AllianceEvaluator.__call__

    def flaky(self, values, seed):  # fails for one point's replication 1
        if values["alliance.formation.pooling_discount"] > 0.3 and \
                seed.spawn_key == (1,) and values["alliance.governance"] == "coalitions":
            raise RuntimeError("simulated crash")
        return real_call(self, values, seed)

    monkeypatch.setattr(AllianceEvaluator, "__call__", flaky)
    broken = tmp_path / "broken"
    assert main(["sweep", str(tiny_experiment), "--out", str(broken), "--backend",
                 "serial", "--quiet"]) == 1
    assert "run 10 failed" in capsys.readouterr().err
    manifest = json.loads((broken / "manifest.json").read_text())
    assert not manifest["complete"] and [f["index"] for f in manifest["failures"]] == [10]
    monkeypatch.setattr(AllianceEvaluator, "__call__", real_call)
    assert main(["sweep", "--resume", str(broken), "--backend", "serial", "--quiet"]) == 0
    assert json.loads((broken / "manifest.json").read_text())["complete"]
    for table, keys in (("kpis", ["run"]), ("timeseries", ["run", "step"])):
        pd.testing.assert_frame_equal(
            pd.read_parquet(clean / f"{table}.parquet").sort_values(keys).reset_index(
                drop=True),
            pd.read_parquet(broken / f"{table}.parquet").sort_values(keys).reset_index(
                drop=True))


def test_resume_of_a_complete_sweep_changes_nothing(tiny_experiment, tmp_path):
    out = tmp_path / "sweep"
    assert main(["sweep", str(tiny_experiment), "--out", str(out), "--workers", "1",
                 "--quiet", "--seed", "5"]) == 0
    before = pd.read_parquet(out / "kpis.parquet")
    assert main(["sweep", "--resume", str(out), "--workers", "1", "--quiet"]) == 0
    pd.testing.assert_frame_equal(before, pd.read_parquet(out / "kpis.parquet"))


def test_a_sweep_resumes_from_its_manifest_wherever_its_experiment_file_went(
        tiny_experiment, tmp_path, monkeypatch):
    """As run --resume takes the scenario from the folder: a moved checkout, another
    machine or an edited file does not stop it, nor change what it computes."""
    reference, out = tmp_path / "reference", tmp_path / "sweep"
    arguments = ["sweep", str(tiny_experiment), "--workers", "1", "--quiet"]
    assert main([*arguments, "--out", str(reference)]) == 0
    with monkeypatch.context() as patch:
        _stop_at_second_chunk(patch)
        assert main([*arguments, "--out", str(out)]) == 130
    tiny_experiment.rename(tmp_path / "moved.yaml")
    assert main(["sweep", "--resume", str(out), "--workers", "1", "--quiet"]) == 0
    write(tiny_experiment.parent, TINY_EXPERIMENT.replace("range: [0.0, 0.4]",
                                                          "range: [0.0, 0.3]"))
    assert main(["sweep", "--resume", str(out), "--quiet"]) == 0
    for table in ("kpis", "timeseries", "design"):
        pd.testing.assert_frame_equal(pd.read_parquet(reference / f"{table}.parquet"),
                                      pd.read_parquet(out / f"{table}.parquet"))
    pd.testing.assert_frame_equal(pd.read_csv(reference / "points.csv"),
                                  pd.read_csv(out / "points.csv"))


# -------------------------------------------------------------- sensitivity
ISHIGAMI = EXPERIMENTS / "ishigami_check.yaml"
TOLERANCE = 0.05  # absolute, on indices in [0, 1], with N = 1024 base samples


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sobol_indices_of_the_ishigami_function_match_the_analytic_values(seed, tmp_path,
                                                                         capsys):
    """The same path as the model: experiment file, design, runner (2 worker processes),
    sweep folder, SALib analysis, sensitivity.csv; only the evaluator differs."""
    out = tmp_path / "ishigami"
    assert main(["sensitivity", str(ISHIGAMI), "--method", "sobol", "--seed", str(seed),
                 "--out", str(out), "--workers", "2", "--quiet"]) == 0
    assert "warning" not in capsys.readouterr().err  # N = 1,024 is enough here
    indices = pd.read_csv(out / "sensitivity.csv").set_index(["index", "parameter"])
    truth = ishigami_indices()
    for index in ("S1", "ST"):
        for name, value in truth[index].items():
            row = indices.loc[(index, name)]
            assert abs(row["value"] - value) < TOLERANCE, (index, name, row["value"])
            assert row["ci_low"] - 0.01 <= value <= row["ci_high"] + 0.01
    assert (out / "sensitivity.html").is_file()


def advised_samples(warning: str) -> int | None:
    found = re.search(r"raise --samples \(to (?:about )?(\d+)", warning)
    return int(found.group(1)) if found else None


@pytest.mark.parametrize(("method", "samples", "half_width"), [
    ("sobol", 2, 13756.0),  # final_capability with --samples 2: +/-13756 asked for 2**38
    ("sobol", 16, 0.2), ("morris", 600_000, 5.0), ("morris", 1_000_000, 5.0)])
def test_the_samples_advised_are_ones_samples_accepts_or_it_says_what_else(
        method, samples, half_width):
    index = "ST" if method == "sobol" else "mu_star"
    indices = pd.DataFrame({"kpi": "k", "parameter": ["a", "b"], "index": index,
                            "value": [0.5, 0.4], "ci_low": [0.5 - half_width, 0.3],
                            "ci_high": [0.5 + half_width, 0.5]})
    [warning] = stability_warnings(method, indices, samples, points=samples * 4)
    advised = advised_samples(warning)
    if advised is None:
        assert "raise the replications" in warning
    else:
        assert samples < advised <= SAMPLES[1]
    if samples == 2:  # far beyond what the option accepts: said so, with what to do
        assert advised is None and "--method morris" in warning


def test_too_few_sobol_samples_warn_and_the_check_prints_analytic_values(tmp_path, capsys):
    out = tmp_path / "ishigami"
    assert main(["sensitivity", str(ISHIGAMI), "--method", "sobol", "--samples", "16",
                 "--out", str(out), "--workers", "1"]) == 0
    captured = capsys.readouterr()
    warning = [line for line in captured.err.splitlines() if line.startswith("warning:")]
    assert len(warning) == 1 and "unstable with N = 16 base samples" in warning[0]
    assert "raise --samples" in warning[0]
    assert "Warning: y: Sobol indices unstable" in (out / "sensitivity.html").read_text()
    # Analytic S1, ST beside the computed ones, for each input.
    assert "analytic S1, ST" in captured.out
    assert "0.314, 0.558" in captured.out and "0.442, 0.442" in captured.out
    indices = pd.read_csv(out / "sensitivity.csv")
    assert indices["analytic"].notna().all()
    # Inputs ranked by total effect, largest first, in the CSV and on the terminal.
    total = indices[indices["index"] == "ST"]["value"].tolist()
    assert total == sorted(total, reverse=True)
    order = [line.split()[0] for line in captured.out.splitlines() if line.startswith("  x")]
    assert order == indices[indices["index"] == "ST"]["parameter"].tolist()


def test_morris_screening_of_the_model_writes_indices_with_intervals(tiny_experiment,
                                                                      tmp_path, capsys):
    out = tmp_path / "morris"
    assert main(["sensitivity", str(tiny_experiment), "--method", "morris", "--samples", "4",
                 "--out", str(out), "--workers", "2"]) == 0
    captured = capsys.readouterr()
    printed = captured.out
    assert "mu_star [95 % CI]" in printed and "sensitivity.html" in printed
    assert "Morris screening unstable with 4 trajectories" in captured.err
    indices = pd.read_csv(out / "sensitivity.csv")
    mu_star = indices[indices["index"] == "mu_star"]
    assert set(mu_star["parameter"]) == {"alliance.governance",
                                          "alliance.formation.pooling_discount"}
    assert (mu_star["value"] >= 0).all()
    assert (mu_star["ci_low"] <= mu_star["value"]).all()
    # Analysing the folder again gives the same indices, without running anything.
    assert main(["sensitivity", str(out), "--quiet"]) == 0
    pd.testing.assert_frame_equal(indices, pd.read_csv(out / "sensitivity.csv"))


def _stop_at_second_chunk(patch: pytest.MonkeyPatch) -> None:
    write_part, calls = RunFolder.write_part, []

    def stopping(self: RunFolder, *args, **kwargs) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        write_part(self, *args, **kwargs)
    patch.setattr(RunFolder, "write_part", stopping)


def _stop_gathering(patch: pytest.MonkeyPatch) -> None:
    def stopping(self: RunFolder) -> None:
        raise KeyboardInterrupt
    patch.setattr(RunFolder, "gather", stopping)


@pytest.mark.parametrize("stop", [_stop_at_second_chunk, _stop_gathering],
                         ids=["while running", "while gathering"])
def test_a_stopped_sensitivity_run_says_how_to_finish_it_with_its_indices(
        tmp_path, capsys, monkeypatch, stop):
    """Its folder resumes as a sweep, which does not analyse it: the one line that says
    how to resume also says to analyse it then, and the two commands give the indices."""
    out = tmp_path / "ishigami"
    with monkeypatch.context() as patch:
        stop(patch)
        status = main(["sensitivity", str(ISHIGAMI), "--method", "sobol", "--samples", "8",
                       "--out", str(out), "--workers", "1", "--quiet"])
    assert status == 130
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith(
        f"resume with: python3 run.py sweep --resume {out}, then: python3 run.py "
        f"sensitivity {out}"), lines
    assert main(["sweep", "--resume", str(out), "--workers", "1", "--quiet"]) == 0
    assert main(["sensitivity", str(out), "--quiet"]) == 0
    assert (out / "sensitivity.csv").is_file() and (out / "sensitivity.html").is_file()


def _ishigami_sweep(out: Path, seed: int) -> list[str]:
    return ["sweep", str(ISHIGAMI), "--samples", "8", "--seed", str(seed), "--out", str(out),
            "--workers", "1", "--quiet"]


def test_a_design_from_another_sweep_is_refused_where_it_would_label_the_points(
        tmp_path, capsys, monkeypatch):
    """design.parquet gives each point its inputs (points.csv, the indices): one copied
    from another sweep, with as many points, would label KPIs with other inputs."""
    other = tmp_path / "other"
    assert main(_ishigami_sweep(other, seed=2)) == 0
    stopped, done = tmp_path / "stopped", tmp_path / "done"
    with monkeypatch.context() as patch:
        _stop_gathering(patch)
        assert main(_ishigami_sweep(stopped, seed=1)) == 130
    assert main(_ishigami_sweep(done, seed=1)) == 0
    capsys.readouterr()
    for folder in (stopped, done):
        (folder / "design.parquet").write_bytes((other / "design.parquet").read_bytes())
    refusals = {"resume": main(["sweep", "--resume", str(stopped), "--workers", "1",
                                "--quiet"]),
                "resume of a complete sweep": main(["sweep", "--resume", str(done),
                                                    "--quiet"]),
                "sensitivity": main(["sensitivity", str(done), "--quiet"])}
    assert refusals == dict.fromkeys(refusals, 2)
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == len(refusals)
    assert all(line.startswith("error: ") and "design.parquet: computed for another" in line
               and "run it again into a new folder" in line for line in lines), lines
    assert not (stopped / "points.csv").exists() and not (done / "sensitivity.csv").exists()
    with pytest.raises(RunFolderError, match=r"design\.parquet: computed for another"):
        load_sweep(done)
    # Versions before fingerprints wrote none: the folder's own design, unstamped, reads.
    own = tmp_path / "own"
    assert main(_ishigami_sweep(own, seed=1)) == 0
    pq.write_table(pq.read_table(own / "design.parquet").replace_schema_metadata(None),
                   done / "design.parquet")
    assert main(["sensitivity", str(done), "--quiet"]) == 0


def test_sensitivity_refuses_a_design_without_indices(tiny_experiment, tmp_path, capsys):
    out = tmp_path / "sweep"
    assert main(["sweep", str(tiny_experiment), "--out", str(out), "--workers", "1",
                 "--quiet"]) == 0
    assert main(["sensitivity", str(out)]) == 2
    error = capsys.readouterr().err
    assert "full_factorial design has no sensitivity indices" in error
    assert error.count("\n") == 1


# ------------------------------------------------------------------ browser
def test_sweep_and_sensitivity_pages_load_cleanly_with_data(tmp_path):
    dashboards = pytest.importorskip("tests.test_dashboards")
    if dashboards.CHROMIUM is None:
        pytest.skip("no Chromium on this machine (Debian: apt-get install chromium)")
    hostile = TINY_EXPERIMENT.replace("name: tiny sweep", f"name: '{dashboards.HOSTILE}'")
    file = write(tmp_path, hostile)
    out = tmp_path / "morris"
    assert main(["sensitivity", str(file), "--method", "morris", "--samples", "3",
                 "--out", str(out), "--workers", "2", "--quiet"]) == 0
    assert main(["dashboard", str(out)]) == 0  # the sweep dashboard, rebuilt from disk
    sizes = "() => [...document.querySelectorAll('.js-plotly-plot')].map(d => d._fullData" \
        ".map(t => t.type === 'parcoords' ? t.dimensions.length : t._length))"
    with dashboards.playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=dashboards.CHROMIUM,
                                         args=CHROMIUM_FLAGS)
        pages = {name: dashboards.open_page(browser, out / name)
                 for name in ("dashboard.html", "sensitivity.html")}
        drawn = {}
        for name in pages:
            page = browser.new_page()
            page.goto((out / name).resolve().as_uri())
            page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length")
            drawn[name] = page.evaluate(sizes)
        browser.close()
    for name, seen in pages.items():
        assert seen["errors"] == [] and seen["dialogs"] == [], name
        assert all(url.startswith("file://") for url in seen["requests"]), seen["requests"]
        assert dashboards.HOSTILE in seen["text"]
    # Parallel coordinates: 2 inputs + 3 KPIs; scatter matrix: 3 KPIs x 2 inputs, a dot
    # per run in each.
    runs = len(pd.read_parquet(out / "kpis.parquet"))
    assert drawn["dashboard.html"] == [[5], [runs] * 6]
    # One Morris chart per KPI that varies, with a dot per parameter.
    analysed = pd.read_csv(out / "sensitivity.csv")["kpi"].nunique()
    assert drawn["sensitivity.html"] == [[2]] * analysed and analysed >= 2
    # Every axis and every parallel-coordinates label names its unit.
    for name, seen in pages.items():
        assert dashboards.axis_problems(seen["panels"]) == [], name
    labels = [label for panel in pages["dashboard.html"]["panels"]
              for label in panel["dimensions"]]
    assert labels == ["governance (category)", "pooling discount (dimensionless)",
                      "Final effective capability (capability units)",
                      "Final cohesion (index 0-1)", "Pooled share of procurement (%)"]
