"""One process at a time in a run folder: an exclusive advisory lock (``flock``) on the
folder's ``.lock`` file, taken before anything is written and held until the process has
finished with the folder. The kernel releases it when the process dies, however it dies,
so a killed run never leaves a stale lock behind."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from sim.experiment.folder_checks import RunFolderError

LOCK_NAME = ".lock"


class FolderLock:
    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_NAME
        self._handle: int | None = None

    def acquire(self) -> None:
        """Take the lock or refuse at once (never wait for another run to finish)."""
        handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = os.read(handle, 32).decode("ascii", "replace").strip()
            os.close(handle)
            raise RunFolderError(f"{self.path.parent}: in use by another run (process "
                                 f"{owner or 'unknown'}); wait for it to finish or choose "
                                 "another folder") from None
        except BaseException:
            os.close(handle)
            raise
        os.ftruncate(handle, 0)
        os.write(handle, f"{os.getpid()}\n".encode("ascii"))
        self._handle = handle

    def release(self, remove: bool = False) -> None:
        """Give the lock up; ``remove`` deletes the lock file first (a finished folder
        keeps only its documented files)."""
        if self._handle is None:
            return
        if remove:
            self.path.unlink(missing_ok=True)
        os.close(self._handle)
        self._handle = None
