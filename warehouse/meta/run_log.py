"""The run record and the run log (`DIR/runs.jsonl`): one JSON line per run, failed, no-op and
abandoned runs included, since those never reach a warehouse file."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from warehouse.config import LOCK_FILE, PROJECT_ROOT, DataPaths, open_nofollow
from warehouse.files import file_sha256

__all__ = [
    "RUNNING",
    "TERMINAL",
    "RunInfo",
    "StageTiming",
    "append_record",
    "append_run_log",
    "git_sha",
    "lock_file_sha256",
    "new_run_id",
    "read_run_log",
    "run_log_path",
]

# Outcomes a run ends with in data/runs.jsonl.
TERMINAL = {"published", "failed", "noop", "abandoned", "rolled_back"}
# The line a run writes when it starts: a run log whose last line for a run is this one, with
# no refresh holding the lock, tells of a killed run.
RUNNING = "running"


def new_run_id(now: datetime | None = None) -> str:
    """A sortable, unique run id: UTC timestamp plus a random suffix."""
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%SZ}_{secrets.token_hex(3)}"


def git_sha(root: Path = PROJECT_ROOT) -> str | None:
    """The checked-out commit, suffixed '+dirty' if the tree has changes; None outside git."""
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return f"{sha}+dirty" if dirty else sha


def lock_file_sha256(lock_file: Path = LOCK_FILE) -> str | None:
    return file_sha256(lock_file) if lock_file.exists() else None


@dataclass
class StageTiming:
    stage: str
    started_at: datetime
    finished_at: datetime
    outcome: str  # 'ok' or 'failed'

    @property
    def seconds(self) -> float:
        return round((self.finished_at - self.started_at).total_seconds(), 3)


@dataclass
class RunInfo:
    """What a run did; written to `meta.runs` / `meta.run_stages` and to the run log."""

    run_id: str
    started_at: datetime
    data_dir: str
    snapshot_id: str | None = None
    git_sha: str | None = None
    lock_sha256: str | None = None
    stages: list[StageTiming] = field(default_factory=list)
    outcome: str = "running"
    failed_stage: str | None = None
    reason: str | None = None
    finished_at: datetime | None = None
    published_sha256: str | None = None
    # Live: one line per source whose fetch failed (it fell back on an older version).
    source_faults: list[str] = field(default_factory=list)

    def stage_seconds(self) -> dict[str, float]:
        return {s.stage: s.seconds for s in self.stages}

    def to_json(self) -> dict:
        return {
            "run_id": self.run_id,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "outcome": self.outcome,
            "failed_stage": self.failed_stage,
            "reason": self.reason,
            "data_dir": self.data_dir,
            "snapshot_id": self.snapshot_id,
            "git_sha": self.git_sha,
            "lock_sha256": self.lock_sha256,
            "stage_seconds": self.stage_seconds(),
            "published_sha256": self.published_sha256,
            "source_faults": list(self.source_faults),
        }


def run_log_path(paths: DataPaths) -> Path:
    return paths.run_log


def append_run_log(log_file: Path, run: RunInfo) -> None:
    """One JSON line per run, failed runs included (they never reach the warehouse)."""
    append_record(log_file, run.to_json())


def append_record(log_file: Path, record: dict) -> None:
    """A line of the run log that is not a whole run (a killed run's outcome, a rollback)."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    fd = open_nofollow(log_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, "run log")
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")


def read_run_log(log_file: Path) -> Iterable[dict]:
    if not log_file.exists():
        return []
    out = []
    for line in log_file.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a torn line from a killed run
    return out
