"""Options shared by commands, parsed into typed values once."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sim.cli.errors import UsageError


def parse_set_options(pairs: list[str] | None) -> dict[str, Any]:
    """``["a.b=1", "c=x"]`` -> ``{"a.b": 1, "c": "x"}``; values read as YAML scalars, then
    typed and checked by the schema."""
    import yaml

    from sim.scenario_files.yaml_reader import not_text
    overrides: dict[str, Any] = {}
    for pair in pairs or []:
        key, separator, raw = pair.partition("=")
        if not separator or not key.strip():
            raise UsageError(f"--set {pair!r}: expected dotted.path=value")
        try:
            value = yaml.safe_load(raw) if raw.strip() else ""
        except yaml.YAMLError:
            value = raw
        problem = next(filter(None, map(not_text, [key, *_strings(value)])), None)
        if problem:  # an escape, or bytes of the command line that are not UTF-8
            raise UsageError(f"--set {pair.encode(errors='backslashreplace').decode()}: "
                             f"{problem}")
        overrides[key.strip()] = value
    return overrides


def _strings(value: Any) -> list[Any]:
    """Every string in a value read from YAML, however nested."""
    if isinstance(value, dict):
        return [item for pair in value.items() for part in pair for item in _strings(part)]
    if isinstance(value, list):
        return [item for part in value for item in _strings(part)]
    return [value]


def add_set_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--set", action="append", metavar="PATH=VALUE", dest="set",
                        help="override a scenario parameter by dotted path (repeatable), "
                        "e.g. --set alliance.governance=coalitions")


def add_policy_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--policy", action="append", metavar="CODE=FILE", dest="policy",
                        help="nation CODE decides by the policy in FILE: a play log "
                        "(results/plays/<id>/play.yaml) or a policy file (kind: scripted, "
                        "decisions:, rules:; docs/POLICIES.md); repeatable")


def parse_policy_options(pairs: list[str] | None) -> dict[str, Path]:
    """``["POL=play.yaml"]`` -> ``{"POL": Path("play.yaml")}``."""
    policies: dict[str, Path] = {}
    for pair in pairs or []:
        code, separator, file = pair.partition("=")
        if not separator or not code.strip() or not file.strip():
            raise UsageError(f"--policy {pair!r}: expected CODE=FILE, e.g. "
                             "POL=results/plays/<id>/play.yaml")
        if code.strip().upper() in policies:
            raise UsageError(f"--policy {pair!r}: nation {code.strip().upper()} has a "
                             "policy already")
        policies[code.strip().upper()] = Path(file.strip())
    return policies
