"""Play logs: written as readable YAML after every quarter, read back with every mistake
reported at its file, line and field, and replayed into the very same model.

A log's policy is a scripted policy (sim.schema.policy), so the rules of scripts apply
when it is played in another future (docs/POLICIES.md, docs/PLAY.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from sim.loader import load_scenario
from sim.model import AllianceModel
from sim.scenario_files.documents import read_document
from sim.scenario_files.problems import Problem, ScenarioError
from sim.scenario_files.validation import refuse_another_kind, validate_as
from sim.schema import Scenario
from sim.schema.play import PlayLog
from sim.writers import atomic_write_text, config_hash

LOG_NAME = "play.yaml"
HEADER = ("# alliance-sim play log (docs/PLAY.md). Replay the game with\n"
          "#   python3 run.py play --replay {path}\n"
          "# or test the strategy over many futures with\n"
          "#   python3 run.py compare {scenario} --policy {nation}={path}\n")


class _LogDumper(yaml.SafeDumper):
    """Block style, except pathway splits and partner lists, one line each."""


def _represent_dict(dumper: yaml.SafeDumper, data: dict) -> yaml.Node:
    flow = set(data) <= {"national", "standards", "pooled", "hubs", "above", "below"}
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=flow)


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    flow = all(isinstance(item, str) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_LogDumper.add_representer(dict, _represent_dict)
_LogDumper.add_representer(list, _represent_list)


def log_text(log: PlayLog, path: Path) -> str:
    data: dict[str, Any] = log.model_dump(mode="json", exclude_none=True)
    data["policy"]["decisions"] = [  # the quarter first, then its decisions
        {"step": entry.pop("step"), **{k: v for k, v in entry.items() if v != {}}}
        for entry in data["policy"]["decisions"]]
    if not data["policy"]["rules"]:
        del data["policy"]["rules"]
    header = HEADER.format(path=path, scenario=log.scenario, nation=log.nation)
    return header + yaml.dump(data, Dumper=_LogDumper, sort_keys=False, allow_unicode=True,
                              width=100)


def write_log(log: PlayLog, path: Path) -> None:
    """Write the log atomically: a reader sees the previous quarter's log or this one."""
    atomic_write_text(path, log_text(log, path))


def read_log(path: Path) -> PlayLog:
    """The log in ``path``; a ScenarioError (one line per problem) when it is not one."""
    document = read_document(path, str(path))
    refuse_another_kind(document, PlayLog, "a play log")
    return validate_as(PlayLog, document)


def played_scenario(log: PlayLog, path: Path) -> tuple[Scenario, Scenario]:
    """The scenario the log was played on (unchanged since, else a ScenarioError), as it
    is and with the log's nation deciding by the log's policy."""
    where = read_document(path, str(path)).where
    if not Path(log.scenario).is_file():
        raise ScenarioError(Problem(where(("scenario",)), "scenario",
                                    f"{log.scenario}: file not found (paths are relative "
                                    "to the folder the game was started in)"))
    scenario = load_scenario(log.scenario)
    if log.scenario_hash and config_hash(scenario) != log.scenario_hash:
        raise ScenarioError(Problem(where(("scenario_hash",)), "scenario_hash",
                                    f"{log.scenario} has changed since this game was "
                                    "played; the game cannot be replayed on it"))
    if log.nation not in scenario.nation_codes:
        raise ScenarioError(Problem(where(("nation",)), "nation",
                                    f"{log.scenario} has no nation {log.nation!r}"))
    return scenario, load_scenario(log.scenario, policies={log.nation: path})


def replay(path: Path) -> tuple[PlayLog, AllianceModel]:
    """Play the log's quarters again on its scenario and seed."""
    log = read_log(path)
    _, played = played_scenario(log, path)
    model = AllianceModel(played, rng=log.seed)
    for _ in range(min(log.quarters_played, model.horizon)):
        model.step()
    return log, model
