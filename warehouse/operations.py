"""Nightly operations around write-audit-publish: clean up after killed runs, record what a build
was made from (its input fingerprint, its schema diff against the previous release, the runs
that never reached a published file), and decide whether a refresh is a no-op.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from warehouse import build as wb
from warehouse.config import DataPaths
from warehouse.fingerprint import Fingerprint

KEEP_RELEASES_ENV = "LIMWH_KEEP_RELEASES"
DEFAULT_KEEP_RELEASES = 5
# Outcomes a run ends with in data/runs.jsonl.
TERMINAL = {"published", "failed", "noop", "abandoned", "rolled_back"}


def keep_releases() -> int:
    """How many previous published files to keep under releases/ ($LIMWH_KEEP_RELEASES, 5)."""
    raw = os.environ.get(KEEP_RELEASES_ENV, "").strip()
    if not raw:
        return DEFAULT_KEEP_RELEASES
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{KEEP_RELEASES_ENV}={raw!r} is not a whole number") from None
    if value < 1:
        raise ValueError(f"{KEEP_RELEASES_ENV}={raw!r}: keep at least 1 release")
    return value


# --- after a crash ------------------------------------------------------------------------


@dataclass(frozen=True)
class Cleanup:
    abandoned: list[str]  # run ids of killed runs whose build folder was removed
    recovered: list[str]  # run ids killed after their os.replace (their file is published)
    removed: list[Path]  # temporary files removed

    def lines(self) -> list[str]:
        out = []
        for run_id in self.abandoned:
            out.append(f"  run {run_id} died before publishing: its build folder is removed")
        for run_id in self.recovered:
            out.append(f"  run {run_id} died just after publishing: its file stays published")
        if self.removed:
            out.append(f"  removed {len(self.removed)} leftover temporary file(s)")
        return out


def cleanup_after_crashes(paths: DataPaths, current_run_id: str) -> Cleanup:
    """Call under the run lock, before a run starts: no other run can be alive.

    A build folder whose run never wrote its outcome to runs.jsonl belongs to a killed run.
    If that run's file is the published one (killed just after the os.replace), the run is
    recorded as published; otherwise as abandoned, and its folder (with any DuckDB .wal) goes.
    Half-written release copies, raw-store files and export folders are removed too.
    """
    log = wb.run_log_path(paths)
    finished = {r.get("run_id") for r in wb.read_run_log(log) if r.get("outcome") in TERMINAL}
    published_id = _published_run_id(paths)
    abandoned, recovered, removed = [], [], []
    if paths.builds.exists():
        for folder in sorted(p for p in paths.builds.iterdir() if p.is_dir()):
            run_id = folder.name
            if run_id == current_run_id or run_id in finished:
                continue
            now = datetime.now(UTC).isoformat()
            if run_id == published_id:
                recovered.append(run_id)
                record = {"run_id": run_id, "outcome": "published", "finished_at": now}
                record["reason"] = "the process died after its os.replace; recovered"
            else:
                abandoned.append(run_id)
                shutil.rmtree(folder, ignore_errors=True)
                record = {"run_id": run_id, "outcome": "abandoned", "finished_at": now}
                record["reason"] = "the process died before publishing (killed or crashed)"
            record["recorded_by"] = current_run_id
            _append_json(log, record)
    for pattern_root, pattern in (
        (paths.releases, "*.partial"),
        (paths.raw_store, "**/.*.partial"),
        (paths.root, ".exports.*"),
        (paths.root / "exports.d", ".*.tmp"),
    ):
        if pattern_root.exists():
            for leftover in pattern_root.glob(pattern):
                if leftover.is_dir() and not leftover.is_symlink():
                    shutil.rmtree(leftover, ignore_errors=True)
                else:
                    leftover.unlink(missing_ok=True)
                removed.append(leftover)
    return Cleanup(abandoned, recovered, removed)


def _append_json(log: Path, record: dict) -> None:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")


def _published_run_id(paths: DataPaths) -> str | None:
    from warehouse.publish import published_run_id

    return published_run_id(paths.published) if paths.published.is_file() else None


# --- what a build was made from ------------------------------------------------------------

_INPUTS_DDL = """
CREATE TABLE IF NOT EXISTS b.meta.build_inputs (
    run_id VARCHAR PRIMARY KEY,
    fingerprint VARCHAR,
    code_sha256 VARCHAR,
    seeds_sha256 VARCHAR,
    lock_sha256 VARCHAR,
    sources_json VARCHAR,
    recorded_at TIMESTAMP
)
"""
_SCHEMA_CHANGES_DDL = """
CREATE TABLE IF NOT EXISTS b.meta.schema_changes (
    run_id VARCHAR,
    previous_run_id VARCHAR,
    change VARCHAR,
    table_schema VARCHAR,
    table_name VARCHAR,
    column_name VARCHAR,
    old_type VARCHAR,
    new_type VARCHAR,
    recorded_at TIMESTAMP
)
"""
_FAILURES_DDL = """
CREATE TABLE IF NOT EXISTS b.meta.run_failures (
    run_id VARCHAR,
    outcome VARCHAR,
    failed_stage VARCHAR,
    reason VARCHAR
)
"""
DIFF_SCHEMAS = ("marts",)


def record_build_meta(
    build_file: Path,
    run_id: str,
    fingerprint: Fingerprint | None,
    previous: Path | None,
    run_log: Path | None = None,
) -> list[dict]:
    """Write into the build, before it is published: `meta.build_inputs` (its fingerprint),
    `meta.schema_changes` (marts and columns added, removed or retyped since the published
    file) and, in `meta.runs` / `meta.run_failures`, the runs since the last publish that never
    reached a published file (failed, no-op, abandoned, rollbacks). History is carried forward.

    Returns this run's schema changes.
    """
    previous = previous if previous is not None and previous.is_file() else None
    changes = schema_diff(build_file, previous) if previous else []
    previous_id = _run_id_of(previous) if previous else None
    now = datetime.now(UTC).replace(tzinfo=None)
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{_sql(build_file)}' AS b")
        con.execute("CREATE SCHEMA IF NOT EXISTS b.meta")
        for ddl in (_INPUTS_DDL, _SCHEMA_CHANGES_DDL, _FAILURES_DDL):
            con.execute(ddl)
        if previous:
            _carry(con, previous, ("build_inputs", "schema_changes", "run_failures"))
        if fingerprint is not None:
            con.execute("DELETE FROM b.meta.build_inputs WHERE run_id = ?", [run_id])
            con.execute(
                "INSERT INTO b.meta.build_inputs VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    run_id,
                    fingerprint.digest,
                    fingerprint.code_sha256,
                    fingerprint.seeds_sha256,
                    fingerprint.lock_sha256,
                    json.dumps([list(s) for s in fingerprint.sources]),
                    now,
                ],
            )
        con.execute("DELETE FROM b.meta.schema_changes WHERE run_id = ?", [run_id])
        for c in changes:
            con.execute(
                "INSERT INTO b.meta.schema_changes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    run_id,
                    previous_id,
                    c["change"],
                    c["table_schema"],
                    c["table_name"],
                    c["column_name"],
                    c["old_type"],
                    c["new_type"],
                    now,
                ],
            )
        if run_log is not None:
            _runs_from_log(con, run_log, run_id)
        con.execute("CHECKPOINT b")
        con.execute("DETACH b")
    finally:
        con.close()
    return changes


def _runs_from_log(con: duckdb.DuckDBPyConnection, run_log: Path, current: str) -> None:
    """Runs that never produced a file still belong in meta.runs, for SQL users."""
    if not _has_table(con, "b", "meta", "runs"):
        return
    known = {r[0] for r in con.execute("SELECT run_id FROM b.meta.runs").fetchall()}
    for r in wb.read_run_log(run_log):
        run_id = r.get("run_id")
        if not run_id or run_id == current or run_id in known or r.get("outcome") == "published":
            continue
        known.add(run_id)
        started = _ts(r.get("started_at")) or _ts(r.get("finished_at"))
        finished = _ts(r.get("finished_at"))
        total = (finished - started).total_seconds() if started and finished else None
        con.execute(
            "INSERT INTO b.meta.runs (run_id, started_at, finished_at, outcome, git_sha, "
            "lock_sha256, snapshot_id, stage_seconds, seconds_total) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                started,
                finished,
                r.get("outcome"),
                r.get("git_sha"),
                r.get("lock_sha256"),
                r.get("snapshot_id"),
                json.dumps(r.get("stage_seconds") or {}),
                total,
            ],
        )
        con.execute(
            "INSERT INTO b.meta.run_failures VALUES (?, ?, ?, ?)",
            [run_id, r.get("outcome"), r.get("failed_stage"), r.get("reason")],
        )


def _ts(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def _carry(con: duckdb.DuckDBPyConnection, previous: Path, tables: tuple[str, ...]) -> None:
    try:
        con.execute(f"ATTACH '{_sql(previous)}' AS prev (READ_ONLY)")
    except duckdb.Error:
        return  # an unreadable previous file only costs the history
    try:
        for table in tables:
            if _has_table(con, "prev", "meta", table):
                key = "run_id"
                con.execute(
                    f"INSERT INTO b.meta.{table} BY NAME SELECT * FROM prev.meta.{table} "
                    f"WHERE {key} NOT IN (SELECT {key} FROM b.meta.{table})"
                )
    except duckdb.Error:
        pass
    finally:
        con.execute("DETACH prev")


def _has_table(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "SELECT 1 FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? "
            "AND table_name = ?",
            [catalog, schema, table],
        ).fetchall()
    )


def columns(db_file: Path, schemas: tuple[str, ...] = DIFF_SCHEMAS) -> dict[tuple, str]:
    """{(schema, table, column): data_type} of the tables of `schemas` in a DuckDB file."""
    con = duckdb.connect(str(db_file), read_only=True)
    try:
        rows = con.execute(
            "SELECT c.schema_name, c.table_name, c.column_name, c.data_type "
            "FROM duckdb_columns() c JOIN duckdb_tables() t "
            "ON c.database_name = t.database_name AND c.schema_name = t.schema_name "
            "AND c.table_name = t.table_name "
            "WHERE c.database_name = current_database() AND list_contains(?, c.schema_name)",
            [list(schemas)],
        ).fetchall()
    finally:
        con.close()
    return {(s, t, c): kind for s, t, c, kind in rows}


def schema_diff(new: Path, old: Path, schemas: tuple[str, ...] = DIFF_SCHEMAS) -> list[dict]:
    """Tables and columns added, removed or retyped in `new` against `old`."""
    after, before = columns(new, schemas), columns(old, schemas)
    tables_after = {k[:2] for k in after}
    tables_before = {k[:2] for k in before}
    out: list[dict] = []

    def add(change: str, key: tuple, old_type: str | None = None, new_type: str | None = None):
        out.append(
            {
                "change": change,
                "table_schema": key[0],
                "table_name": key[1],
                "column_name": key[2] if len(key) > 2 else None,
                "old_type": old_type,
                "new_type": new_type,
            }
        )

    for t in sorted(tables_after - tables_before):
        add("table_added", t)
    for t in sorted(tables_before - tables_after):
        add("table_removed", t)
    for key in sorted(after.keys() - before.keys()):
        if key[:2] in tables_before:
            add("column_added", key, None, after[key])
    for key in sorted(before.keys() - after.keys()):
        if key[:2] in tables_after:
            add("column_removed", key, before[key], None)
    for key in sorted(after.keys() & before.keys()):
        if after[key] != before[key]:
            add("column_retyped", key, before[key], after[key])
    return out


def _run_id_of(db_file: Path) -> str | None:
    from warehouse.publish import published_run_id

    return published_run_id(db_file)


# --- no-op ---------------------------------------------------------------------------------


def published_inputs(paths: DataPaths) -> dict[str, Any] | None:
    """The fingerprint (as Fingerprint.to_json()) of the published build, with its run_id."""
    if not paths.published.is_file():
        return None
    run_id = _run_id_of(paths.published)
    try:
        con = duckdb.connect(str(paths.published), read_only=True)
    except duckdb.Error:
        return None
    try:
        rows = con.execute(
            "SELECT fingerprint, code_sha256, seeds_sha256, lock_sha256, sources_json "
            "FROM meta.build_inputs WHERE run_id = ?",
            [run_id],
        ).fetchall()
    except duckdb.Error:
        return None
    finally:
        con.close()
    if not rows:
        return None
    fp, code, seeds, lock, sources = rows[0]
    return {
        "run_id": run_id,
        "fingerprint": fp,
        "code_sha256": code,
        "seeds_sha256": seeds,
        "lock_sha256": lock,
        "sources": json.loads(sources or "[]"),
    }


def _sql(path: Path) -> str:
    return str(path).replace("'", "''")
