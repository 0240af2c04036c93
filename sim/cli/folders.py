"""Where results go: default folder names from scenario and experiment names (made safe
and bounded), and the check that an output folder is new or empty before anything runs.
The check is for a friendly early message; the run folder itself is claimed atomically
when the run starts (sim.experiment.store)."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

from sim.cli.errors import UsageError

DEFAULT_RESULTS = Path("results")
NAME_LIMIT = 100  # characters of a folder name taken from a scenario or experiment name


def slug(name: str) -> str:
    """A folder name from a free-text name: ASCII letters, digits, ``-`` and ``_`` only
    (never ``.`` or ``..``, never a separator), at most NAME_LIMIT characters."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-_")
    return cleaned[:NAME_LIMIT].rstrip("-_") or "scenario"


def unique_name(name: str, taken: list[str]) -> str:
    """``name``, or a bounded variant of it not in ``taken``."""
    while name in taken:
        name = name[:NAME_LIMIT - len("-again")].rstrip("-_") + "-again"
    return name


def stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def fresh_output_folder(path: Path) -> Path:
    """A results folder that does not exist yet, or exists empty (but perhaps for what a
    run killed as it started left), and is not inside a run folder; never overwrite."""
    from sim.experiment.store import holds_nothing, inside_a_run_folder
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:  # bytes the file system allows; Parquet refuses them
        raise UsageError(f"--out {os.fsencode(path).decode(errors='backslashreplace')}: "
                         "the name is not UTF-8 text; Parquet tables cannot be written "
                         "there") from None
    if path.exists() and not path.is_dir():
        raise UsageError(f"--out {path}: exists and is not a folder")
    if path.is_dir() and not holds_nothing(path):
        raise UsageError(f"--out {path}: folder is not empty; choose a new one")
    outer = inside_a_run_folder(path)
    if outer is not None:  # claiming a run folder checks it again, atomically
        raise UsageError(f"--out {path}: inside the run folder {outer}; choose a folder "
                         "outside it")
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise UsageError(f"--out {path}: {parent} is not a folder")
    return path
