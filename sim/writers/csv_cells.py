"""CSV files that are safe to open in a spreadsheet.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
spreadsheet programs as a formula (OWASP, "CSV injection"). Text cells - scenario and
category names, whatever a file supplied - are written with a leading apostrophe then,
which spreadsheets show as text; cells already starting with an apostrophe get one more,
so :func:`restore` gives back exactly what was written. Numbers are never touched.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pandas as pd

from sim.writers.atomic import atomic_write_text

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "'")


def _neutral(value: Any) -> Any:
    return "'" + value if isinstance(value, str) and value.startswith(TRIGGERS) else value


def _restored(value: Any) -> Any:
    return value[1:] if isinstance(value, str) and value.startswith("'") else value


def _text_columns(frame: pd.DataFrame) -> list[Any]:
    return [column for column in frame.columns
            if pd.api.types.is_object_dtype(frame[column])
            or pd.api.types.is_string_dtype(frame[column])]


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells (and column names) cannot start a formula."""
    safe = frame.copy()
    for column in _text_columns(safe):
        safe[column] = safe[column].map(_neutral)
    safe.columns = [_neutral(column) for column in safe.columns]
    return safe


def restore(frame: pd.DataFrame) -> pd.DataFrame:
    """The inverse of :func:`neutralise`, for a table read back with pandas."""
    frame.columns = [_restored(column) for column in frame.columns]
    for column in _text_columns(frame):
        frame[column] = frame[column].map(_restored)
    return frame


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    """Write ``frame`` as CSV (no index), neutralised, atomically. Text is quoted: a
    carriage return inside a cell must not end the row for the reader."""
    atomic_write_text(path, neutralise(frame).to_csv(index=False,
                                                     quoting=csv.QUOTE_NONNUMERIC))
