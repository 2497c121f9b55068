"""Operations tests share one real Prefect server per session (127.0.0.1, temporary
PREFECT_HOME): the served deployment needs one, and `limwh refresh` against it skips the
ephemeral API's start-up in every subprocess.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from extract.paths import SNAPSHOT_DIR
from flows.deployment import prefect_server
from warehouse.config import TELEMETRY_OFF

TIMEOUT = 900


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def ops_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    if not (SNAPSHOT_DIR / "manifest.json").exists():
        pytest.skip(f"no embedded snapshot ({SNAPSHOT_DIR / 'manifest.json'})")
    home = tmp_path_factory.mktemp("prefect_server_home")
    env = dict(os.environ)
    env.update(TELEMETRY_OFF)
    env["PREFECT_HOME"] = str(home)
    for key in ("PREFECT_API_URL", "LIMWH_SNAPSHOT_DIR", "LIMWH_DATA_DIR", "LIMWH_FAULT_PAUSE_AT"):
        env.pop(key, None)
    with prefect_server(_free_port(), env=env, log=home / "server.log") as api_url:
        env["PREFECT_API_URL"] = api_url
        env["PREFECT_LOGGING_LEVEL"] = "WARNING"
        yield env


def limwh_cmd() -> list[str]:
    script = Path(sys.executable).with_name("limwh")
    return [str(script)] if script.exists() else [sys.executable, "-m", "flows.cli"]


def run_limwh(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*limwh_cmd(), *args], capture_output=True, text=True, env=env, timeout=TIMEOUT
    )


def describe(proc: subprocess.CompletedProcess[str]) -> str:
    return f"exit {proc.returncode}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"


def wait_for_file(path: Path, proc: subprocess.Popen, timeout: float = TIMEOUT) -> None:
    """Wait until a paused refresh signals it reached its fault point (or dies trying)."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            out, err = proc.communicate()
            raise AssertionError(
                f"refresh ended (exit {proc.returncode}) before pausing:\n{out}\n{err}"
            )
        if time.monotonic() > deadline:
            raise AssertionError(f"refresh never reached its fault point ({path})")
        time.sleep(0.2)


def kill_group(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
