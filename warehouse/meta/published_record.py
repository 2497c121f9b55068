"""The published file's record, kept beside it: a small DuckDB file holding a copy of the
published build's `meta` tables and, in schema `facts`, what `limwh status` and the next
publish need (the marts' columns, each source's retrieval time, the values per status, and the
identity of the file it describes).

Why: a BI tool that opens the published file read-write holds DuckDB's lock, and then every
other connection to that file fails, read-only ones too. So publishing and `limwh status` read
this record instead, and never open the published file. The record names the file's inode,
size and modification time; a record that does not match the published file (a run killed
between the two renames, a file replaced by hand) is not used.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.config import DataPaths, refuse_symlink
from warehouse.files import file_sha256, fsync_dir, fsync_file, sql_path

__all__ = [
    "PublishedRecordError",
    "current_record",
    "readable_record",
    "record_columns",
    "repair_record",
    "write_record",
]

_IDENTITY = """
CREATE TABLE facts.file (
    published_name VARCHAR, sha256 VARCHAR, bytes BIGINT, inode BIGINT, mtime_ns BIGINT,
    storage_version VARCHAR
)"""
_MART_COLUMNS = """
CREATE TABLE facts.mart_columns AS
SELECT c.schema_name, c.table_name, c.column_name, c.data_type, c.column_index
FROM duckdb_columns() c JOIN duckdb_tables() t
  ON c.database_name = t.database_name AND c.schema_name = t.schema_name
 AND c.table_name = t.table_name
WHERE c.database_name = 'b' AND c.schema_name = 'marts'"""
_SOURCES = """
CREATE TABLE facts.source_retrievals AS
SELECT source_id, max(retrieved_at) AS retrieved_at FROM b.raw.source_files GROUP BY 1"""
_STATUS_COUNTS = """
CREATE TABLE facts.status_counts AS
SELECT obs_status, count(*) AS n_values FROM b.marts.fct_indicator_values GROUP BY 1"""


class PublishedRecordError(RuntimeError):
    """The published file's record is missing or out of date and cannot be made again."""


@dataclass(frozen=True)
class _Identity:
    bytes: int
    inode: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> _Identity:
        st = path.stat()
        return cls(st.st_size, st.st_ino, st.st_mtime_ns)


def write_record(db_file: Path, target: Path, *, sha256: str, published_name: str) -> None:
    """Write the record of `db_file` (a finished build, or a release about to be restored) to
    `target`, replacing it. `db_file` is opened read-only; it must not change afterwards."""
    refuse_symlink(target, "published record")
    target.unlink(missing_ok=True)
    identity = _Identity.of(db_file)
    con = duckdb.connect(str(target))
    try:
        con.execute(f"ATTACH '{sql_path(db_file)}' AS b (READ_ONLY)")
        version = con.execute(
            "SELECT tags['storage_version'] FROM duckdb_databases() WHERE database_name = 'b'"
        ).fetchone()
        con.execute("CREATE SCHEMA meta")
        con.execute("CREATE SCHEMA facts")
        for (table,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'b' "
            "AND schema_name = 'meta' ORDER BY 1"
        ).fetchall():
            con.execute(f'CREATE TABLE meta."{table}" AS SELECT * FROM b.meta."{table}"')
        con.execute(_IDENTITY)
        con.execute(
            "INSERT INTO facts.file VALUES (?, ?, ?, ?, ?, ?)",
            [
                published_name,
                sha256,
                identity.bytes,
                identity.inode,
                identity.mtime_ns,
                str(version[0]).rstrip("+") if version and version[0] else None,
            ],
        )
        con.execute(_MART_COLUMNS)
        for ddl, schema, table in (
            (_SOURCES, "raw", "source_files"),
            (_STATUS_COUNTS, "marts", "fct_indicator_values"),
        ):
            if _has_table(con, "b", schema, table):
                con.execute(ddl)
        con.execute("DETACH b")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    fsync_file(target)


def current_record(paths: DataPaths) -> Path | None:
    """The record of the published file, or None when there is none or it describes another
    file. Reads only the record (and the published file's inode, size and mtime)."""
    record = paths.published_record
    if not paths.published.is_file() or not record.is_file() or record.is_symlink():
        return None
    try:
        con = duckdb.connect(str(record), read_only=True)
    except duckdb.Error:
        return None
    try:
        row = con.execute("SELECT bytes, inode, mtime_ns FROM facts.file").fetchone()
    except duckdb.Error:
        return None
    finally:
        con.close()
    if row is None or _Identity(*row) != _Identity.of(paths.published):
        return None
    return record


def repair_record(paths: DataPaths) -> Path | None:
    """Under the run lock: the published file's record, written again from the published file
    when it is missing or out of date (None when nothing is published). Raises
    PublishedRecordError when that file cannot be opened, e.g. while another process holds it
    read-write."""
    record = current_record(paths)
    if record is not None or not paths.published.is_file():
        return record
    partial = paths.published_record.with_name(paths.published_record.name + ".partial")
    _write_from_published(paths, partial)
    os.replace(partial, paths.published_record)
    fsync_dir(paths.root)
    return paths.published_record


@contextlib.contextmanager
def readable_record(paths: DataPaths) -> Iterator[Path | None]:
    """For readers outside the run lock (`limwh status`): the record, or one made in a private
    temporary folder from the published file when the kept one is out of date. Writes nothing
    in the data directory."""
    record = current_record(paths)
    if record is not None or not paths.published.is_file():
        yield record
        return
    folder = Path(tempfile.mkdtemp(prefix="limwh-record-"))
    try:
        made = folder / "published-record.duckdb"
        _write_from_published(paths, made)
        yield made
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def record_columns(record: Path) -> dict[tuple[str, str, str], str]:
    """{(schema, table, column): data_type} of the marts the record's file holds."""
    con = duckdb.connect(str(record), read_only=True)
    try:
        rows = con.execute(
            "SELECT schema_name, table_name, column_name, data_type FROM facts.mart_columns"
        ).fetchall()
    finally:
        con.close()
    return {(s, t, c): kind for s, t, c, kind in rows}


def _write_from_published(paths: DataPaths, target: Path) -> None:
    try:
        write_record(
            paths.published,
            target,
            sha256=file_sha256(paths.published),
            published_name=paths.published.name,
        )
    except duckdb.Error as exc:
        target.unlink(missing_ok=True)
        hint = (
            " A process is holding it open read-write (a BI tool without its read-only "
            "setting?): connect read-only, see docs/bi-connections.md."
            if "lock" in str(exc).lower()
            else ""
        )
        raise PublishedRecordError(
            f"the record of {paths.published} ({paths.published_record.name}) is out of date, "
            f"and the published file cannot be read to make it again: {_first_line(exc)}.{hint}"
        ) from exc


def _has_table(con: duckdb.DuckDBPyConnection, database: str, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? "
            "AND table_name = ?",
            [database, schema, table],
        ).fetchone()[0]
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
