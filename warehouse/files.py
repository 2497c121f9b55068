"""DuckDB files on disk: new build files in the storage version every client can read, their
hashes, and the fsyncs that make a swap durable."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import duckdb

from warehouse.config import DataPaths

# DuckDB 1.x clients (bundled by many BI drivers) can only open files in this format.
STORAGE_VERSION = "v1.0.0"

__all__ = [
    "STORAGE_VERSION",
    "BuildFileError",
    "check_storage_version",
    "file_sha256",
    "fsync_dir",
    "fsync_file",
    "new_build_file",
    "sql_path",
    "storage_version",
    "unreadable_tables",
    "unreadable_tables_of_copy",
    "wal_path",
]


class BuildFileError(RuntimeError):
    """A build file that cannot be created or is not in the required format."""


def sql_path(path: Path) -> str:
    """A path as the text of a SQL string literal (quotes doubled)."""
    return str(path).replace("'", "''")


def create_database(db_file: Path) -> None:
    """Create an empty DuckDB file written in STORAGE_VERSION.

    The storage version is fixed when the file is created; later writers (dbt, the loader) keep
    it, which `storage_version` lets the caller verify.
    """
    db_file.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{sql_path(db_file)}' AS b (STORAGE_VERSION '{STORAGE_VERSION}')")
        con.execute("CHECKPOINT b")
        con.execute("DETACH b")
    finally:
        con.close()


def new_build_file(paths: DataPaths, run_id: str) -> Path:
    """Create the empty build file of `run_id`, written in STORAGE_VERSION."""
    build_file = paths.build_file(run_id)
    if build_file.exists():
        raise BuildFileError(f"build file already exists: {build_file}")
    create_database(build_file)
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
        raise BuildFileError(f"cannot tell the storage version of {db_file}")
    return str(rows[0][0]).rstrip("+")


def check_storage_version(db_file: Path, expected: str = STORAGE_VERSION) -> None:
    found = storage_version(db_file)
    if found != expected:
        raise BuildFileError(
            f"{db_file} is in storage version {found}, not {expected}: "
            "DuckDB 1.x clients could not open it"
        )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def unreadable_tables(db_file: Path) -> list[str]:
    """Read every column of every table in full (DuckDB checks each block's checksum as it
    reads it): one line per table that cannot be read, or per problem opening the file."""
    problems: list[str] = []
    con = duckdb.connect()
    try:
        try:
            con.execute(f"ATTACH '{sql_path(db_file)}' AS f (READ_ONLY)")
            tables = con.execute(
                "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'f' "
                "ORDER BY ALL"
            ).fetchall()
        except duckdb.Error as exc:
            return [f"{db_file}: cannot be opened: {_first_line(exc)}"]
        for schema, table in tables:
            name = f'f."{schema}"."{table}"'
            try:
                con.execute(f"SELECT count(*), max(hash(COLUMNS(*))) FROM {name}").fetchall()
            except duckdb.Error as exc:
                problems.append(f"{schema}.{table}: {_first_line(exc)}")
    finally:
        con.close()
    return problems


def unreadable_tables_of_copy(db_file: Path) -> list[str]:
    """`unreadable_tables` on a private copy of the file's bytes, so the file itself is never
    opened as a database: a BI tool may hold DuckDB's lock on it."""
    folder = Path(tempfile.mkdtemp(prefix="limwh-verify-"))
    try:
        copy = folder / db_file.name
        shutil.copyfile(db_file, copy)
        return [p.replace(str(copy), str(db_file)) for p in unreadable_tables(copy)]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]


def wal_path(db_file: Path) -> Path:
    return db_file.with_name(db_file.name + ".wal")


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
