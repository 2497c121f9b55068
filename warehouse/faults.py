"""Fault injection for the crash tests: pause a refresh at a named point so a test can SIGKILL it
there.

Off unless `LIMWH_FAULT_PAUSE_AT` names a point. When the process reaches that point it writes
its pid to the file named by `LIMWH_FAULT_READY_FILE` (if set) and then sleeps until it is
killed. Points: extract (raw files stored), load (the loader's write transaction open),
dbt_build (dbt's DuckDB connection open, after the first model), expectations (checks done),
exports (written to a temporary folder), publish:before_replace, publish:after_replace.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

PAUSE_AT_ENV = "LIMWH_FAULT_PAUSE_AT"
READY_FILE_ENV = "LIMWH_FAULT_READY_FILE"
POINTS = (
    "extract",
    "load",
    "dbt_build",
    "expectations",
    "publish:before_replace",
    "publish:after_replace",
    "exports",
)


def fault_point(name: str) -> None:
    """Pause here forever if the environment asks for it (tests only)."""
    if os.environ.get(PAUSE_AT_ENV) != name:
        return
    ready = os.environ.get(READY_FILE_ENV)
    if ready:
        partial = Path(ready).with_name(Path(ready).name + ".partial")
        partial.write_text(f"{os.getpid()} {name}\n", encoding="utf-8")
        os.replace(partial, ready)
    while True:  # until SIGKILL
        time.sleep(3600)
