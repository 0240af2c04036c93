"""Writers: stored results on disk. Nothing is ever half-written: each file is written to
a temporary name in its folder and renamed into place."""

from sim.writers.atomic import (
    atomic_write_bytes,
    atomic_write_text,
    write_arrow,
    write_parquet,
)
from sim.writers.csv_cells import write_csv
from sim.writers.manifest import build_manifest, code_hash, config_hash, write_manifest

__all__ = ["atomic_write_bytes", "atomic_write_text", "build_manifest", "code_hash",
           "config_hash", "write_arrow", "write_csv", "write_manifest", "write_parquet"]
