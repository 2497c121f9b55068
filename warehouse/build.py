"""New build files, their storage version, and the run metadata written into them."""

from __future__ import annotations

import json
import secrets
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from warehouse.config import PROJECT_ROOT, DataPaths

# DuckDB 1.x clients (bundled by many BI drivers) can only open files in this format.
STORAGE_VERSION = "v1.0.0"
LOCK_FILE = PROJECT_ROOT / "requirements.lock"


class BuildError(RuntimeError):
    """A build file that cannot be created or is not in the required format."""


def new_run_id(now: datetime | None = None) -> str:
    """A sortable, unique run id: UTC timestamp plus a random suffix."""
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%SZ}_{secrets.token_hex(3)}"


def new_build(paths: DataPaths, run_id: str) -> Path:
    """Create an empty build file for `run_id`, written in STORAGE_VERSION.

    The storage version is fixed when the file is created; later writers (dbt, the loader) keep
    it, which `storage_version` lets the caller verify.
    """
    build_file = paths.build_file(run_id)
    if build_file.exists():
        raise BuildError(f"build file already exists: {build_file}")
    build_file.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{_sql_str(build_file)}' AS b (STORAGE_VERSION '{STORAGE_VERSION}')")
        con.execute("CHECKPOINT b")
        con.execute("DETACH b")
    finally:
        con.close()
    return build_file


def storage_version(db_file: Path) -> str:
    """The storage version a DuckDB file is written in, e.g. 'v1.0.0'.

    DuckDB reports it as the oldest release able to read the file ('v1.0.0+').
    """
    con = duckdb.connect(str(db_file), read_only=True)
    try:
        rows = con.execute(
            "SELECT tags['storage_version'] FROM duckdb_databases() "
            "WHERE database_name = current_database()"
        ).fetchall()
    finally:
        con.close()
    if not rows or not rows[0][0]:
        raise BuildError(f"cannot tell the storage version of {db_file}")
    return str(rows[0][0]).rstrip("+")


def check_storage_version(db_file: Path, expected: str = STORAGE_VERSION) -> None:
    found = storage_version(db_file)
    if found != expected:
        raise BuildError(
            f"{db_file} is in storage version {found}, not {expected}: "
            "DuckDB 1.x clients could not open it"
        )


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
    from warehouse.publish import file_sha256

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
        }


_RUNS_DDL = """
CREATE TABLE IF NOT EXISTS b.meta.runs (
    run_id VARCHAR PRIMARY KEY,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    outcome VARCHAR,
    git_sha VARCHAR,
    lock_sha256 VARCHAR,
    snapshot_id VARCHAR,
    stage_seconds VARCHAR,
    seconds_total DOUBLE
)
"""
_STAGES_DDL = """
CREATE TABLE IF NOT EXISTS b.meta.run_stages (
    run_id VARCHAR,
    stage VARCHAR,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    seconds DOUBLE,
    outcome VARCHAR
)
"""

_CHECKS_DDL = """
CREATE TABLE IF NOT EXISTS b.meta.check_results (
    run_id VARCHAR,
    check_name VARCHAR,
    success BOOLEAN,
    rows_checked BIGINT,
    failed_row_count BIGINT,
    details VARCHAR,
    failed_rows_json VARCHAR,
    build_path VARCHAR,
    checked_at TIMESTAMP
)
"""


def write_run_meta(build_file: Path, run: RunInfo, previous: Path | None = None) -> None:
    """Write `meta.runs` and `meta.run_stages` into the build, carrying the published file's
    history forward so the warehouse knows every run that produced it.

    Timestamps are naive UTC (TIMESTAMP, readable by every client). Called just before
    publishing, so this run's row says outcome 'published' and covers the stages so far.
    """
    now = datetime.now(UTC)
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{_sql_str(build_file)}' AS b")
        con.execute("CREATE SCHEMA IF NOT EXISTS b.meta")
        con.execute(_RUNS_DDL)
        con.execute(_STAGES_DDL)
        if previous is not None and previous.exists():
            _copy_history(con, previous)
        con.execute("DELETE FROM b.meta.runs WHERE run_id = ?", [run.run_id])
        con.execute("DELETE FROM b.meta.run_stages WHERE run_id = ?", [run.run_id])
        con.execute(
            "INSERT INTO b.meta.runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run.run_id,
                _naive(run.started_at),
                _naive(now),
                "published",
                run.git_sha,
                run.lock_sha256,
                run.snapshot_id,
                json.dumps(run.stage_seconds()),
                round((now - run.started_at).total_seconds(), 3),
            ],
        )
        for s in run.stages:
            con.execute(
                "INSERT INTO b.meta.run_stages VALUES (?, ?, ?, ?, ?, ?)",
                [
                    run.run_id,
                    s.stage,
                    _naive(s.started_at),
                    _naive(s.finished_at),
                    s.seconds,
                    s.outcome,
                ],
            )
        con.execute("CHECKPOINT b")
        con.execute("DETACH b")
    finally:
        con.close()


def write_check_results(build_file: Path, report: Any, run_id: str) -> None:
    """Store an expectations CheckReport in `meta.check_results` of the build (failed builds
    too: they are kept for inspection)."""
    rows = report.to_rows(run_id)
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{_sql_str(build_file)}' AS b")
        con.execute("CREATE SCHEMA IF NOT EXISTS b.meta")
        con.execute(_CHECKS_DDL)
        con.execute("DELETE FROM b.meta.check_results WHERE run_id = ?", [run_id])
        for r in rows:
            con.execute(
                "INSERT INTO b.meta.check_results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    r["run_id"],
                    r["check_name"],
                    bool(r["success"]),
                    int(r["rows_checked"] or 0),
                    int(r["failed_row_count"] or 0),
                    r["details"],
                    r["failed_rows_json"],
                    r["build_path"],
                    _naive(r["checked_at"]),
                ],
            )
        con.execute("CHECKPOINT b")
        con.execute("DETACH b")
    finally:
        con.close()


def _copy_history(con: duckdb.DuckDBPyConnection, previous: Path) -> None:
    # Best effort: an unreadable or older published file only costs the history.
    try:
        con.execute(f"ATTACH '{_sql_str(previous)}' AS prev (READ_ONLY)")
    except duckdb.Error:
        return
    try:
        tables = _table_names(con, "prev", "meta")
        for table in ("runs", "run_stages"):
            if table in tables:
                con.execute(
                    f"INSERT INTO b.meta.{table} BY NAME SELECT * FROM prev.meta.{table} "
                    f"WHERE run_id NOT IN (SELECT run_id FROM b.meta.{table})"
                )
    except duckdb.Error:
        pass
    finally:
        con.execute("DETACH prev")


def _table_names(con: duckdb.DuckDBPyConnection, catalog: str, schema: str) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = ?",
        [catalog, schema],
    ).fetchall()
    return {r[0] for r in rows}


def list_tables(db_file: Path, schema: str) -> list[str]:
    """Tables (not views) in `schema` of a DuckDB file, opened read-only."""
    con = duckdb.connect(str(db_file), read_only=True)
    try:
        rows = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = ? ORDER BY table_name",
            [schema],
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


def run_log_path(paths: DataPaths) -> Path:
    return paths.root / "runs.jsonl"


def append_run_log(log_file: Path, run: RunInfo) -> None:
    """One JSON line per run, failed runs included (they never reach the warehouse)."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(run.to_json()) + "\n")


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


def _naive(ts: datetime) -> datetime:
    return ts.astimezone(UTC).replace(tzinfo=None)


def _sql_str(path: Path) -> str:
    return str(path).replace("'", "''")
