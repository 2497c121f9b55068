"""One good `limwh refresh` per test session, shared by the end-to-end tests.

Each refresh starts Prefect's ephemeral API (about 20 s here), so it runs once.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from extract.paths import SNAPSHOT_DIR
from warehouse.config import TELEMETRY_OFF

TIMEOUT = 900


@dataclass
class Refresh:
    returncode: int
    stdout: str
    stderr: str

    def describe(self) -> str:
        return f"exit {self.returncode}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


def limwh(*args: str, env: dict[str, str]) -> Refresh:
    script = Path(sys.executable).with_name("limwh")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "flows.cli"]
    proc = subprocess.run(
        [*cmd, *args], capture_output=True, text=True, env=env, timeout=TIMEOUT, check=False
    )
    return Refresh(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(scope="session")
def e2e_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    env = dict(os.environ)
    env.update(TELEMETRY_OFF)
    env["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect_home"))
    env.pop("PREFECT_API_URL", None)  # the ephemeral API on loopback, never a remote server
    env.pop("LIMWH_SNAPSHOT_DIR", None)
    env.pop("LIMWH_DATA_DIR", None)
    return env


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="session")
def good_run(e2e_env: dict[str, str], data_dir: Path) -> Refresh:
    if not (SNAPSHOT_DIR / "manifest.json").exists():
        pytest.skip(f"no embedded snapshot yet ({SNAPSHOT_DIR / 'manifest.json'})")
    return limwh("refresh", "--data-dir", str(data_dir), env=e2e_env)
