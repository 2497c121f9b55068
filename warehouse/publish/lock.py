"""One run at a time: `DIR/.refresh.lock`, held by a refresh (and by rollback and retention)
for its whole duration."""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from warehouse.config import DataPaths, open_nofollow

__all__ = ["RunLockedError", "run_lock", "running_refresh"]


class RunLockedError(RuntimeError):
    """Another refresh holds the run lock."""


# flock conflicts between two open() calls even inside one process, so a process that already
# holds the lock (the CLI, then the flow it starts) re-enters instead of locking itself out.
_held: dict[Path, int] = {}
_held_guard = threading.Lock()


@contextlib.contextmanager
def run_lock(paths: DataPaths, run_id: str | None = None) -> Iterator[Path]:
    """Hold data/.refresh.lock for the duration of a run; fail at once if another process does.

    The lock file keeps the holder's pid and run id so the refusal can name them. The kernel
    releases the lock when the holder dies, so a crashed run never blocks the next one.
    """
    lock_file = paths.run_lock
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    key = lock_file.resolve()
    with _held_guard:
        if key in _held:
            _held[key] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield lock_file
        finally:
            with _held_guard:
                _held[key] -= 1
        return

    fd = open_nofollow(lock_file, os.O_RDWR | os.O_CREAT, "lock file")
    try:
        _lock_or_refuse(fd, lock_file)
        os.ftruncate(fd, 0)
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        os.write(fd, f"pid={os.getpid()} run_id={run_id or '-'} since={stamp}\n".encode())
        os.fsync(fd)
        with _held_guard:
            _held[key] = 1
        try:
            yield lock_file
        finally:
            with _held_guard:
                _held.pop(key, None)
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# A `limwh status` probe holds a shared lock for an instant and writes no holder line: a run
# that meets an empty line waits this long before it gives up.
PROBE_GRACE_SECONDS = 2.0


def _lock_or_refuse(fd: int, lock_file: Path) -> None:
    deadline = time.monotonic() + PROBE_GRACE_SECONDS
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            holder = _read_holder(fd)
            if holder == NO_HOLDER and time.monotonic() < deadline:
                time.sleep(0.05)
                continue
            raise RunLockedError(
                f"another refresh is running ({holder}); lock file {lock_file}"
            ) from None


NO_HOLDER = "holder pid unknown"


def _read_holder(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 4096).decode(errors="replace").strip()
    except OSError:
        text = ""
    return text or NO_HOLDER


def running_refresh(paths: DataPaths) -> str | None:
    """The holder's line while a refresh holds the lock, else None. Judged by the lock itself
    (a shared lock taken and dropped at once), never by a pid, which another process may have
    been given since."""
    try:
        fd = open_nofollow(paths.run_lock, os.O_RDONLY, "lock file")
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_holder(fd)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
