"""Reading a run or sweep folder back: its manifest checked before anything trusts it, its
Parquet files read with failures named by file, and the fingerprint that ties every part
file to the manifest it was computed for.

A folder is input like a scenario file: it may be truncated, edited, copied from another
run or not a run folder at all. Every such problem is a :class:`RunFolderError`, whose
text is one line naming the file (the command line prints it and exits with status 2).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.writers.csv_cells import restore

FORMAT = "alliance-sim run"
FORMAT_VERSION = 1
# Parquet key-value metadata of part and table files: the fingerprint of the manifest.
FINGERPRINT_KEY = b"alliance-sim-fingerprint"


class RunFolderError(Exception):
    """A run or sweep folder, or a file in it, that cannot be used as asked."""


def _is_count(value: Any, low: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= low


def _problem(manifest: Any) -> str | None:
    """What is wrong with a manifest's structure, or None."""
    if not isinstance(manifest, dict):
        return "expected a JSON object"
    if manifest.get("format") != FORMAT:
        return f"\"format\" is not {FORMAT!r}: not a run or sweep folder's manifest"
    if manifest.get("format_version") != FORMAT_VERSION:
        return (f"\"format_version\" {manifest.get('format_version')!r} is not "
                f"{FORMAT_VERSION}: written by another version of alliance-sim")
    if not isinstance(manifest.get("complete"), bool):
        return "\"complete\": expected true or false"
    seeds = manifest.get("seeds")
    if not isinstance(seeds, dict) or not _is_count(seeds.get("root"), 0) or \
            not _is_count(seeds.get("replications"), 1):
        return "\"seeds\": expected a root seed and a number of replications"
    scenario = manifest.get("scenario")
    simulation = scenario.get("simulation") if isinstance(scenario, dict) else None
    if not isinstance(simulation, dict) or not _is_count(simulation.get("steps"), 1):
        return "\"scenario\": expected the resolved scenario"
    if not isinstance(manifest.get("config_hash"), str):
        return "\"config_hash\": expected a SHA-256 hex digest"
    if manifest.get("kind") == "sweep":
        return _sweep_problem(manifest)
    return None


def _sweep_problem(manifest: dict[str, Any]) -> str | None:
    experiment = manifest.get("experiment")
    if not (isinstance(experiment, dict) and _is_count(manifest.get("points"), 1)
            and _is_count(manifest.get("runs"), 1)):
        return "a sweep manifest needs \"experiment\", \"points\" and \"runs\""
    parameters = experiment.get("parameters")
    if not (isinstance(experiment.get("name"), str)
            and isinstance(experiment.get("design"), dict)
            and isinstance(experiment.get("kpis"), list)
            and isinstance(parameters, list) and parameters
            and all(isinstance(p, dict) and isinstance(p.get("path"), str)
                    for p in parameters)):
        return "\"experiment\": expected its name, design, parameters and KPIs"
    return None


def read_manifest(folder: Path) -> dict[str, Any]:
    """The folder's manifest.json, checked for the structure every reader relies on."""
    file = folder / "manifest.json"
    if not file.exists():
        raise RunFolderError(f"{folder}: no manifest.json; not a run or sweep folder")
    try:
        manifest = json.loads(file.read_bytes().decode("utf-8"))
    except IsADirectoryError:
        raise RunFolderError(f"{file}: is a folder, not a manifest") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RunFolderError(f"{file}: not valid JSON ({error}); the manifest is damaged"
                             ) from None
    problem = _problem(manifest)
    if problem:
        raise RunFolderError(f"{file}: {problem}")
    return manifest


def fingerprint(manifest: dict[str, Any]) -> str:
    """What the stored rows depend on: the resolved scenario (its hash), the root seed, the
    number of replications and, for a sweep, the experiment. Parts carry it, so a folder
    whose manifest was swapped or edited is refused rather than mixed."""
    identity = {"config_hash": manifest["config_hash"],
                "root": manifest["seeds"]["root"],
                "replications": manifest["seeds"]["replications"],
                "experiment": manifest.get("experiment")}
    canonical = json.dumps(identity, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def stamped(frame: pd.DataFrame, mark: str) -> pa.Table:
    """A DataFrame as an Arrow table carrying the fingerprint ``mark``."""
    # One thread: with many columns pyarrow converts them on a pool of threads it starts
    # and joins for every table, which cost more than converting.
    table = pa.Table.from_pandas(frame, preserve_index=False, nthreads=1)
    return table.replace_schema_metadata({**(table.schema.metadata or {}),
                                          FINGERPRINT_KEY: mark.encode("ascii")})


def fingerprint_of(file: Path) -> str | None:
    """The fingerprint a Parquet file carries (None: none), reading only its footer."""
    try:
        metadata = pq.read_schema(file).metadata or {}
    except (OSError, pa.ArrowException) as error:
        raise RunFolderError(f"{file}: not a readable Parquet file ({error})") from None
    mark = metadata.get(FINGERPRINT_KEY)
    return mark.decode("ascii", "replace") if mark is not None else None


def check_fingerprint(file: Path, mark: str, *, older: bool = False) -> None:
    """Refuse ``file`` unless it carries the fingerprint ``mark`` (it was computed for
    the folder's manifest); ``older``: accept one with none, as versions before
    fingerprints wrote the tables of a complete folder."""
    found = fingerprint_of(file)
    if found is None and not older:
        raise RunFolderError(f"{file}: written by an older version of alliance-sim (no "
                             "fingerprint); run it again into a new folder")
    if found is not None and found != mark:
        raise RunFolderError(f"{file}: computed for another scenario, seed or design than "
                             "manifest.json records (copied from another folder?); "
                             "refusing to mix them: put back this folder's own file, or "
                             "run it again into a new folder")


def read_design(folder: Path, manifest: dict[str, Any]) -> pd.DataFrame:
    """A sweep folder's design.parquet (its design points), refused unless made for
    its manifest: a replaced or foreign design would label each point's KPIs with
    another point's inputs."""
    file = folder / "design.parquet"
    if file.is_file():
        check_fingerprint(file, fingerprint(manifest), older=True)
    return read_parquet(file)


def read_parquet(file: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """A stored table; a missing, truncated or foreign file is a RunFolderError."""
    if not file.is_file():
        raise RunFolderError(f"{file}: missing" if not file.exists() else
                             f"{file}: not a file")
    try:
        return pd.read_parquet(file, columns=columns)
    except (OSError, pa.ArrowException, KeyError, ValueError) as error:
        raise RunFolderError(f"{file}: cannot read the table ({error})") from None


def read_csv(file: Path, **options: Any) -> pd.DataFrame:
    """A CSV written by sim.writers.write_csv, its neutralised cells restored; ``options``
    go to pandas.read_csv."""
    if not file.is_file():
        raise RunFolderError(f"{file}: missing" if not file.exists() else
                             f"{file}: not a file")
    try:
        return restore(pd.read_csv(file, **options))
    except (OSError, UnicodeDecodeError, pd.errors.ParserError,
            pd.errors.EmptyDataError) as error:
        raise RunFolderError(f"{file}: cannot read the table ({error})") from None
