"""One run at a time: `DIR/.refresh.lock`, held by a refresh (and by rollback and retention)
for its whole duration."""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from warehouse.config import DataPaths

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

    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            raise RunLockedError(
                f"another refresh is running ({holder}); lock file {lock_file}"
            ) from None
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


def _read_holder(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 4096).decode(errors="replace").strip()
    except OSError:
        text = ""
    return text or "holder pid unknown"


def running_refresh(paths: DataPaths) -> str | None:
    """The lock file's holder line if that process is alive (never takes the lock itself: a
    probe could make a starting refresh fail)."""
    try:
        text = paths.run_lock.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    fields = dict(part.split("=", 1) for part in text.split() if "=" in part)
    try:
        pid = int(fields.get("pid", ""))
    except ValueError:
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None  # a killed run's line: the kernel released its lock
    except PermissionError:
        pass  # alive, another user's
    return text
