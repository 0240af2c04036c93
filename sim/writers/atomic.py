"""Atomic, durable file writes: readers see the old file or the new one, never a torn
one, and a file renamed into place is on disk (fsync) before anything relies on it - the
run folder deletes its parts only after the tables gathered from them are durable."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

_UMASK = os.umask(0)
os.umask(_UMASK)


def sync_file(path: Path) -> None:
    """Flush a written file to the storage device."""
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries (renames, deletions) to the storage device."""
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except (AttributeError, OSError):  # no O_DIRECTORY (Windows): nothing to flush
        return
    try:
        os.fsync(handle)
    except OSError:  # some file systems cannot sync a folder; the rename still happened
        pass
    finally:
        os.close(handle)


def _replace_durably(temporary: Path, path: Path) -> None:
    """Rename a fully written temporary file into place, flushed before and after."""
    sync_file(temporary)
    os.replace(temporary, path)
    sync_folder(path.parent)


def _temporary_beside(path: Path) -> Path:
    """A new empty file ``.<name>.<random>.tmp`` in the folder ``path`` will be in."""
    if not path.parent.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                         dir=path.parent)
    os.close(handle)
    return Path(temporary)


def _put_in_place(temporary: Path, path: Path) -> None:
    os.chmod(temporary, 0o666 & ~_UMASK)  # mkstemp creates 0600; give the usual mode
    _replace_durably(temporary, path)


def _replace_from_temp(path: Path, write: Callable[[Path], object]) -> None:
    temporary = _temporary_beside(path)
    try:
        write(temporary)
        _put_in_place(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: Path, data: bytes) -> None:
    _replace_from_temp(path, lambda temporary: temporary.write_bytes(data))


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def write_parquet(path: Path, frame: pd.DataFrame) -> None:
    """Write a DataFrame as Parquet (pyarrow), atomically."""
    _replace_from_temp(path, lambda temporary: frame.to_parquet(temporary, index=False,
                                                                 engine="pyarrow"))


def parquet_options(schema: pa.Schema) -> dict[str, object]:
    """How tables are encoded: dictionary pages only for columns that are not floats.
    A model's float figures almost never repeat, so a dictionary of them is dropped for
    plain encoding after being built - which made writing three times slower and reading
    half again slower, for a larger file."""
    return {"use_dictionary": [field.name for field in schema
                               if not pa.types.is_floating(field.type)]}


def write_arrow(path: Path, table: pa.Table) -> None:
    """Write an Arrow table (with its schema metadata) as Parquet, atomically."""
    _replace_from_temp(path, lambda temporary: pq.write_table(
        table, temporary, **parquet_options(table.schema)))


class AtomicParquetWriter:
    """A Parquet file written a row group at a time as its data comes, under a temporary
    name: ``commit`` puts it in place once complete, ``discard`` removes it; a kill
    leaves only the temporary file. The file is the one ``write_arrow`` would write of
    the same rows in one table, but for its row groups."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path = path
        self.temporary = _temporary_beside(path)
        try:
            self._writer = pq.ParquetWriter(self.temporary, schema,
                                            **parquet_options(schema))
        except BaseException:
            self.temporary.unlink(missing_ok=True)
            raise

    def write(self, table: pa.Table) -> None:
        """Append ``table`` (the file's columns and types) as a row group."""
        self._writer.write_table(table)

    def commit(self) -> None:
        try:
            self._writer.close()
            _put_in_place(self.temporary, self.path)
        except BaseException:
            self.temporary.unlink(missing_ok=True)
            raise

    def discard(self) -> None:
        try:
            self._writer.close()
        finally:
            self.temporary.unlink(missing_ok=True)
