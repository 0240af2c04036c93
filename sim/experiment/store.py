"""The run folder: replications streamed to part files as they finish, then gathered
into one Parquet file per table without holding them all in memory.

Layout (docs/RESULTS.md): ``manifest.json``, ``timeseries.parquet``, ``nations.parquet``,
``kpis.parquet``, ``programmes.parquet``, ``milestones.parquet``, ``summary.csv``; while a
run is under way, ``parts/`` holds one file per table and chunk of replications. Every
file is written under a temporary name and renamed into place.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.writers import write_manifest, write_parquet

TABLES = ("timeseries", "nations", "kpis", "programmes", "milestones")
PART = re.compile(r"^(?P<table>[a-z]+)-(?P<first>\d{7})-(?P<last>\d{7})\.parquet$")


class RunFolder:
    """A run folder; ``key`` names the column that numbers its jobs (``replication`` in a
    run, ``run`` in a sweep) and ``tables`` the tables it stores."""

    def __init__(self, path: Path, key: str = "replication",
                 tables: tuple[str, ...] = TABLES) -> None:
        self.path = path
        self.parts = path / "parts"
        self.key = key
        self.tables = tables

    # ---------------------------------------------------------------- manifest
    @property
    def manifest_path(self) -> Path:
        return self.path / "manifest.json"

    def read_manifest(self) -> dict[str, Any]:
        return json.loads(self.manifest_path.read_text(encoding="utf-8"))

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        write_manifest(self.path, manifest)

    # ------------------------------------------------------------------- parts
    def write_part(self, first: int, last: int, tables: dict[str, pd.DataFrame]) -> None:
        """Store the tables of replications ``first..last``; the kpis part is written
        last, so a chunk counts as done only when all its tables are on disk."""
        self.parts.mkdir(parents=True, exist_ok=True)
        for name in (*[t for t in self.tables if t != "kpis"], "kpis"):
            write_parquet(self.parts / f"{name}-{first:07d}-{last:07d}.parquet", tables[name])

    def done_jobs(self) -> set[int]:
        """Jobs stored in parts (a chunk's failed jobs are not), by their ``key``."""
        done: set[int] = set()
        if not self.parts.is_dir():
            if (self.path / "kpis.parquet").is_file():  # complete and gathered
                column = pq.read_table(self.path / "kpis.parquet", columns=[self.key])
                done.update(column[self.key].to_pylist())
            return done
        for entry in os.scandir(self.parts):
            match = PART.match(entry.name)
            if match and match["table"] == "kpis":
                column = pq.read_table(entry.path, columns=[self.key])
                done.update(column[self.key].to_pylist())
        return done

    def _parts_of(self, table: str) -> list[Path]:
        found = []
        for entry in os.scandir(self.parts):
            match = PART.match(entry.name)
            if match and match["table"] == table:
                kpis = self.parts / f"kpis-{match['first']}-{match['last']}.parquet"
                if kpis.exists():  # a chunk killed half-way is redone, not gathered
                    found.append((int(match["first"]), Path(entry.path)))
        return [path for _, path in sorted(found)]

    # ---------------------------------------------------------------- gather
    def gather(self) -> None:
        """Stream the parts of each table into one Parquet file (row group per part)."""
        for table in self.tables:
            target = self.path / f"{table}.parquet"
            temporary = self.path / f".{table}.parquet.gathering"
            writer = None
            schema = None
            try:
                for part in self._parts_of(table):
                    data = pq.read_table(part)
                    if data.num_rows == 0:
                        continue
                    if writer is None:
                        schema = data.schema
                        writer = pq.ParquetWriter(temporary, schema)
                    writer.write_table(data.cast(schema))
            finally:
                if writer is not None:
                    writer.close()
            if writer is None:  # no rows at all: keep an empty table with its columns
                first = self._parts_of(table)
                empty = pq.read_table(first[0]) if first else pa.table({})
                pq.write_table(empty, temporary)
            os.replace(temporary, target)

    def remove_parts(self) -> None:
        if self.parts.is_dir():
            for entry in os.scandir(self.parts):
                os.unlink(entry.path)
            self.parts.rmdir()
