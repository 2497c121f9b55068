"""Processes a killed refresh leaves behind: Prefect's ephemeral API server is a child process
that outlives a SIGKILLed parent (it is re-parented and keeps listening on 127.0.0.1).

A refresh marks its environment (inherited by every child) with the data directory and its own
pid. The next refresh of the same data directory, holding the run lock (so no other refresh is
alive), ends every process that carries the mark of another pid. Linux (/proc) only.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

__all__ = ["OWNER_ENV", "end_leftovers", "mark_children"]

OWNER_ENV = "LIMWH_REFRESH_OWNER"
PROC = Path("/proc")


def mark_children(data_root: Path) -> None:
    """Mark this process's environment, and so every child it starts from now on."""
    os.environ[OWNER_ENV] = f"{data_root}:{os.getpid()}"


def end_leftovers(data_root: Path, proc: Path = PROC) -> list[int]:
    """Call under the run lock: end the processes earlier refreshes of `data_root` left
    behind. Returns their pids."""
    if not proc.is_dir():
        return []
    prefix = f"{OWNER_ENV}={data_root}:".encode()
    mine = f"{os.getpid()}".encode()
    found = []
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if entry.stat().st_uid != os.getuid():
                continue
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue  # gone, or not ours to read
        marks = [v for v in environ if v.startswith(prefix)]
        if marks and marks[0][len(prefix) :] != mine:
            found.append(int(entry.name))
    for pid in found:
        _end(pid)
    return found


def _end(pid: int, grace: float = 5.0) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
