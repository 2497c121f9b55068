"""What a warehouse file's `meta` says about the run that built it. Every function opens the
file read-only and answers None (or nothing) for a file without that metadata."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

__all__ = [
    "last_run_of",
    "loaded_source_versions",
    "published_inputs",
    "published_run_id",
    "release_schema_changes",
]


def _rows(db_file: Path, sql: str, params: list[Any] | None = None) -> list[tuple] | None:
    try:
        con = duckdb.connect(str(db_file), read_only=True)
    except duckdb.Error:
        return None
    try:
        cur = con.cursor()
        cur.execute(sql, params or [])
        return cur.fetchall()
    except duckdb.Error:
        return None
    finally:
        con.close()


def published_run_id(db_file: Path) -> str | None:
    """The run that produced a warehouse file, from its meta.runs (None if unknown)."""
    rows = _rows(
        db_file,
        "SELECT run_id FROM meta.runs WHERE outcome = 'published' ORDER BY started_at DESC LIMIT 1",
    )
    return rows[0][0] if rows else None


def published_inputs(db_file: Path, run_id: str | None) -> dict[str, Any] | None:
    """The fingerprint a file's build recorded for `run_id` (the run that built it)."""
    rows = _rows(
        db_file,
        "SELECT fingerprint, code_sha256, seeds_sha256, lock_sha256, sources_json "
        "FROM meta.build_inputs WHERE run_id = ?",
        [run_id],
    )
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


def last_run_of(con: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    """The newest row of a file's meta.runs (run id, start, duration, git sha, stage times),
    on a connection already open on the file."""
    rows = _dicts(
        con,
        "SELECT run_id, started_at, seconds_total, git_sha, lock_sha256, stage_seconds "
        "FROM meta.runs ORDER BY started_at DESC LIMIT 1",
    )
    return rows[0] if rows else None


def loaded_source_versions(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]] | None:
    """Every source version the build loaded, one row per source and vintage (Statbel's yearly
    files of one version count as one); None when the file has no meta.source_vintages."""
    return _dicts(
        con,
        "SELECT source_id, vintage, min(first_retrieved_at) AS retrieved_at, "
        "any_value(licence) AS licence, any_value(attribution) AS attribution, "
        "count(*) AS files, min(sha256) AS sha256, bool_or(is_current) AS is_current, "
        "bool_or(is_stale) AS is_stale, any_value(fault) AS fault "
        "FROM meta.source_vintages WHERE loaded GROUP BY source_id, vintage "
        "ORDER BY source_id, vintage DESC",
    )


def _dicts(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]] | None:
    cur = con.cursor()
    try:
        cur.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    except duckdb.CatalogException:
        return None
    finally:
        cur.close()


def release_schema_changes(db_file: Path) -> list[tuple]:
    """(change, table, column) of the marts the published release added, removed or retyped
    against the file it replaced."""
    rows = _rows(
        db_file,
        "SELECT change, table_name, column_name FROM meta.schema_changes WHERE run_id = "
        "(SELECT max(run_id) FROM meta.runs WHERE outcome = 'published') ORDER BY ALL",
    )
    return rows or []
