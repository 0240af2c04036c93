"""The run manifest: everything needed to repeat a run and to trust its results."""

from __future__ import annotations

import functools
import hashlib
import json
import platform
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from sim.schema import Scenario
from sim.writers.atomic import atomic_write_text

PACKAGES = ("alliance-sim", "mesa", "numpy", "pandas", "pyarrow", "pydantic", "plotly",
            "pyyaml")
# Besides the program's own code, what a replication's rows come from: the random
# number generators (numpy) and the agents' scheduling (Mesa).
RESULT_LIBRARIES = ("numpy", "mesa")


def config_hash(scenario: Scenario) -> str:
    """SHA-256 of the resolved scenario as canonical JSON."""
    canonical = json.dumps(scenario.model_dump(mode="json"), sort_keys=True,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def git_commit() -> str | None:
    """The commit of the code that ran, where it runs from a git checkout."""
    source = Path(__file__).resolve().parents[2]
    try:
        result = subprocess.run(["git", "-C", str(source), "rev-parse", "HEAD"],
                                capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    dirty = subprocess.run(["git", "-C", str(source), "status", "--porcelain", "--",
                            "sim"], capture_output=True, text=True, timeout=5, check=False)
    return result.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")


@functools.cache
def code_hash() -> str:
    """SHA-256 of the code that computes the stored rows: every Python file of the ``sim``
    package and the versions of RESULT_LIBRARIES. A resume refuses a folder started by
    other code, whose stored replications could differ from those it would add."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    # Not hidden files: an editor's lock (.#model.py) may be a link to nowhere.
    for file in sorted(f for f in package.rglob("*.py")
                       if not f.name.startswith(".") and f.is_file()):
        digest.update(file.relative_to(package).as_posix().encode("utf-8") + b"\0")
        digest.update(file.read_bytes() + b"\0")
    versions = package_versions()
    for name in RESULT_LIBRARIES:
        digest.update(f"{name}={versions[name]}\0".encode())
    return digest.hexdigest()


def build_manifest(scenario: Scenario, *, source: str, seeds: dict[str, Any],
                   timings: dict[str, float], complete: bool,
                   extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "format": "alliance-sim run",
        "format_version": 1,
        "complete": complete,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "scenario_file": source,
        "scenario_name": scenario.metadata.name,
        "config_hash": config_hash(scenario),
        "seeds": seeds,
        "command": sys.argv,
        "versions": package_versions(),
        "git_commit": git_commit(),
        "code_hash": code_hash(),
        "platform": platform.platform(),
        "timings_seconds": timings,
        **(extra or {}),
        "scenario": scenario.model_dump(mode="json"),
    }


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    atomic_write_text(folder / "manifest.json", json.dumps(manifest, indent=2) + "\n")
