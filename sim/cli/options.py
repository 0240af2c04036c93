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
    overrides: dict[str, Any] = {}
    for pair in pairs or []:
        key, separator, raw = pair.partition("=")
        if not separator or not key.strip():
            raise UsageError(f"--set {pair!r}: expected dotted.path=value")
        try:
            overrides[key.strip()] = yaml.safe_load(raw) if raw.strip() else ""
        except yaml.YAMLError:
            overrides[key.strip()] = raw
    return overrides


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
