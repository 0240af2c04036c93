"""How a failure of the file system reads in one line, wherever it is reported (the
command line, sweeps, the play page). Standalone and light: the command line imports it
before any numerical library."""

from __future__ import annotations

import os


def describe_os_error(error: OSError) -> str:
    """``FILE: reason`` for a failure of the file system (disk full, read-only, ...)."""
    reason = error.strerror or (os.strerror(error.errno) if error.errno else str(error))
    where = error.filename if error.filename is not None else "storage"
    return f"{where}: {reason}"
