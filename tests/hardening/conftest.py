"""The red-team cases share one published warehouse built once per session (`limwh refresh`
on the embedded snapshot); each test works on its own copy of the data directory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from warehouse.config import TELEMETRY_OFF

TIMEOUT = 900


def limwh_cmd() -> list[str]:
    script = Path(sys.executable).with_name("limwh")
    return [str(script)] if script.exists() else [sys.executable, "-m", "flows.cli"]


def limwh(*args: str, env: dict[str, str], stdin: bytes | None = None, timeout: float = TIMEOUT):
    return subprocess.run(
        [*limwh_cmd(), *args], input=stdin, capture_output=True, env=env, timeout=timeout
    )


def text(proc: subprocess.CompletedProcess) -> str:
    return (proc.stdout + proc.stderr).decode("utf-8", "replace")


@pytest.fixture(scope="session")
def hard_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    env = dict(os.environ)
    env.update(TELEMETRY_OFF)
    env["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect_home_hardening"))
    for key in ("PREFECT_API_URL", "LIMWH_SNAPSHOT_DIR", "LIMWH_DATA_DIR"):
        env.pop(key, None)
    return env


@pytest.fixture(scope="session")
def published_template(tmp_path_factory: pytest.TempPathFactory, hard_env) -> Path:
    data = tmp_path_factory.mktemp("hardening_template") / "data"
    proc = limwh("refresh", "--data-dir", str(data), env=hard_env)
    assert proc.returncode == 0, text(proc)
    return data


@pytest.fixture
def published(published_template: Path, tmp_path: Path) -> Path:
    """A copy of a published data directory, this test's own."""
    data = tmp_path / "data"
    shutil.copytree(published_template, data, symlinks=True)
    return data
