"""Options shared by commands, parsed into typed values once."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import yaml

from sim.cli.errors import UsageError


def parse_set_options(pairs: list[str] | None) -> dict[str, Any]:
    """``["a.b=1", "c=x"]`` -> ``{"a.b": 1, "c": "x"}``; values read as YAML scalars, then
    typed and checked by the schema."""
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


def fresh_output_folder(path: Path) -> Path:
    """A results folder that does not exist yet, or exists empty; never overwrite."""
    if path.exists() and not path.is_dir():
        raise UsageError(f"--out {path}: exists and is not a folder")
    if path.is_dir() and any(path.iterdir()):
        raise UsageError(f"--out {path}: folder is not empty; choose a new one")
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise UsageError(f"--out {path}: {parent} is not a folder")
    return path
