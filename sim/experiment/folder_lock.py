"""One process at a time in a run folder: an exclusive advisory lock (``flock``) on the
folder's ``.lock`` file, taken before anything is written and held until the process has
finished with the folder. The kernel releases it when the process dies, however it dies,
so a killed run never leaves a stale lock behind.

A run's forked pool workers share its lock (they inherit the open file), so that none of
them can still be writing when another run takes the folder. When a run is killed, its
workers die a moment after it (killed with it, or on seeing their parent gone): a resume
started at once waits that moment out rather than calling the folder in use."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from sim.experiment.folder_checks import RunFolderError

LOCK_NAME = ".lock"
# How long to wait for a dead run's workers to let go of its folder.
WORKERS_EXIT_SECONDS = 5.0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, under another user
        return True
    return True


def _locked(handle: int) -> bool:
    """Take the lock if it is free; False if another process holds it."""
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


class FolderLock:
    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_NAME
        self._handle: int | None = None

    def acquire(self) -> None:
        """Take the lock or refuse (never wait for another run to finish: only, for a few
        seconds at most, for a dead run's workers to exit)."""
        handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if not _locked(handle):
                self._wait_for_dead_owner(handle)
            in_place = self._still_in_place(handle)
        except BaseException:
            os.close(handle)
            raise
        if not in_place:
            # Another run took the folder, finished it and removed its lock file meanwhile:
            # the lock taken is on a file no other run would open. Start again.
            os.close(handle)
            self.acquire()
            return
        os.ftruncate(handle, 0)
        os.pwrite(handle, f"{os.getpid()}\n".encode("ascii"), 0)
        self._handle = handle

    def _wait_for_dead_owner(self, handle: int) -> None:
        """The lock is held: refuse at once if its run is alive; if that run has died,
        wait a few seconds for its workers to exit and take the lock."""
        owner = os.read(handle, 32).decode("ascii", "replace").strip()
        if not owner.isdigit() or _alive(int(owner)):
            raise RunFolderError(f"{self.path.parent}: in use by another run (process "
                                 f"{owner or 'unknown'}); wait for it to finish or choose "
                                 "another folder")
        deadline = time.monotonic() + WORKERS_EXIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(0.05)
            if _locked(handle):
                return
        raise RunFolderError(f"{self.path.parent}: still held by the workers of a run that "
                             f"has died (process {owner}); try again in a moment")

    def _still_in_place(self, handle: int) -> bool:
        try:
            return os.fstat(handle).st_ino == os.stat(self.path).st_ino
        except FileNotFoundError:
            return False

    def release(self, remove: bool = False) -> None:
        """Give the lock up; ``remove`` deletes the lock file first (a finished folder
        keeps only its documented files)."""
        if self._handle is None:
            return
        if remove:
            self.path.unlink(missing_ok=True)
        os.close(self._handle)
        self._handle = None
