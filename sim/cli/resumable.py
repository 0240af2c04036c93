"""How a command that works on a run or sweep folder ends early: stopped by a signal, by
lost workers or by failing storage, it says so in one line with the command that resumes
the folder - everything stored so far is kept."""

from __future__ import annotations

import errno
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sim.cli.invocation import invocation
from sim.experiment.interrupts import signal_number
from sim.storage_errors import describe_os_error

if TYPE_CHECKING:
    from sim.experiment.runner import Outcome

# Failures that resuming cannot get past until the folder is writable again.
CANNOT_WRITE = (errno.EROFS, errno.EACCES, errno.EPERM)


def resume_hint(folder: Path, command: str, then: str = "") -> str:
    """How to finish the work: resume the folder, and ``then`` what the resume does not
    do (a command line)."""
    hint = f"resume with: {invocation()} {command} --resume {folder}"
    return f"{hint}, then: {then}" if then else hint


def stopped(outcome: Outcome, folder: Path, command: str, unit: str, then: str = ""
            ) -> int | None:
    """Say why a run stopped before its end, and how to resume it (``then``: see
    resume_hint); its exit status (128 + the signal; 2 when workers or storage failed),
    or None when it ran to its end."""
    if not outcome.interrupted:
        return None
    cause = f"stopped: {outcome.stopped}" if outcome.stopped else \
        f"interrupted ({signal.Signals(outcome.signal).name})"
    print(f"{cause}; {outcome.done} of {outcome.jobs} {unit} saved in {folder}; "
          f"{resume_hint(folder, command, then)}", file=sys.stderr)
    return 2 if outcome.stopped else 128 + int(outcome.signal or signal.SIGINT)


def resumable(folder: Path, command: str, work: Callable[[], int], then: str = "") -> int:
    """``work()`` - a run into ``folder`` and what follows it: gathering, summary,
    dashboard - with a stop signal or a storage failure, once the folder is claimed,
    told in one line with the resume command (``then``: see resume_hint). Before the
    claim they go to the command line's error boundary (nothing was written)."""
    try:
        return work()
    except KeyboardInterrupt as interrupt:
        if not (folder / "manifest.json").is_file():
            raise
        number = signal_number(interrupt)
        print(f"interrupted ({signal.Signals(number).name}) while finishing {folder}; "
              f"{resume_hint(folder, command, then)}", file=sys.stderr)
        return 128 + number
    except OSError as error:
        if not (folder / "manifest.json").is_file() or isinstance(error, BrokenPipeError):
            raise
        print(f"error: {describe_os_error(error)}; "
              f"{after_storage_failure(error, folder, command, then)}", file=sys.stderr)
        return 2


def after_storage_failure(error: OSError, folder: Path, command: str, then: str) -> str:
    """What to do once storage failed in a claimed folder. Resuming as it is helps after
    a passing failure (a full disk, once space is freed), not when the folder cannot be
    written (read-only, or not the user's): it must be made writable first - and a
    complete folder has nothing to resume at all."""
    if error.errno not in CANNOT_WRITE:
        return f"what is stored in {folder} is kept; {resume_hint(folder, command, then)}"
    if _is_complete(folder):
        return (f"{folder} is complete: nothing to resume (to rebuild its dashboard, make "
                f"the folder writable and run: {invocation()} dashboard {folder})")
    return (f"what is stored in {folder} is kept; make the folder writable, then "
            f"{resume_hint(folder, command, then)}")


def _is_complete(folder: Path) -> bool:
    from sim.experiment.folder_checks import RunFolderError, read_manifest
    try:
        return read_manifest(folder)["complete"] is True
    except (RunFolderError, OSError):
        return False
