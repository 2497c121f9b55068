"""The `meta` tables: their DDL, and opening a build to write them.

Timestamps are naive UTC (TIMESTAMP, readable by every client). No table has a key
constraint: DuckDB 1.0 cannot open a file holding one, so the writers delete a run's rows
before inserting them. History tables (runs, stages, build inputs, schema changes, run
failures) are carried forward from the published file, so a warehouse knows every run that
led to it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from warehouse.files import sql_path

RUNS = """
CREATE TABLE IF NOT EXISTS b.meta.runs (
    run_id VARCHAR,
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
RUN_STAGES = """
CREATE TABLE IF NOT EXISTS b.meta.run_stages (
    run_id VARCHAR,
    stage VARCHAR,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    seconds DOUBLE,
    outcome VARCHAR
)
"""
CHECK_RESULTS = """
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
BUILD_INPUTS = """
CREATE TABLE IF NOT EXISTS b.meta.build_inputs (
    run_id VARCHAR,
    fingerprint VARCHAR,
    code_sha256 VARCHAR,
    seeds_sha256 VARCHAR,
    lock_sha256 VARCHAR,
    sources_json VARCHAR,
    recorded_at TIMESTAMP
)
"""
SCHEMA_CHANGES = """
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
RUN_FAILURES = """
CREATE TABLE IF NOT EXISTS b.meta.run_failures (
    run_id VARCHAR,
    outcome VARCHAR,
    failed_stage VARCHAR,
    reason VARCHAR
)
"""
SOURCE_VINTAGES = """
CREATE OR REPLACE TABLE b.meta.source_vintages (
    source_id VARCHAR NOT NULL,
    vintage DATE NOT NULL,
    sha256 VARCHAR NOT NULL,
    bytes BIGINT,
    format VARCHAR,
    origin VARCHAR,
    url VARCHAR,
    query VARCHAR,
    first_retrieved_at TIMESTAMP,
    last_retrieved_at TIMESTAMP,
    http_status INTEGER,
    etag VARCHAR,
    last_modified VARCHAR,
    licence VARCHAR,
    attribution VARCHAR,
    raw_path VARCHAR,
    loaded BOOLEAN NOT NULL,
    is_current BOOLEAN NOT NULL,
    is_stale BOOLEAN NOT NULL,
    fault VARCHAR
)
"""
SOURCE_FETCHES = """
CREATE OR REPLACE TABLE b.meta.source_fetches (
    run_id VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    mode VARCHAR NOT NULL,
    outcome VARCHAR NOT NULL,
    fault VARCHAR,
    url VARCHAR,
    used_sha256 VARCHAR,
    stored_new_file BOOLEAN,
    loaded BOOLEAN NOT NULL,
    checked_at TIMESTAMP NOT NULL
)
"""

__all__ = [
    "BUILD_INPUTS",
    "CHECK_RESULTS",
    "RUNS",
    "RUN_FAILURES",
    "RUN_STAGES",
    "SCHEMA_CHANGES",
    "SOURCE_FETCHES",
    "SOURCE_VINTAGES",
    "carry_history",
    "has_table",
    "naive_utc",
    "writing",
]


def naive_utc(ts: datetime) -> datetime:
    """A TIMESTAMP value: UTC wall time without a zone (a naive value is taken as UTC)."""
    return ts.astimezone(UTC).replace(tzinfo=None) if ts.tzinfo else ts


@contextlib.contextmanager
def writing(build_file: Path, *ddl: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection with the build attached as `b`, its `meta` schema and the given tables
    created; checkpointed and detached on success."""
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{sql_path(build_file)}' AS b")
        con.execute("CREATE SCHEMA IF NOT EXISTS b.meta")
        for statement in ddl:
            con.execute(statement)
        yield con
        con.execute("CHECKPOINT b")
        con.execute("DETACH b")
    finally:
        con.close()


def has_table(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "SELECT 1 FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? "
            "AND table_name = ?",
            [catalog, schema, table],
        ).fetchall()
    )


def carry_history(con: duckdb.DuckDBPyConnection, previous: Path, tables: tuple[str, ...]) -> None:
    """Copy the rows of `previous`'s meta tables whose run_id the build lacks. Best effort: an
    unreadable or older published file only costs the history."""
    try:
        con.execute(f"ATTACH '{sql_path(previous)}' AS prev (READ_ONLY)")
    except duckdb.Error:
        return
    try:
        for table in tables:
            if has_table(con, "prev", "meta", table):
                con.execute(
                    f"INSERT INTO b.meta.{table} BY NAME SELECT * FROM prev.meta.{table} "
                    f"WHERE run_id NOT IN (SELECT run_id FROM b.meta.{table})"
                )
    except duckdb.Error:
        pass
    finally:
        con.execute("DETACH prev")
