"""What `validate` accepts, `run` can run: true/false where a number belongs, NaN and
infinity, empty or duplicated nation tables, levels outside their range are refused at
their file, line and field; an inject or scripted decision after the horizon is a
warning. And reading stays quick and exact: large tables load in time proportional to
their size, a broken CSV quote or a pipe is named as such."""

from __future__ import annotations

import cProfile
import os
import pstats
import shutil
from pathlib import Path

import pytest

from sim.cli import main
from sim.loader import load_scenario
from tests.conftest import SCENARIOS


@pytest.fixture
def folder(tmp_path: Path, monkeypatch) -> Path:
    """A private copy of the shipped scenarios, so files may extend the baseline; the
    working folder, so messages name files as given."""
    target = tmp_path / "scenarios"
    shutil.copytree(SCENARIOS, target, ignore=shutil.ignore_patterns("experiments"))
    monkeypatch.chdir(target)
    return target


def validate(folder: Path, capsys, text: str, *extra: str,
             table: str | None = None) -> tuple[int, list[str]]:
    (folder / "bad.yaml").write_text(text)
    if table is not None:
        (folder / "data" / "table.csv").write_text(table)
    status = main(["validate", "bad.yaml", "--quiet", *extra])
    return status, capsys.readouterr().err.strip().splitlines()


TABLE_HEADER = "code,gdp_usd_bn,defence_pct_gdp\n"
REFUSED = {
    "steps: yes": ("extends: baseline.yaml\nsimulation:\n  steps: yes\n", (), None,
                   "bad.yaml:3:10: simulation.steps: expected a number, not true/false"),
    "gdp_usd_bn: on": ("extends: baseline.yaml\nnations:\n  members:\n"
                       "    - {code: XXA, gdp_usd_bn: on, defence_pct_gdp: 1}\n", (), None,
                       "bad.yaml:4:31: nations.members.XXA.gdp_usd_bn: expected a number"),
    "--set steps=true": ("extends: baseline.yaml\n", ("--set", "simulation.steps=true"),
                         None, "<command line>: simulation.steps: expected a number"),
    "keyframe true": ("extends: baseline.yaml\ndrivers:\n  threat: {points: {0: true}}\n",
                      (), None, "drivers.threat.points.0: expected a number"),
    "NaN keyframe": ("extends: baseline.yaml\ndrivers:\n  threat: {points: {0: .nan}}\n",
                     (), None, "bad.yaml:3:24: drivers.threat.points.0: Input should be a "
                     "finite number"),
    "infinite industrial weight": (
        "extends: baseline.yaml\nnations:\n  members:\n"
        "    - {code: DEU, industrial_weight: .inf}\n", (), None,
        "bad.yaml:4:38: nations.members.DEU.industrial_weight: Input should be a finite"),
    "table with no rows": ("extends: baseline.yaml\nnations:\n  from_csv: [data/table.csv]\n",
                           (), TABLE_HEADER, "data/table.csv:1:1: the table has a header but "
                           "no rows"),
    "duplicate code in a table": (
        "extends: baseline.yaml\nnations:\n  from_csv: [data/table.csv]\n", (),
        TABLE_HEADER + "AAA,10,2\nBBB,20,2\naaa,30,3\n",
        "data/table.csv:4:1: nations.members.AAA: duplicate nation code 'AAA' (first at "
        "data/table.csv:2:1)"),
    "duplicate code in a list": (
        "extends: baseline.yaml\nnations:\n  members:\n    - {code: POL, gdp_usd_bn: 800}\n"
        "    - {code: POL, gdp_usd_bn: 900}\n", (), None,
        "bad.yaml:5:14: nations.members.POL: duplicate nation code 'POL' (first at "
        "bad.yaml:4:14)"),
    "us_commitment set to 1.4": (
        "extends: baseline.yaml\ninjects:\n  - {step: 4, target: us_commitment, value: 1.4}\n",
        (), None, "bad.yaml:3:45: injects.0.value: us_commitment lives in [0, 1]; setting it "
        "to 1.4 would run as 1"),
    "threat set to -3": (
        "extends: baseline.yaml\ninjects:\n  - {step: 4, target: threat, value: -3}\n", (),
        None, "injects.0.value: threat lives in [0, 1]; setting it to -3 would run as 0"),
    "threat keyframe of 5": (
        "extends: baseline.yaml\ndrivers:\n  threat: {points: {0: 0.5, 8: 5}}\n", (), None,
        "bad.yaml:3:32: drivers.threat.points.8: threat lives in [0, 1]; 5 would run as 1"),
    "negative factor on attacks": (
        "extends: baseline.yaml\ninjects:\n"
        "  - {step: 4, target: hybrid_attack_rate, mode: scale, value: -2}\n", (), None,
        "injects.0.value: hybrid_attack_rate cannot be negative"),
    "no nations at all": ("nations:\n  members: []\n", (), None,
                          "bad.yaml:2:12: nations.members: no nations"),
    "unicode digit in --set": ("extends: baseline.yaml\n",
                               ("--set", "nations.members.\u00b2.gdp_usd_bn=5"), None,
                               "<command line>: nations.members.\u00b2.gdp_usd_bn: no item "
                               "with code"),
    "unterminated CSV quote": (
        "extends: baseline.yaml\nnations:\n  from_csv: [data/table.csv]\n", (),
        TABLE_HEADER + 'AAA,"10,2\nBBB,20,2\n',
        "data/table.csv:2:1: a quote opened on this line is not closed on it"),
    "a key the command line creates": ("extends: baseline.yaml\n",
                                       ("--set", "alliance.x.y=1"), None,
                                       "<command line>: alliance.x: unknown key 'x'"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_validate_refuses_what_run_cannot_run_in_one_line(folder, capsys, case):
    text, extra, table, expected = REFUSED[case]
    status, lines = validate(folder, capsys, text, *extra, table=table)
    assert status == 2 and len(lines) == 1, lines
    assert expected in lines[0], lines[0]
    assert "Traceback" not in lines[0] and "<scenario>" not in lines[0]


def test_an_inject_after_the_horizon_is_a_warning_not_an_error(folder, capsys):
    status, lines = validate(folder, capsys, "extends: baseline.yaml\ninjects:\n"
                             "  - {step: 41, target: threat, value: 0.9}\n")
    assert status == 0
    assert lines == ["warning: bad.yaml:3:12: injects.0.step: quarter 41 is after the "
                     "horizon (40 quarters); the inject has no effect"]
    status, lines = validate(folder, capsys, "extends: baseline.yaml\ninjects:\n"
                             "  - {step: 40, target: threat, value: 0.9}\n")
    assert status == 0 and lines == []


def test_scripted_decisions_after_the_horizon_are_one_warning_per_nation(folder, capsys):
    scripted = ("extends: baseline.yaml\nnations:\n  members:\n    - code: POL\n"
                "      policy:\n        kind: scripted\n        decisions:\n"
                "          - {step: 40, defence_pct_gdp: 3.0}\n"
                "          - {step: 41, defence_pct_gdp: 3.5}\n"
                "          - {step: 45, defence_pct_gdp: 4.0}\n")
    status, lines = validate(folder, capsys, scripted)
    assert status == 0
    assert lines == ["warning: bad.yaml:9:20: nations.members.POL.policy.decisions.1.step: 2 "
                     "scripted decision(s) from quarter 41 are after the horizon (40 "
                     "quarters); they have no effect"]
    status, lines = validate(folder, capsys, scripted.replace(
        "          - {step: 41, defence_pct_gdp: 3.5}\n"
        "          - {step: 45, defence_pct_gdp: 4.0}\n", ""))
    assert status == 0 and lines == []


def test_a_pipe_is_named_as_such_and_never_read(folder, capsys):
    os.mkfifo(folder / "pipe.yaml")  # reading it would wait for ever
    assert main(["validate", "pipe.yaml"]) == 2
    assert "is not a regular file" in capsys.readouterr().err


def calls_to_load(folder: Path, rows: int) -> int:
    """Function calls made loading a scenario with a nations table of ``rows`` rows: a
    measure of work that, unlike time, does not depend on the machine."""
    table = TABLE_HEADER + "".join(f"N{i:04d},{100 + i},2\n" for i in range(rows))
    (folder / "data" / "big.csv").write_text(table)
    (folder / "big.yaml").write_text("nations:\n  from_csv: [data/big.csv]\n")
    profile = cProfile.Profile()
    profile.runcall(load_scenario, folder / "big.yaml")
    return pstats.Stats(profile).total_calls


def test_nation_tables_load_in_time_proportional_to_their_size(folder):
    small, large = calls_to_load(folder, 500), calls_to_load(folder, 2000)
    assert large < 5 * small  # four times the rows: about four times the work, not 16
