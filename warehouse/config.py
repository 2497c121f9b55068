"""Where things live: the project's own folders and the runtime data directory."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
LOCK_FILE = PROJECT_ROOT / "requirements.lock"

PUBLISHED_BASENAME = "warehouse.duckdb"
DATA_DIR_ENV = "LIMWH_DATA_DIR"

# Telemetry stays off everywhere the stack would otherwise phone home.
TELEMETRY_OFF = {
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "GX_ANALYTICS_ENABLED": "false",
}


def disable_telemetry() -> None:
    for key, value in TELEMETRY_OFF.items():
        os.environ.setdefault(key, value)


@dataclass(frozen=True)
class DataPaths:
    """The runtime data directory (git-ignored, default `data/`)."""

    root: Path

    @classmethod
    def resolve(cls, data_dir: str | os.PathLike[str] | None = None) -> DataPaths:
        chosen = data_dir or os.environ.get(DATA_DIR_ENV) or "data"
        return cls(Path(chosen).expanduser().resolve())

    @property
    def raw_store(self) -> Path:
        return self.root / "raw"

    @property
    def builds(self) -> Path:
        return self.root / "builds"

    @property
    def published(self) -> Path:
        return self.root / PUBLISHED_BASENAME

    @property
    def releases(self) -> Path:
        return self.root / "releases"

    @property
    def run_lock(self) -> Path:
        return self.root / ".refresh.lock"

    def build_file(self, run_id: str) -> Path:
        """A new build file, with the published file's basename (dbt-duckdb names its catalog
        after it)."""
        return self.builds / run_id / PUBLISHED_BASENAME

    def ensure(self) -> None:
        for folder in (self.root, self.raw_store, self.builds, self.releases):
            folder.mkdir(parents=True, exist_ok=True)
