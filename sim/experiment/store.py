"""The run folder: replications streamed to part files as they finish, then gathered
into one Parquet file per table without holding them all in memory.

Layout (docs/RESULTS.md): ``manifest.json``, ``timeseries.parquet``, ``nations.parquet``,
``kpis.parquet``, ``programmes.parquet``, ``milestones.parquet``, ``summary.csv``; while a
run is under way, ``parts/`` holds one file per table and chunk of replications, and
``.lock`` the lock of the process working on the folder. Every file is written under a
temporary name and renamed into place.

What makes a kill at any instant lose nothing:

- a folder is claimed (locked, found empty, its manifest written) before anything else
  is written, and worked on by one process at a time;
- a chunk counts as stored only when its ``kpis`` part, written last, exists; every part
  carries the fingerprint of the manifest it was computed for;
- parts are deleted only after the gathered tables and the manifest marked complete are
  on disk, so until then every stored row is in a part.
"""

from __future__ import annotations

import os
import re
from contextlib import suppress
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.experiment.folder_checks import (
    RunFolderError,
    check_fingerprint,
    fingerprint,
    read_manifest,
    stamped,
)
from sim.experiment.folder_lock import LOCK_NAME, FolderLock
from sim.writers import write_arrow, write_manifest
from sim.writers.atomic import AtomicParquetWriter

TABLES = ("timeseries", "nations", "kpis", "programmes", "milestones")
PART = re.compile(r"^(?P<table>[a-z]+)-(?P<first>\d{7})-(?P<last>\d{7})\.parquet$")
# Temporary files of a killed writer: ".<name>.<random>.tmp" (sim.writers.atomic), and
# ".<table>.parquet.gathering" left by the gathering of earlier versions.
LEFTOVER = re.compile(r"^\..+\.(tmp|gathering)$")


def holds_nothing(path: Path) -> bool:
    """Whether a folder is empty, but perhaps for what a run killed as it claimed the
    folder leaves: its lock file, a temporary manifest."""
    return all(entry.name == LOCK_NAME or LEFTOVER.match(entry.name)
               for entry in os.scandir(path))


def inside_a_run_folder(path: Path) -> Path | None:
    """The run folder ``path`` would be nested in, if any (its parts would be at risk)."""
    for parent in path.resolve().parents:
        if (parent / "manifest.json").is_file():
            try:
                read_manifest(parent)
            except (RunFolderError, OSError):
                continue  # some other program's manifest
            return parent
    return None


class RunFolder:
    """A run folder; ``key`` names the column that numbers its jobs (``replication`` in a
    run, ``run`` in a sweep) and ``tables`` the tables it stores."""

    def __init__(self, path: Path, key: str = "replication",
                 tables: tuple[str, ...] = TABLES) -> None:
        self.path = path
        self.parts = path / "parts"
        self.key = key
        self.tables = tables
        self.lock = FolderLock(path)
        self.mark = ""  # the manifest's fingerprint, once claimed or reopened

    # ---------------------------------------------------------------- manifest
    @property
    def manifest_path(self) -> Path:
        return self.path / "manifest.json"

    def read_manifest(self) -> dict[str, Any]:
        return read_manifest(self.path)

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        write_manifest(self.path, manifest)

    # ---------------------------------------------------------------- claiming
    def claim(self, manifest: dict[str, Any]) -> None:
        """Make this a new run folder: lock it, check it holds nothing, write the
        manifest - before anything else is written. Two runs given the same folder
        cannot both pass: the second finds it locked, or not empty."""
        outer = inside_a_run_folder(self.path)
        if outer is not None:
            raise RunFolderError(f"{self.path}: inside the run folder {outer}; choose a "
                                 "folder outside it")
        self.path.mkdir(parents=True, exist_ok=True)
        self.lock.acquire()
        try:
            if not holds_nothing(self.path):
                raise RunFolderError(f"{self.path}: folder is not empty; choose a new one")
            self.write_manifest(manifest)
            self.mark = fingerprint(manifest)
        except BaseException:
            self.lock.release()
            raise

    def reopen(self) -> dict[str, Any]:
        """Lock an existing folder to resume it; its checked manifest."""
        self.read_manifest()  # refuse what is not a run folder before locking it
        self.lock.acquire()
        try:
            manifest = self.read_manifest()  # as it is now that no one else writes it
        except BaseException:
            self.lock.release()
            raise
        self.mark = fingerprint(manifest)
        return manifest

    # ------------------------------------------------------------------- parts
    def part_writer(self, table: str, first: int, last: int, schema: pa.Schema
                    ) -> AtomicParquetWriter:
        """A part of jobs ``first..last`` written as they finish; ``write_part`` puts it
        in place with the chunk's other parts."""
        self.parts.mkdir(parents=True, exist_ok=True)
        return AtomicParquetWriter(self._part(table, first, last), schema)

    def write_part(self, first: int, last: int, tables: dict[str, pd.DataFrame],
                   mark: str, written: dict[str, AtomicParquetWriter] | None = None
                   ) -> None:
        """Store the tables of jobs ``first..last``, each carrying the fingerprint
        ``mark``, and put in place the parts ``written`` as the jobs finished (each
        table is in one or the other); the kpis part is written last, so a chunk counts
        as done only when all its tables are on disk."""
        self.parts.mkdir(parents=True, exist_ok=True)
        written = written or {}
        for name in (*[t for t in self.tables if t != "kpis"], "kpis"):
            if name in written:
                written[name].commit()
            else:
                write_arrow(self._part(name, first, last), stamped(tables[name], mark))

    def _part(self, table: str, first: int, last: int) -> Path:
        return self.parts / f"{table}-{first:07d}-{last:07d}.parquet"

    def stored_chunks(self) -> dict[tuple[int, int], dict[str, Path]]:
        """The chunks whose parts are all stored, each checked to be readable and made
        for this folder's manifest (its fingerprint); refuses a damaged or foreign
        folder."""
        if not self.parts.exists():
            return {}
        if not self.parts.is_dir():
            raise RunFolderError(f"{self.parts}: not a folder")
        found: dict[tuple[int, int], dict[str, Path]] = {}
        for entry in os.scandir(self.parts):
            match = PART.match(entry.name)
            if not match or match["table"] not in self.tables:
                continue
            if not entry.is_file():
                raise RunFolderError(f"{entry.path}: not a file; a part must be a Parquet "
                                     "file (move it away to resume)")
            chunk = (int(match["first"]), int(match["last"]))
            found.setdefault(chunk, {})[match["table"]] = Path(entry.path)
        stored = {}
        for chunk, files in sorted(found.items()):
            if "kpis" not in files:
                continue  # killed while writing this chunk: it is run again
            missing = [table for table in self.tables if table not in files]
            if missing:
                raise RunFolderError(f"{files['kpis']}: its {missing[0]} part is missing; "
                                     "the folder was damaged (start the run again)")
            for file in files.values():
                check_fingerprint(file, self.mark)
            stored[chunk] = files
        return stored

    def done_jobs(self) -> set[int]:
        """Jobs stored in parts (a chunk's failed jobs are not), by their ``key``."""
        done: set[int] = set()
        for files in self.stored_chunks().values():
            jobs = self._read(files["kpis"], [self.key])[self.key].to_pylist()
            if done.intersection(jobs):  # gathering would store them twice
                raise RunFolderError(f"{files['kpis']}: holds {self.key}s that another "
                                     "part holds too; two runs wrote this folder")
            done.update(jobs)
        return done

    @staticmethod
    def _read(file: Path, columns: list[str] | None = None) -> pa.Table:
        try:
            return pq.read_table(file, columns=columns)
        except (OSError, pa.ArrowException) as error:
            raise RunFolderError(f"{file}: not a readable Parquet file ({error})") from None

    # ---------------------------------------------------------------- gather
    def gather(self) -> None:
        """Stream the parts of each table into one Parquet file (row group per part),
        flushed to disk before it replaces the previous one."""
        chunks = self.stored_chunks()
        for table in self.tables:
            parts = [files[table] for _, files in sorted(chunks.items())]
            target = self.path / f"{table}.parquet"
            writer = None
            try:
                for part in parts:
                    data = self._read(part)
                    if data.num_rows == 0:
                        continue
                    if writer is None:
                        schema = data.schema  # the first part's; later ones are cast to it
                        writer = AtomicParquetWriter(target, schema)
                    writer.write(data.cast(schema))
                if writer is None:  # no rows at all: keep an empty table with its columns
                    write_arrow(target, self._read(parts[0]) if parts else pa.table({}))
                else:
                    writer.commit()
            except BaseException:
                if writer is not None:
                    writer.discard()
                raise

    def check_tables(self) -> None:
        """Refuse a complete folder whose tables are missing, unreadable or computed for
        another manifest (damaged since the run ended)."""
        for table in self.tables:
            file = self.path / f"{table}.parquet"
            if not file.is_file():
                raise RunFolderError(f"{file}: missing, though the run is complete; the "
                                     "folder was damaged (run it again into a new folder)")
            check_fingerprint(file, self.mark, older=True)

    # -------------------------------------------------------------- clean up
    def clean_up(self) -> None:
        """Once the folder is durably complete: delete the parts and leftover temporary
        files. Only files this program names are touched; anything else in ``parts/``
        stays (and keeps the folder). Failures are harmless: nothing depends on it."""
        if self.parts.is_dir():
            for entry in os.scandir(self.parts):
                if (PART.match(entry.name) or LEFTOVER.match(entry.name)) and \
                        entry.is_file(follow_symlinks=False):
                    _remove(Path(entry.path))
            with suppress(OSError):  # not empty: something not ours is in it
                self.parts.rmdir()
        for entry in os.scandir(self.path):
            if LEFTOVER.match(entry.name) and entry.is_file(follow_symlinks=False):
                _remove(Path(entry.path))


def _remove(file: Path) -> None:
    with suppress(OSError):
        file.unlink()

