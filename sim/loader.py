"""Scenario files in, validated :class:`Scenario` out: the one edge where input is checked.

Referenced CSV tables resolve relative to the scenario file. Every problem becomes a
:class:`ScenarioError` carrying one line for the user (file, field path, what was wrong).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from sim.schema import Scenario


class ScenarioError(Exception):
    """A scenario cannot be used; ``str()`` is one line for the user."""


def read_yaml(path: Path) -> dict[str, Any]:
    """Read a YAML mapping safely (no arbitrary objects)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{path}: file not found") from None
    except UnicodeDecodeError as error:
        raise ScenarioError(f"{path}: not UTF-8 text ({error.reason} at byte "
                            f"{error.start})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = getattr(error, "problem", None) or str(error)
        raise ScenarioError(f"{where}: YAML syntax error: {problem}") from None
    if data is None:
        raise ScenarioError(f"{path}: the file is empty; expected a scenario mapping")
    if not isinstance(data, dict):
        raise ScenarioError(f"{path}: expected a mapping of sections at the top level")
    return data


def read_nation_table(path: Path) -> list[dict[str, Any]]:
    """Rows of a nations CSV as dicts; empty cells are left out (schema defaults apply)."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except FileNotFoundError:
        raise ScenarioError(f"{path}: nations table not found") from None
    result = []
    for row in rows:
        cleaned: dict[str, Any] = {}
        for key, value in row.items():
            if key is None or value is None or value.strip() == "":
                continue
            text = value.strip()
            cleaned[key.strip()] = {"true": True, "false": False}.get(text.lower(), text)
        result.append(cleaned)
    return result


def merge_nations(tables: list[list[dict[str, Any]]], inline: list[dict[str, Any]]
                  ) -> list[dict[str, Any]]:
    """Merge nation rows by code: later tables and inline members override earlier ones."""
    merged: dict[str, dict[str, Any]] = {}
    for rows in [*tables, inline]:
        for row in rows:
            code = str(row.get("code", "")).upper()
            merged.setdefault(code, {}).update(row)
    return list(merged.values())


def set_dotted(data: dict[str, Any], dotted: str, value: Any) -> None:
    """Set ``data['a']['b'] = value`` for ``dotted == 'a.b'`` (list items by index)."""
    keys = dotted.split(".")
    node: Any = data
    for key in keys[:-1]:
        node = node[int(key)] if isinstance(node, list) else node.setdefault(key, {})
    if isinstance(node, list):
        node[int(keys[-1])] = value
    else:
        node[keys[-1]] = value


def build_scenario(data: dict[str, Any], base_dir: Path | None = None,
                   source: str = "<scenario>") -> Scenario:
    """Resolve referenced tables and validate a scenario mapping."""
    data = dict(data)
    nations = dict(data.get("nations") or {})
    if isinstance(nations, dict) and nations.get("from_csv"):
        tables = [read_nation_table((base_dir or Path.cwd()) / name)
                  for name in nations["from_csv"]]
        nations["members"] = merge_nations(tables, list(nations.get("members") or []))
        nations["from_csv"] = []
        data["nations"] = nations
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(top level)"
        raise ScenarioError(f"{source}: {field}: {first['msg']}") from None


def load_scenario(path: str | Path, overrides: dict[str, Any] | None = None) -> Scenario:
    """Load, resolve and validate a scenario file, with optional dotted overrides."""
    path = Path(path)
    data = read_yaml(path)
    for dotted, value in (overrides or {}).items():
        set_dotted(data, dotted, value)
    return build_scenario(data, base_dir=path.parent, source=str(path))


def apply_overrides(scenario: Scenario, overrides: dict[str, Any]) -> Scenario:
    """A copy of ``scenario`` with dotted-path overrides (``{"alliance.governance": ...}``),
    validated again; the scenario itself is returned when there are none."""
    if not overrides:
        return scenario
    data = scenario.model_dump(mode="python")
    for dotted, value in overrides.items():
        try:
            set_dotted(data, dotted, value)
        except (KeyError, IndexError, ValueError, TypeError):
            raise ScenarioError(f"{dotted}: no such parameter") from None
    return build_scenario(data, source="overrides")
