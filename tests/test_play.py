"""Playing a nation without the browser: a game is a scripted policy that grows a quarter
at a time, its log replays it to identical tables, a played or hand-written strategy runs
across replications on common random numbers, and a bad log or policy file is one line
naming its file, line and field."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.cli import build_parser, main
from sim.enums import VentureKind
from sim.loader import load_scenario
from sim.model import AllianceModel
from sim.play.explorer import MAIN_PARAMETERS, Explorer, sliders
from sim.play.game import Game, controls, whole_percents
from sim.play.log import read_log, replay
from sim.policies import Decisions
from sim.policies.scripted import SCALAR_DECISIONS
from sim.results.tables import result_tables
from sim.schema.policy import DecisionFields
from tests.conftest import ROOT, SCENARIOS

BASELINE = SCENARIOS / "baseline.yaml"


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str


def cli(*arguments: str, cwd: Path = ROOT) -> Outcome:
    """The command line, run in this process (from folder ``cwd``)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stdout(out), \
            contextlib.redirect_stderr(err):
        code = main(list(arguments))
    return Outcome(code, out.getvalue(), err.getvalue())


def play(baseline, folder: Path, quarters: int = 4) -> Game:
    """Poland played for ``quarters``: 5.5 % of GDP, 40 % pooled in air defence, and a
    coalition proposed to the Baltic states in quarter 1."""
    game = Game.start(baseline, str(BASELINE), "POL", 11, quarters=8, plays=folder)
    game.set_number("defence_pct_gdp", 5.5)
    game.set_share("air_missile_defence", "pooled", 40)
    game.propose("armour", ["EST", "LVA", "LTU"], "Baltic armour")
    for _ in range(quarters):
        game.end_quarter()
    return game


def test_a_played_game_replays_from_its_log_to_identical_tables(baseline, tmp_path):
    game = play(baseline, tmp_path)
    assert game.quarter == 4 and game.log_path.is_file()
    log, model = replay(game.log_path)
    assert log.nation == "POL" and log.quarters_played == 4
    played, replayed = game.tables(), result_tables(model)
    for name, table in played.items():
        pd.testing.assert_frame_equal(table, replayed[name], check_exact=True)
    # The saved tables are the game's own.
    pd.testing.assert_frame_equal(pd.read_parquet(game.folder / "timeseries.parquet"),
                                  played["timeseries"])
    # The coalition was proposed to the partners named, led by the player.
    programmes = played["programmes"]
    baltic = programmes[programmes["name"] == "Baltic armour"]
    assert len(baltic) == 1 and baltic["lead"].iloc[0] == "POL"
    assert set(baltic["members"].iloc[0].split()) == {"POL", "EST", "LVA", "LTU"}


def test_the_players_decisions_are_the_ones_the_model_plays(baseline, tmp_path):
    game = play(baseline, tmp_path, quarters=3)
    pol = game.index
    choices = game.model.state.choices
    assert choices.desired_share[pol] == 5.5
    assert choices.allocation[pol, 0, 2] == pytest.approx(0.40)
    assert abs(choices.allocation[pol].sum(axis=-1) - 1).max() < 1e-9
    assert game.model.state.ventures.member_of[VentureKind.PROGRAMME][pol, 0] >= 0
    # Spending moves toward 5.5 % (from about 4.1 %), quarter by quarter.
    shares = [row[pol, 1] for row in game.model.nation_rows]
    assert shares[0] < shares[1] < shares[2] < shares[3] < 5.5


def test_the_staffs_advice_is_offered_as_finely_as_each_control_steps(baseline, tmp_path):
    game = Game.start(baseline, str(BASELINE), "POL", 3, 8, plays=tmp_path)
    advice, row = game.advice(), game.index
    for control in controls():
        advised = float(getattr(advice, SCALAR_DECISIONS[control.name])[row])
        assert game.pending[control.name] == pytest.approx(advised, abs=control.step / 2)
    # The allies' usual exercise share (0.005 of defence spending), not rounded to 0.
    assert game.pending["exercise_share"] == baseline.alliance.exercises.share_of_spending


def test_undo_takes_back_this_turns_changes_one_at_a_time(baseline, tmp_path):
    game = Game.start(baseline, str(BASELINE), "POL", 3, 8, plays=tmp_path)
    start = yaml.safe_dump(game.pending)
    game.set_share("naval", "hubs", 70)
    game.set_number("defence_pct_gdp", 6.0)
    assert game.pending["defence_pct_gdp"] == 6.0
    assert sum(game.pending["allocation"]["naval"].values()) == 100
    assert game.undo() and game.pending["defence_pct_gdp"] != 6.0
    assert game.undo() and yaml.safe_dump(game.pending) == start
    assert not game.undo()


def test_games_started_in_the_same_second_are_saved_apart(baseline, tmp_path,
                                                          monkeypatch):
    """Two players of one server (or two servers) start the same scenario, nation and
    seed within a second: same game id. Each game keeps its own folder and log."""
    monkeypatch.setattr("sim.play.game.play_id", lambda *_: "20261130T120000Z-baseline-POL")
    first = Game.start(baseline, str(BASELINE), "POL", 3, 8, plays=tmp_path)
    second = Game.start(baseline, str(BASELINE), "POL", 3, 8, plays=tmp_path)
    first.set_number("defence_pct_gdp", 5.5)
    second.set_number("defence_pct_gdp", 2.5)
    for _ in range(2):
        first.end_quarter()
        second.end_quarter()
    assert first.log_path != second.log_path
    assert Game.resume(first.log_path).pending["defence_pct_gdp"] == 5.5
    assert Game.resume(second.log_path).pending["defence_pct_gdp"] == 2.5
    resumed = Game.resume(first.log_path)
    resumed.end_quarter()  # a resumed game goes on saving into its own folder
    assert resumed.log_path == first.log_path and resumed.quarter == 3


def test_a_quarter_the_disk_refuses_to_save_stays_played_and_the_next_save_catches_up(
        baseline, tmp_path):
    """Disk full or the folder made read-only mid-game: the quarter is played and kept in
    memory with the reason, and the next save writes the whole game."""
    game = play(baseline, tmp_path, quarters=1)
    folder = game.folder
    shutil.rmtree(folder)
    folder.write_text("")  # nothing can be written there (chmod would not stop root)
    game.end_quarter()
    assert game.quarter == 2 and game.unsaved == f"{folder}: File exists"
    assert game.save() is None and game.unsaved
    folder.unlink()  # room again
    game.end_quarter()
    assert game.unsaved == "" and game.log_path.parent == folder
    log, model = replay(game.log_path)
    assert log.quarters_played == 3
    pd.testing.assert_frame_equal(result_tables(model)["nations"], game.tables()["nations"])


def test_ending_a_game_the_disk_refuses_to_save_says_so(baseline, tmp_path):
    """The page's line after End game now must not claim a save that failed."""
    from sim.play import app
    game = play(baseline, tmp_path, quarters=1)
    shutil.rmtree(game.folder)
    game.folder.write_text("")
    app.end_game(game)
    assert game.quarters == 1 and game.unsaved
    assert app.notice.value.startswith("Game ended after quarter 1 but could not be saved")


def test_a_game_whose_plays_folder_cannot_be_made_is_kept_until_it_can(baseline, tmp_path):
    plays = tmp_path / "plays"
    plays.write_text("")
    game = Game.start(baseline, str(BASELINE), "POL", 3, 8, plays=plays)
    game.end_quarter()
    assert game.quarter == 1 and str(plays) in game.unsaved and not game.claimed
    plays.unlink()
    assert game.save() == game.log_path and game.log_path.is_file()


def test_a_control_given_what_is_not_a_number_keeps_its_value_and_the_quarter_plays(
        baseline, tmp_path):
    game = Game.start(baseline, str(BASELINE), "POL", 11, quarters=2, plays=tmp_path)
    before = game.pending["resilience_pct_gdp"]
    for typed in ("nan", "abc", ""):
        with pytest.raises(ValueError, match="resilience pct gdp must be a number from 0 "
                           "to 3 % of GDP; it stays"):
            game.set_number("resilience_pct_gdp", typed)
    assert game.pending["resilience_pct_gdp"] == before and not game.undo_stack
    game.set_number("resilience_pct_gdp", " 9 ")  # a number beyond the range: held in it
    assert game.pending["resilience_pct_gdp"] == 3.0
    game.end_quarter()
    assert game.quarter == 1


def test_a_saved_game_resumes_where_it_stopped(baseline, tmp_path):
    game = play(baseline, tmp_path, quarters=2)
    resumed = Game.resume(game.log_path)
    assert resumed.quarter == 2 and resumed.pending["defence_pct_gdp"] == 5.5
    resumed.end_quarter()
    game.end_quarter()
    pd.testing.assert_frame_equal(resumed.tables()["nations"], game.tables()["nations"])


def test_a_game_ended_early_is_saved_ended_and_resumes_at_its_debrief(baseline, tmp_path):
    game = play(baseline, tmp_path, quarters=2)  # a game of 8 quarters
    path = game.end_now()
    assert read_log(path).quarters == 2
    resumed = Game.resume(path)
    assert resumed.over and resumed.quarter == 2
    with pytest.raises(RuntimeError, match="the game is over"):
        resumed.end_quarter()
    unplayed = Game.start(baseline, str(BASELINE), "POL", 11, quarters=8, plays=tmp_path)
    with pytest.raises(RuntimeError, match="no quarter has been played"):
        unplayed.end_now()


def test_the_debrief_compares_with_the_default_policy_on_the_same_seed(baseline, tmp_path):
    game = play(baseline, tmp_path, quarters=4)
    kpis, nation = game.debrief()
    assert (kpis.columns == ["kpi", "your game", "default policy, same seed",
                             "your game - default"]).all()
    spending = nation.set_index("figure").loc["defence spending (% of GDP)"]
    assert spending["your nation"] > spending["default policy, same seed"]
    assert spending["rank among allies"] == 1


def test_the_debrief_says_in_words_what_a_short_game_has_not_reached(baseline, tmp_path):
    """After two quarters no milestone has fallen due and no programme has delivered: the
    debrief says so, as the dashboards do, in the units and labels of sim/outputs.py."""
    game = play(baseline, tmp_path, quarters=2)
    kpis = game.debrief()[0].set_index("kpi")
    assert "nan" not in kpis.to_string().lower()
    milestones = kpis.loc["Milestones on time (%)"]
    assert milestones["your game"] == "undefined (nothing due by 2025 Q2)"
    assert milestones["your game - default"] == "undefined"
    delivery = kpis.loc["Time to first joint delivery (quarters)"]
    assert delivery["default policy, same seed"] == "not reached by 2025 Q2"
    assert kpis.loc["Final readiness (%)", "your game"].endswith(" %")


def test_every_decision_declared_in_the_schema_is_offered_and_played():
    """A number decision added to DecisionFields must be named in SCALAR_DECISIONS (the
    field of Decisions it sets) and declare its control's range, or it would be logged
    but never played."""
    numbers = [name for name, info in DecisionFields.model_fields.items()
               if name != "allocation"]
    assert sorted(numbers) == sorted(SCALAR_DECISIONS)
    assert sorted(control.name for control in controls()) == sorted(numbers)
    assert all(target in Decisions.__dataclass_fields__
               for target in SCALAR_DECISIONS.values())


@pytest.mark.parametrize("shares", [[0.281, 0.359, 0.11, 0.25], [1 / 3] * 3, [1.0, 0, 0]])
def test_splits_are_shown_in_whole_percents_summing_to_100(shares):
    percents = whole_percents(np.array(shares))
    assert sum(percents) == 100 and all(p >= 0 for p in percents)


def test_a_rule_decides_while_its_condition_holds(baseline):
    data = baseline.model_dump(mode="python")
    for nation in data["nations"]["members"]:
        if nation["code"] == "POL":
            nation["policy"] = {"kind": "scripted", "rules": [
                {"when": {"threat": {"above": 0.0}}, "defence_pct_gdp": 6.5},
                {"when": {"threat": {"above": 2.0}}, "defence_pct_gdp": 1.0}]}
    scenario = type(baseline).model_validate(data)
    model = AllianceModel(scenario, rng=1, **{"simulation.steps": 3})
    pol = scenario.nation_codes.index("POL")
    for _ in range(3):
        model.step()
        assert model.state.choices.desired_share[pol] == 6.5  # the second never holds


def test_the_play_server_binds_to_loopback_by_default():
    args = build_parser().parse_args(["play", str(BASELINE), "--nation", "POL"])
    assert args.host == "127.0.0.1"


def test_a_plays_folder_that_is_a_file_is_refused_before_the_server_starts(tmp_path):
    """Games are saved after every quarter: a --plays that cannot hold them would fail the
    first save, with the game under way."""
    from sim.cli.errors import UsageError
    from sim.cli.play_command import app_config
    taken = tmp_path / "notes.txt"
    taken.write_text("mine")
    for plays in (taken, taken / "games"):
        args = build_parser().parse_args(["play", str(BASELINE), "--nation", "POL",
                                          "--plays", str(plays)])
        with pytest.raises(UsageError, match=f"--plays {plays}: {taken} is not a folder"):
            app_config(args)
    assert taken.read_text() == "mine"


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_a_played_strategy_changes_the_nations_outcomes_reproducibly_and_compare_pairs_it(
        baseline, tmp_path):
    game = play(baseline, tmp_path / "plays", quarters=4)
    short = ["--replications", "4", "--set", "simulation.steps=12", "--workers", "1",
             "--quiet"]
    runs = []
    for name in ("a", "b"):
        result = cli("run", str(BASELINE), "--policy", f"POL={game.log_path}", *short,
                     "--out", str(tmp_path / name))
        assert result.returncode == 0, result.stderr
        runs.append(pd.read_parquet(tmp_path / name / "nations.parquet"))
    pd.testing.assert_frame_equal(runs[0], runs[1])  # exactly reproducible
    default = cli("run", str(BASELINE), *short, "--out", str(tmp_path / "default"))
    assert default.returncode == 0, default.stderr
    theirs = pd.read_parquet(tmp_path / "default" / "nations.parquet")
    at_end = (runs[0]["step"] == 12) & (runs[0]["code"] == "POL")
    assert (runs[0].loc[at_end, "defence_pct_gdp"].to_numpy()
            > theirs.loc[at_end, "defence_pct_gdp"].to_numpy() + 0.5).all()
    compared = cli("compare", str(BASELINE), "--policy", f"POL={game.log_path}", *short,
                   "--out", str(tmp_path / "compare"))
    assert compared.returncode == 0, compared.stderr
    table = pd.read_csv(tmp_path / "compare" / "comparison.csv").set_index("kpi")
    row = table.loc["final_mean_defence_pct_gdp"]
    assert row["scenario"] == "baseline-POL-policy" and row["reference"] == "baseline"
    assert row["ci_low"] > 0 and row["ci_low"] <= row["mean_difference"] <= row["ci_high"]


POLICY = """kind: scripted
decisions:
  - step: 1
    defence_pct_gdp: 4.5
    allocation:
      naval: {national: 0.6, pooled: 0.4}
"""


@pytest.mark.parametrize(("text", "message"), [
    (POLICY.replace("0.6", "0.5"),
     "policy.yaml:6:14: decisions.0.allocation.naval: the shares must sum to 1 (they sum to "
     "0.9) (got {'national': 0.5, 'pooled': 0.4})"),
    (POLICY.replace("naval", "navy"),
     "policy.yaml:6:13: nations.members.POL.policy.decisions.0.allocation.navy: unknown "
     "capability area 'navy' (or 'all')"),
    (POLICY.replace("step: 1", "step: first"),
     "policy.yaml:3:11: decisions.0.step: Input should be a valid integer, unable to parse "
     "string as an integer (got 'first')"),
    (POLICY.replace("kind: scripted", "kind: scriptd"),
     "policy.yaml:1:7: kind: Input should be 'behavioural' or 'scripted' (got 'scriptd')"),
    ("kind: scripted\ndecisions:\n  - step: 2\n    propose: {area: naval, partners: [XXX]}\n",
     "policy.yaml:4:39: nations.members.POL.policy.decisions.0.propose.partners.0: 'XXX' is "
     "not another nation of the scenario"),
    (POLICY.replace("national", "nationl"),  # a typo in a split keyed by area name
     "policy.yaml:6:15: decisions.0.allocation.naval.nationl: unknown key 'nationl'; did "
     "you mean 'national'?"),
    ("kind: scripted\nrules:\n  - when: {threat: {abov: 0.7}}\n    defence_pct_gdp: 5\n",
     "policy.yaml:3:21: rules.0.when.threat.abov: unknown key 'abov'; did you mean "
     "'above'?"),
    ("kind: scripted\nrules:\n  - when: \"threat > 0.7\"\n    then:\n"
     "      defence_pct_gdp: 5.0\n",  # one mistake: a rule written as if/then
     "policy.yaml:3:11: rules.0.when: expected conditions as a mapping, e.g. when: "
     "{threat: {above: 0.7}}, not an expression (got 'threat > 0.7'); the decisions go "
     "beside when:, not under then:"),
])
def test_a_bad_policy_file_is_one_line_naming_file_line_and_field(tmp_path, text, message):
    policy = write(tmp_path / "policy.yaml", text)
    result = cli("run", str(BASELINE), "--policy", f"POL={policy}", "--out",
                 str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == message
    assert not (tmp_path / "out").exists()  # nothing written


def test_a_bad_play_log_is_one_line_naming_file_line_and_field(baseline, tmp_path):
    game = play(baseline, tmp_path / "plays", quarters=2)
    text = game.log_path.read_text()
    cases = {
        "seed: 11": ("seed: -1", ":7:7: seed: Input should be greater than or equal to 0"),
        "nation: POL": ("nation: XYZ", ":8:9: nation: "),
        f"scenario_hash: {game.log().scenario_hash}": (
            "scenario_hash: 0000", ":6:16: scenario_hash: "),
        "defence_pct_gdp: 5.5": ("defence_pct_gdp: 80", ": policy.decisions.0."
                                                        "defence_pct_gdp: Input should be "
                                                        "less than or equal to 50"),
    }
    for original, (mistake, expected) in cases.items():
        assert original in text
        log = write(tmp_path / "bad.yaml", text.replace(original, mistake, 1))
        result = cli("play", "--replay", str(log), "--out", str(tmp_path / "replayed"))
        assert result.returncode == 2, (mistake, result.stdout)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(str(log)) and expected in lines[0], \
            (mistake, lines)
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "replayed").exists()


def test_replay_on_the_command_line_writes_the_games_tables(baseline, tmp_path):
    game = play(baseline, tmp_path / "plays", quarters=3)
    result = cli("play", "--replay", str(game.log_path), "--out", str(tmp_path / "again"))
    assert result.returncode == 0, result.stderr
    for name, table in game.tables().items():
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "again" / f"{name}.parquet"),
                                      table)


def test_scenario_coalition_and_policy_files_share_one_loader(tmp_path):
    """--policy accepts a play log or a bare policy file alike."""
    policy = write(tmp_path / "policy.yaml", POLICY)
    scenario = load_scenario(BASELINE, policies={"POL": policy})
    pol = scenario.nations.members[scenario.nation_codes.index("POL")]
    assert pol.policy.kind == "scripted" and pol.policy.decisions[0].defence_pct_gdp == 4.5


def test_the_explorers_sliders_are_the_schemas_parameters_and_step_a_run(baseline):
    offered = sliders()
    assert [slider.path for slider in offered] == list(MAIN_PARAMETERS)
    numbers = [slider for slider in offered if slider.choices is None]
    assert all(slider.low < slider.high for slider in numbers)
    values = {slider.path: slider.high for slider in numbers}  # every slider at its top
    explorer = Explorer(baseline, 3, values)
    explorer.step()
    explorer.step()
    assert explorer.run().timeseries["step"].tolist() == [0, 1, 2]


def test_the_explorers_charts_show_the_live_run_on_dates_and_travel_as_plain_json(baseline):
    """The app sends figures to the browser as plain JSON (Solara's widgets), not through
    plotly's own encoder: dates must be text, and the charts must come from the run."""
    solara_app = pytest.importorskip("sim.play.app", reason="solara is not installed")
    explorer = Explorer(baseline, 3)
    for _ in range(3):
        explorer.step()
    panels = solara_app.explorer_panels(explorer.run())
    assert len(panels) == 5
    for panel in panels:
        json.dumps(panel.to_plotly_json())  # TypeError on a date object
    median = next(trace for trace in panels[0].data if trace.name == "this run"
                  and trace.fill is None)
    assert list(median.x) == ["2024-10-01", "2025-01-01", "2025-04-01", "2025-07-01"]


def test_the_play_pages_charts_run_on_calendar_dates(baseline, tmp_path):
    """Time on the play page's charts as on the dashboards: dates, a tick a year - not
    step numbers with ticks at half quarters."""
    solara_app = pytest.importorskip("sim.play.app", reason="solara is not installed")
    game = Game.start(baseline, str(BASELINE), "POL", 11, quarters=4, plays=tmp_path)
    game.end_quarter()
    game.end_quarter()
    for figure in solara_app.history_figures(game):
        json.dumps(figure.to_plotly_json())  # plain JSON for the widgets
        assert figure.layout.xaxis.type == "date" and figure.layout.xaxis.title.text == \
            "quarter"
        for trace in figure.data:
            assert list(trace.x) == ["2024-10-01", "2025-01-01", "2025-04-01"]
            assert list(trace.text) == ["2024 Q4", "2025 Q1", "2025 Q2"]


def test_the_cohesion_axis_has_ticks_of_its_own_and_the_dashboards_title(baseline, tmp_path):
    """Drawn over capability, cohesion's axis took its ticks from capability's gridlines
    (plotly's default for an overlaying axis): 0.679136, 0.67966, ..."""
    solara_app = pytest.importorskip("sim.play.app", reason="solara is not installed")
    game = Game.start(baseline, str(BASELINE), "POL", 11, quarters=4, plays=tmp_path)
    game.end_quarter()
    cohesion = solara_app.history_figures(game)[2].layout.yaxis2
    assert cohesion.tickmode == "auto"
    assert cohesion.title.text == "Alliance cohesion (index 0-1)"


@pytest.mark.parametrize(("seed", "message"), [
    (-1, "seed: Input should be greater than or equal to 0 (got -1)"),
    (2**64, "seed: Input should be less than or equal to 9223372036854775807"),
    (None, "seed: Input should be a valid integer (got None)")])
def test_the_explorer_refuses_a_seed_the_schema_does_not_allow_in_one_line(
        baseline, seed, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        Explorer(baseline, seed)
