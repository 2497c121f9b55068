"""The DuckDB releases BI drivers bundle, installed beside the venv by `make install`
(`compat/duckdb-<minor>.lock`, hashes checked): tests open the published file with each."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

VENV = Path(sys.executable).parents[1]
# The releases the BI guide names; "current" is the warehouse's own DuckDB.
CLIENTS = ("1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "current")


def client_dir(version: str) -> Path | None:
    return None if version == "current" else VENV / f"duckdb-{version}"


def run_client(version: str, script: str, *args: str, **kwargs) -> subprocess.Popen | None:
    """Start `python -c script args` with DuckDB `version` importable first."""
    folder = client_dir(version)
    env = dict(os.environ)
    if folder is not None:
        if not folder.is_dir():
            pytest.fail(f"DuckDB {version} is not installed at {folder}: run `make install`")
        env["PYTHONPATH"] = str(folder)
    return subprocess.Popen([sys.executable, "-c", script, *args], env=env, text=True, **kwargs)
