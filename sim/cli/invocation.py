"""How the user called the program - ``python3 run.py`` or the ``alliance-sim`` command
that installing the package adds - so that help examples and "resume with" hints can be
pasted back as they are."""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

SCRIPT = "python3 run.py"
CONSOLE_SCRIPT = "alliance-sim"


def invocation() -> str:
    return CONSOLE_SCRIPT if Path(sys.argv[0]).name == CONSOLE_SCRIPT else SCRIPT


def program_name() -> str:
    """The name usage lines show: ``run.py`` or ``alliance-sim``."""
    return CONSOLE_SCRIPT if invocation() == CONSOLE_SCRIPT else "run.py"


def version() -> str:
    try:
        return metadata.version("alliance-sim")
    except metadata.PackageNotFoundError:  # run from a checkout without installing
        return "(not installed)"
