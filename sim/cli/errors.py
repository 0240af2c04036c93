"""Errors the CLI reports as one line with exit status 2."""

from __future__ import annotations

import os


class UsageError(Exception):
    """Bad flags, arguments or output folders."""


def describe_os_error(error: OSError) -> str:
    """``FILE: reason`` for a failure of the file system (disk full, read-only, ...)."""
    reason = error.strerror or (os.strerror(error.errno) if error.errno else str(error))
    where = error.filename if error.filename is not None else "storage"
    return f"{where}: {reason}"
