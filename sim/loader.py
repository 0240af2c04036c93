"""Scenario files in, validated :class:`Scenario` out: the one edge where input is checked.

A scenario file may build on another (``extends:``) and load nations from CSV tables;
referenced files resolve relative to the file that names them and may not leave the folder
of the scenario given on the command line (paths given with ``--set`` may). Every problem
is reported as ``FILE:LINE:COL: dotted.path: message``, all of them at once.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from sim.scenario_files.documents import (
    MEMBERS,
    TABLES,
    Document,
    apply_command_line,
    merge,
    parse_dotted,
    read_document,
    read_nation_table,
    set_path,
)
from sim.scenario_files.policy_files import set_policy
from sim.scenario_files.problems import (
    COMMAND_LINE,
    Location,
    Problem,
    ScenarioError,
    ScenarioWarning,
)
from sim.scenario_files.validation import refuse_another_kind, validate
from sim.scenario_files.yaml_reader import file_problem
from sim.schema import Scenario

__all__ = ["ScenarioError", "ScenarioWarning", "apply_overrides", "compose", "load_scenario"]


def _display(path: Path) -> str:
    """Paths as the user would write them: relative to the working folder when inside."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _confined(base: Path, written: str, root: Path, location: Location, field: str) -> Path:
    """``written`` (as the file states it) resolved from ``base``; it must stay inside
    ``root`` unless it came from the command line."""
    resolved = (base / written).resolve()
    if location.file != COMMAND_LINE and not resolved.is_relative_to(root):
        remedy = "a scenario may only extend files in its own folder tree" \
            if field == "extends" else \
            "name tables outside it on the command line (--set nations.from_csv=[...])"
        raise ScenarioError(Problem(location, field, f"{written} is outside the scenario's "
                                    f"folder {root}; {remedy}"))
    return resolved


def _read_chain(path: Path, root: Path, chain: tuple[Path, ...]) -> Document:
    """Read a file and everything it extends, merged (the file on top)."""
    document = read_document(path, _display(path))
    refuse_another_kind(document, Scenario, "a scenario file", ("extends",))
    tables = document.data.get("nations", {}).get("from_csv") \
        if isinstance(document.data.get("nations"), dict) else None
    if isinstance(tables, list):
        for index, name in enumerate(tables):
            where = document.where((*TABLES, index))
            if not isinstance(name, str):
                raise ScenarioError(Problem(where, f"nations.from_csv.{index}",
                                            "expected a file name"))
            tables[index] = str(_confined(path.parent, name, root, where,
                                          f"nations.from_csv.{index}"))
    if "extends" not in document.data:
        return document
    parent_name = document.data.pop("extends")
    where = document.where(("extends",))
    if not isinstance(parent_name, str) or not parent_name.strip():
        raise ScenarioError(Problem(where, "extends", "expected the file name of a scenario"))
    parent = _confined(path.parent, parent_name, root, where, "extends")
    if parent in chain or parent == path.resolve():
        cycle = " -> ".join(_display(p) for p in (*chain, path.resolve(), parent))
        raise ScenarioError(Problem(where, "extends", f"extends cycle: {cycle}"))
    problem = file_problem(parent)
    if problem:
        raise ScenarioError(Problem(where, "extends", f"{parent_name}: {problem}"))
    return merge(_read_chain(parent, root, (*chain, path.resolve())), document)


def _expand_tables(document: Document) -> None:
    """Replace ``nations.from_csv`` by the tables' rows, merged with inline members."""
    nations = document.data.get("nations")
    if not isinstance(nations, dict) or not nations.get("from_csv"):
        return
    tables = nations["from_csv"]
    if not isinstance(tables, list):
        return  # the schema reports the wrong type
    inline = Document({"nations": {"members": nations.get("members") or []}})
    inline._take(document, MEMBERS, MEMBERS)
    combined = Document({"nations": {"members": []}})
    for index, name in enumerate(tables):
        if not isinstance(name, str):
            continue
        table_path = Path(name)
        problem = file_problem(table_path)
        if problem:
            problem = "nations table not found" if problem == "file not found" else problem
            raise ScenarioError(Problem(document.where((*TABLES, index)),
                                        f"nations.from_csv.{index}", f"{name}: {problem}"))
        combined = merge(combined, read_nation_table(table_path, _display(table_path)))
    combined = merge(combined, inline)
    document._drop(MEMBERS)
    document._take(combined, MEMBERS, MEMBERS)
    nations["members"] = combined.data["nations"]["members"]
    nations["from_csv"] = []


def compose(path: str | Path, overrides: dict[str, Any] | None = None,
            written_at: dict[str, Location] | None = None) -> Document:
    """The scenario file with everything it extends and references, and the overrides
    (written on the command line, or where ``written_at`` says)."""
    path = Path(path)
    problem = file_problem(path)
    if problem:
        raise ScenarioError(Problem(Location(_display(path)), "", problem))
    # Files state only what differs: they sit on the schema's full defaults, so a partly
    # written section keeps the defaults of the fields it leaves out.
    defaults = Document(Scenario().model_dump(mode="python"))
    document = merge(defaults, _read_chain(path, path.resolve().parent, ()))
    # A problem found where no file put anything (a default) is the scenario file's.
    document.values.setdefault((), Location(_display(path)))
    overrides = overrides or {}
    early = {k: v for k, v in overrides.items() if parse_dotted(k)[:2] != MEMBERS}
    late = {k: v for k, v in overrides.items() if parse_dotted(k)[:2] == MEMBERS}
    for path_ in apply_command_line(document, early, written_at):
        if path_[:2] == TABLES:  # tables named on the command line resolve from here
            value = _get(document.data, path_)
            if isinstance(value, list):
                set_path(document.data, path_, [str(Path(v).resolve()) for v in value])
            elif isinstance(value, str):
                set_path(document.data, path_, str(Path(value).resolve()))
    _expand_tables(document)
    apply_command_line(document, late, written_at)
    return document


def _get(data: Any, path: tuple) -> Any:
    for key in path:
        data = data[key]
    return data


def load_scenario(path: str | Path, overrides: dict[str, Any] | None = None,
                  policies: dict[str, Path] | None = None,
                  written_at: dict[str, Location] | None = None) -> Scenario:
    """Load, resolve and validate a scenario file, with optional dotted overrides and
    nations' policies from policy files or play logs (``{"POL": Path("play.yaml")}``): a
    scenario that can run. What runs but has no effect is a ScenarioWarning. Problems in
    an override point at the command line, or where ``written_at`` says it was written."""
    document = compose(path, overrides, written_at)
    for code, policy_file in (policies or {}).items():
        set_policy(document, code, Path(policy_file), _display(Path(policy_file)))
    scenario = validate(document)
    if not scenario.nations.members:
        raise ScenarioError(Problem(document.where(MEMBERS), "nations.members",
                                    "no nations: list them under nations.members or in a "
                                    "table named by nations.from_csv"))
    horizon = scenario.simulation.steps
    for index, inject in enumerate(scenario.injects):
        if inject.step > horizon:
            where = ("injects", index, "step")
            warnings.warn(ScenarioWarning(str(Problem(
                document.where(where), ".".join(map(str, where)),
                f"quarter {inject.step} is after the horizon ({horizon} quarters); the "
                "inject has no effect"))), stacklevel=2)
    for row, nation in enumerate(scenario.nations.members):
        late = [index for index, entry in enumerate(nation.policy.decisions)
                if entry.step > horizon]
        if late:  # one warning per nation: a play log longer than the run has many
            where = (*MEMBERS, row, "policy", "decisions", late[0], "step")
            steps = [nation.policy.decisions[index].step for index in late]
            warnings.warn(ScenarioWarning(str(Problem(
                document.where(where), f"nations.members.{nation.code}.policy.decisions."
                f"{late[0]}.step", f"{len(late)} scripted decision(s) from quarter "
                f"{steps[0]} are after the horizon ({horizon} quarters); they have no "
                "effect"))), stacklevel=2)
    return scenario


def apply_overrides(scenario: Scenario, overrides: dict[str, Any]) -> Scenario:
    """A copy of ``scenario`` with dotted-path overrides (``{"alliance.governance": ...}``),
    validated again; the scenario itself when there are none."""
    if not overrides:
        return scenario
    document = Document(scenario.model_dump(mode="python"))
    apply_command_line(document, overrides)
    return validate(document)
