"""Scenario files: every kind of mistake gives exit 2 and one line per problem naming the
file, line and field, with no traceback and nothing written - for validate and run."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from types import SimpleNamespace

import pytest

from sim.cli import main
from sim.loader import ScenarioError, load_scenario
from sim.schema.reference import json_schema_text, markdown_reference, parameter
from tests.conftest import ROOT, SCENARIOS


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A private copy of the shipped scenarios, so files may extend the baseline."""
    target = tmp_path / "scenarios"
    shutil.copytree(SCENARIOS, target)
    return target


def cli(*arguments: str, cwd: Path) -> SimpleNamespace:
    """The command line run in this process from ``cwd`` (a new interpreter per case cost
    most of this file's time; tests/test_cli.py keeps the check in a real process)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd), redirect_stdout(out), redirect_stderr(err):
        status = main(list(arguments))
    return SimpleNamespace(returncode=status, stdout=out.getvalue(), stderr=err.getvalue())


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdef", "bcdefg", strict=False))

MISTAKES = {
    "syntax": ("metadata: [unclosed\n", "bad.yaml:2:1: YAML syntax error"),
    "unknown_key": ("extends: baseline.yaml\nalliance:\n  governence: coalitions\n",
                    "bad.yaml:3:3: alliance.governence: unknown key 'governence'; "
                    "did you mean 'governance'?"),
    "wrong_type": ("extends: baseline.yaml\nsimulation:\n  steps: many\n",
                   "bad.yaml:3:10: simulation.steps: Input should be a valid integer"),
    "out_of_range": ("extends: baseline.yaml\nalliance:\n  formation:\n"
                     "    pooling_discount: 0.9\n",
                     "bad.yaml:4:23: alliance.formation.pooling_discount: Input should be "
                     "less than or equal to 0.6 (got 0.9)"),
    "missing_required": ("extends: baseline.yaml\ninjects:\n  - {target: threat}\n",
                         "bad.yaml:3:5: injects.0.step: missing required field"),
    "misspelled_required_key": ("extends: baseline.yaml\ninjects:\n"
                                "  - {stepp: 3, target: threat, value: 0.1}\n",
                                "bad.yaml:3:6: injects.0.stepp: unknown key 'stepp'; did "
                                "you mean 'step'?"),
    "duplicate_key": ("simulation:\n  steps: 40\n  steps: 41\n",
                      "bad.yaml:3:3: simulation.steps: duplicate key 'steps'"),
    "unknown_nation_in_inject": (
        "extends: baseline.yaml\ninjects:\n"
        "  - {step: 3, target: election, nations: [XXX], value: 0.1}\n",
        "bad.yaml:3:43: injects.0.nations.0: unknown nation code 'XXX'"),
    "unknown_nation_in_coalition": (
        "extends: baseline.yaml\nalliance:\n  coalitions:\n"
        "    - {name: C, area: armour, members: [DEU, ZZZ]}\n",
        "bad.yaml:4:46: alliance.coalitions.0.members.1: unknown nation code 'ZZZ'"),
    "extends_cycle": ("extends: other.yaml\n", "other.yaml:1:10: extends: extends cycle"),
    "missing_file": ("extends: nowhere.yaml\n",
                     "bad.yaml:1:10: extends: nowhere.yaml: file not found"),
    "missing_table": ("nations:\n  from_csv: [data/none.csv]\n",
                      "bad.yaml:2:14: nations.from_csv.0:"),
    "alias_bomb": (BOMB, "refusing a possible alias bomb"),
    "non_utf8": (b"metadata:\n  name: caf\xe9\n", "bad.yaml:2:12: not UTF-8 text"),
    "lone_surrogate_escape": ('extends: baseline.yaml\nmetadata:\n  name: "\\ud800"\n',
                              "bad.yaml:3:9: metadata.name: \\ud800 is a lone surrogate"),
    "control_character": ("extends: baseline.yaml\nmetadata:\n  name: a\x00b\n",
                          "bad.yaml:3:10: control character U+0000 is not allowed"),
    "empty": ("", "bad.yaml:1:1: the file is empty"),
    "escapes_folder": ("extends: ../elsewhere.yaml\n",
                       "bad.yaml:1:10: extends: ../elsewhere.yaml is outside"),
    "deep_nesting": ("a: " + "[" * 200 + "]" * 200 + "\n", "nested deeper than"),
    "oversized": ("metadata:\n  description: " + "x" * 1_100_000 + "\n",
                  "scenario files are limited to 1,000,000"),
    "table_escapes_folder": ("nations:\n  from_csv: [../elsewhere.csv]\n",
                             "bad.yaml:2:14: nations.from_csv.0: ../elsewhere.csv is "
                             "outside"),
    "table_column_twice": ("extends: baseline.yaml\nnations:\n  from_csv: [data/twice.csv]\n",
                           "twice.csv:1:17: column 'gdp_usd_bn' appears twice (first as "
                           "column 2)"),
    "table_column_misspelt": ("extends: baseline.yaml\nnations:\n  from_csv:\n"
                              "    - data/nato_defence_expenditure_2024.csv\n"
                              "    - data/misspelt.csv\n",
                              "misspelt.csv:1:6: nations.members.ALB.threat_exposur: unknown "
                              "key 'threat_exposur'; did you mean 'threat_exposure'? (the "
                              "same in 31 more nations of this file: BEL, BGR, CAN, HRV, "
                              "CZE, DNK, ...)"),
    "table_without_a_required_column": (
        "extends: baseline.yaml\nnations:\n  from_csv: [data/nation_attributes.csv]\n",
        "nation_attributes.csv:2:1: nations.members.ALB.gdp_usd_bn: missing required field "
        "(the same in 31 more nations of this file: BEL, BGR, CAN, HRV, CZE, DNK, ...)"),
    "error_in_extended_file": ("extends: parent.yaml\n",
                               "parent.yaml:3:28: alliance.formation.min_members: Input "
                               "should be greater than or equal to 2"),
}


def prepare(folder: Path, kind: str) -> Path:
    content, _ = MISTAKES[kind]
    if kind == "extends_cycle":
        write(folder, "other.yaml", "extends: bad.yaml\n")
    if kind == "escapes_folder":
        write(folder.parent, "elsewhere.yaml", "metadata: {name: x}\n")
    if kind == "table_escapes_folder":
        write(folder.parent, "elsewhere.csv", "code,gdp_usd_bn,defence_pct_gdp\nAAA,1,2\n")
    if kind == "table_column_misspelt":  # one typo in the header, not one line per row
        attributes = (folder / "data" / "nation_attributes.csv").read_text()
        write(folder, "data/misspelt.csv", attributes.replace("threat_exposure",
                                                              "threat_exposur", 1))
    if kind == "table_column_twice":  # which of the two cells counts? neither
        write(folder, "data/twice.csv", "code,gdp_usd_bn,gdp_usd_bn\nPOL,900,90\n")
    if kind == "error_in_extended_file":
        write(folder, "parent.yaml",
              "extends: baseline.yaml\nalliance:\n  formation: {min_members: 1}\n")
    return write(folder, "bad.yaml", content)


@pytest.mark.parametrize("command", ["validate", "run"])
@pytest.mark.parametrize("kind", sorted(MISTAKES))
def test_each_mistake_is_one_clear_line_and_exit_2(folder, kind, command):
    path = prepare(folder, kind)
    out = folder / "out"
    arguments = [command, path.name] + (["--out", str(out)] if command == "run" else [])
    result = cli(*arguments, cwd=folder)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert MISTAKES[kind][1] in lines[0], lines[0]
    assert "Traceback" not in result.stderr
    assert not out.exists() and not (folder / "results").exists()


def test_several_problems_are_each_reported_on_their_line(folder):
    write(folder, "bad.yaml", "extends: baseline.yaml\nalliance:\n  governence: x\n"
          "  formation: {min_members: 0}\nsimulation: {steps: -1}\n")
    result = cli("validate", "bad.yaml", cwd=folder)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 3
    assert [line.split(":")[1] for line in lines] == ["3", "4", "5"]


def test_every_shipped_scenario_validates_and_runs_a_short_horizon(tmp_path):
    files = sorted(SCENARIOS.glob("*.yaml"))
    assert len(files) >= 10
    result = cli("validate", *map(str, files), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    for path in files:  # in this process, one worker: start-up would cost more than runs
        out = tmp_path / path.stem
        assert main(["run", str(path), "--set", "simulation.steps=6", "--replications", "2",
                     "--workers", "1", "--out", str(out), "--quiet"]) == 0, path
        assert (out / "manifest.json").is_file()


def test_shipped_scenarios_name_the_debate_and_the_json_schema():
    for path in SCENARIOS.glob("*.yaml"):
        lines = path.read_text().splitlines()
        assert lines[0] == "# yaml-language-server: $schema=scenario.schema.json", path
        assert lines[1].startswith("# Debate:"), path


def test_extends_merges_sections_and_nations_by_code(folder):
    write(folder, "child.yaml", "extends: baseline.yaml\nalliance:\n  formation:\n"
          "    min_members: 4\nnations:\n  members:\n    - {code: deu, gdp_usd_bn: 5000}\n"
          "    - {code: UKR, gdp_usd_bn: 180, defence_pct_gdp: 26}\n")
    scenario = load_scenario(folder / "child.yaml")
    codes = scenario.nation_codes
    assert len(codes) == 33 and codes[-1] == "UKR"
    germany = scenario.nations.members[codes.index("DEU")]
    assert germany.gdp_usd_bn == 5000 and germany.defence_pct_gdp == 2.12  # rest kept
    assert scenario.alliance.formation.min_members == 4
    assert scenario.alliance.formation.max_coalition_size == 6  # default kept
    assert scenario.metadata.name == "baseline"  # inherited


def test_set_overrides_are_typed_and_nations_addressed_by_code(folder):
    scenario = load_scenario(folder / "baseline.yaml", {
        "simulation.steps": 12, "alliance.governance": "coalitions",
        "nations.members.POL.threat_exposure": 0.5})
    assert scenario.simulation.steps == 12
    assert scenario.alliance.governance.value == "coalitions"
    assert scenario.nations.members[scenario.nation_codes.index("POL")].threat_exposure == 0.5
    with pytest.raises(ScenarioError, match=r"<command line>: nations\.members\.XXX\.gdp"):
        load_scenario(folder / "baseline.yaml", {"nations.members.XXX.gdp_usd_bn": 1})


def test_set_on_the_command_line_reports_the_command_line(folder):
    result = cli("validate", "baseline.yaml", "--set", "alliance.governence=x", cwd=folder)
    assert result.returncode == 2
    assert result.stderr.strip() == ("<command line>: alliance.governence: unknown key "
                                     "'governence'; did you mean 'governance'?")


def test_a_set_giving_a_nation_the_code_of_another_points_at_the_command_line(folder):
    result = cli("validate", "baseline.yaml", "--set", "nations.members.POL.code=DEU",
                 cwd=folder)
    assert result.returncode == 2
    assert result.stderr.strip() == ("<command line>: nations.members.DEU.code: duplicate "
                                     "nation code 'DEU': nation 10 of the list has it too")


def test_tables_named_on_the_command_line_may_live_outside_the_folder(folder, tmp_path):
    table = tmp_path / "elsewhere.csv"
    table.write_text("code,gdp_usd_bn,defence_pct_gdp\nAAA,100,2\nBBB,50,1\n")
    scenario = load_scenario(folder / "baseline.yaml",
                             {"nations.from_csv": [str(table)]})
    assert scenario.nation_codes == ["AAA", "BBB"]


def test_nation_table_errors_point_at_the_csv_cell(folder):
    write(folder, "data/broken.csv", "code,gdp_usd_bn,defence_pct_gdp\nAAA,100,2\nBBB,-5,1\n")
    write(folder, "bad.yaml", "nations:\n  from_csv: [data/broken.csv]\n")
    with pytest.raises(ScenarioError) as raised:
        load_scenario(folder / "bad.yaml")
    assert str(raised.value).startswith(
        f"{(folder / 'data/broken.csv')}:3:5: nations.members.BBB.gdp_usd_bn") or \
        ":3:5: nations.members.BBB.gdp_usd_bn" in str(raised.value)


def test_json_schema_is_current_and_describes_extends():
    shipped = (SCENARIOS / "scenario.schema.json").read_text()
    assert shipped == json_schema_text(), "regenerate: python3 run.py schema > " \
        "scenarios/scenario.schema.json"
    schema = json.loads(shipped)
    assert "extends" in schema["properties"] and "alliance" in schema["properties"]


def test_field_reference_is_current():
    shipped = (ROOT / "docs" / "SCENARIOS.md").read_text()
    assert shipped == markdown_reference(), "regenerate: python3 run.py schema --markdown " \
        "> docs/SCENARIOS.md"


def test_the_schema_declares_each_parameter_once_with_its_range():
    item = parameter("alliance.formation.pooling_discount")
    assert (item.default, item.minimum, item.maximum) == (0.2, 0, 0.6)
    assert "30 %" in item.source
    assert parameter("alliance.areas.2.lead_time").unit == "quarters"


def test_a_partly_written_section_keeps_the_other_defaults(folder):
    write(folder, "partial.yaml", "extends: baseline.yaml\nalliance:\n  pathways:\n"
          "    hubs: {enabled: false}\ndrivers:\n  threat: {points: {0: 0.5, 8: 0.9}}\n")
    scenario = load_scenario(folder / "partial.yaml", {"alliance.areas.0.lead_time": 8})
    hubs = scenario.alliance.pathways.hubs
    assert (hubs.enabled, hubs.attractiveness, hubs.decision_delay) == (False, -2.4, 4)
    assert scenario.drivers.threat.noise_sd == 0.03  # the default noise stays
    assert scenario.drivers.threat.points == {0: 0.5, 8: 0.9}  # keyframes replaced whole
    assert scenario.alliance.areas[0].lead_time == 8
    assert scenario.alliance.areas[1].lead_time == 4


def test_model_parameter_tables_are_current():
    """docs/MODEL.md's parameter tables are generated from the schema
    (`python3 run.py schema --model-doc docs/MODEL.md`): a stale one fails here."""
    from sim.schema.reference import update_parameter_tables

    document = (ROOT / "docs" / "MODEL.md").read_text(encoding="utf-8")
    assert update_parameter_tables(document) == document


@pytest.mark.parametrize(("arguments", "expected"), [
    (["validate", "experiments/governance_and_trust.yaml"], "not a scenario file"),
    (["run", "experiments/governance_and_trust.yaml"], "not a scenario file"),
    (["run", "policies/poland_commits.yaml"], "not a scenario file"),
    (["sweep", "baseline.yaml"], "not an experiment file"),
    (["sensitivity", "baseline.yaml", "--method", "sobol"], "not an experiment file"),
    (["run", "baseline.yaml", "--policy", "POL=baseline.yaml"],
     "not a policy file or a play log"),
    (["play", "--replay", "experiments/governance_and_trust.yaml"], "not a play log"),
])
def test_a_file_of_another_kind_is_one_line_saying_what_was_expected(folder, arguments,
                                                                      expected):
    """One mistake - the wrong file - is one line, not one per key of the file."""
    out = ["--out", str(folder / "out")] if arguments[0] in ("run", "sweep", "sensitivity") \
        else []
    result = cli(*arguments, *out, cwd=folder)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f": {expected}: expected its keys among " in lines[0], lines
    assert not (folder / "out").exists() and not (folder / "results").exists()
