"""Where things live: the project's own folders and the runtime data directory."""

from __future__ import annotations

import errno
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


class UnsafePathError(RuntimeError):
    """A file or folder of the data directory that is a symbolic link: the warehouse never
    follows one, so a link cannot make it write, truncate or delete anything elsewhere."""


def refuse_symlink(path: Path, what: str) -> None:
    if path.is_symlink():
        raise UnsafePathError(
            f"{what} {path} is a symbolic link (to {os.readlink(path)}): refusing to follow it; "
            "the data directory holds only the warehouse's own files"
        )


def open_nofollow(path: Path, flags: int, what: str, mode: int = 0o644) -> int:
    """os.open that refuses a symbolic link at the last component (O_NOFOLLOW)."""
    try:
        return os.open(path, flags | os.O_NOFOLLOW, mode)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            refuse_symlink(path, what)
        raise


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
    def published_record(self) -> Path:
        """The published file's record (warehouse.meta.published_record), read instead of the
        published file by publishing and `limwh status`."""
        return self.root / f".{PUBLISHED_BASENAME}.record"

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

    @property
    def run_log(self) -> Path:
        return self.root / "runs.jsonl"

    def owned(self) -> list[tuple[Path, str]]:
        """Every file and folder the warehouse writes in the data directory (the folder itself
        may be a link, e.g. to another disk; nothing inside it may)."""
        return [
            (self.raw_store, "raw store"),
            (self.builds, "builds folder"),
            (self.releases, "releases folder"),
            (self.root / "exports.d", "exports folder"),
            (self.root / "inbox", "inbox folder"),
            (self.root / "report", "report folder"),
            (self.run_lock, "lock file"),
            (self.run_log, "run log"),
            (self.published, "published warehouse"),
            (self.published_record, "published record"),
        ]

    def ensure(self) -> None:
        """Create the folders, after refusing any of the warehouse's own paths that is a
        symbolic link."""
        self.root.mkdir(parents=True, exist_ok=True)
        for path, what in self.owned():
            refuse_symlink(path, what)
        for folder in (self.raw_store, self.builds, self.releases):
            folder.mkdir(parents=True, exist_ok=True)
