"""`limwh query`: run SQL against the published warehouse, read-only, and print the result as an
aligned table, CSV or JSON.

The file is opened read-only, so DuckDB itself refuses anything that would change it. Then
external access is switched off and the configuration locked: a query reads the warehouse and
nothing else (no local files, no ATTACH, no COPY ... TO, no INSTALL or LOAD of extensions).
Unqualified table names resolve in schema `marts` first, then `meta`.

A query is bounded: a memory limit and a number of threads are set before the configuration is
locked, DuckDB spills to a private folder the command creates and removes (never the default
`<file>.tmp` beside the warehouse), and a timer interrupts a query that runs too long.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import json
import math
import re
import shutil
import tempfile
import textwrap
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import duckdb

FORMATS = ("table", "csv", "json")
DEFAULT_TABLE_ROWS = 200  # rows the table shows unless --max-rows says otherwise
SEARCH_PATH = ("marts", "meta")
TABLE_FLOAT_DECIMALS = 4  # the table rounds DOUBLE values for reading; CSV and JSON do not
TABLE_CELL_WIDTH = 80  # longer text is cut in the table (with "…"); CSV and JSON keep it whole
NULL_TEXT = "NULL"
_FETCH_BATCH = 10_000
DEFAULT_TIMEOUT = 300.0  # seconds
DEFAULT_MEMORY_LIMIT = "2GB"
DEFAULT_THREADS = 2
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# Settings applied after opening, before any SQL of the user runs. `lock_configuration` comes
# last: from then on no statement can turn external access back on.
_LOCKDOWN = (
    f"SET search_path = '{','.join(SEARCH_PATH)}'",
    "SET enable_external_access = false",
    "SET python_enable_replacements = false",
    "SET autoinstall_known_extensions = false",
    "SET autoload_known_extensions = false",
    "SET allow_community_extensions = false",
    "SET lock_configuration = true",
)

_NUMERIC_TYPES = {
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
    "FLOAT",
    "DOUBLE",
}
_MISSING_TABLE = re.compile(r'Table with name "?([^"!\s]+)"? does not exist')


class QueryError(Exception):
    """The query could not run, or failed: a message for the user (it may span lines)."""


class QueryUsageError(QueryError):
    """The command was called wrongly (no SQL, an unreadable SQL file): exit status 2."""


@dataclass
class Result:
    columns: list[str]
    types: list[str]
    rows: list[tuple[Any, ...]]
    total_rows: int
    has_result_set: bool = True

    @property
    def truncated(self) -> bool:
        return self.total_rows > len(self.rows)


def read_sql(sql: str | None, sql_file: str | None, stdin: TextIO) -> str:
    """The SQL to run: the argument, FILE of `-f FILE`, or standard input for `-` (either way)."""
    if sql is not None and sql_file is not None:
        raise QueryUsageError("give the SQL either as an argument or with -f FILE, not both")
    if sql_file is not None:
        if sql_file == "-":
            text = _read_stdin(stdin)
        else:
            try:
                text = Path(sql_file).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise QueryUsageError(f"cannot read SQL file {sql_file}: {exc}") from exc
    elif sql == "-":
        text = _read_stdin(stdin)
    elif sql is not None:
        text = sql
    else:
        raise QueryUsageError('no SQL given: limwh query "SELECT ...", -f FILE, or - for stdin')
    if not text.strip():
        where = "standard input" if "-" in (sql, sql_file) else (sql_file or "the argument")
        raise QueryUsageError(f"no SQL given: {where} is empty")
    return text


@dataclass(frozen=True)
class Limits:
    """What one query may use: wall time (seconds, 0: none), memory, threads."""

    timeout: float = DEFAULT_TIMEOUT
    memory_limit: str = DEFAULT_MEMORY_LIMIT
    threads: int = DEFAULT_THREADS


def _read_stdin(stdin: TextIO) -> str:
    """Standard input as strict UTF-8 (the terminal's encoding may have let bad bytes in as
    surrogates)."""
    try:
        raw = getattr(stdin, "buffer", None)
        if raw is not None:
            return raw.read().decode("utf-8")
        text = stdin.read()
        text.encode("utf-8")
        return text
    except UnicodeError as exc:
        raise QueryUsageError(f"cannot read the SQL on standard input: not UTF-8 ({exc})") from exc


def connect_read_only(
    db_file: Path, limits: Limits | None = None, spill_dir: Path | None = None
) -> duckdb.DuckDBPyConnection:
    """The published file, read-only, bounded, with external access off and the configuration
    locked. `spill_dir`: a private folder for DuckDB's temporary files (None: no spilling)."""
    db_file = Path(db_file)
    limits = limits or Limits()
    if not db_file.is_file():
        raise QueryError(f"no published warehouse at {db_file} (run `limwh refresh`)")
    config = {
        "memory_limit": limits.memory_limit,
        "threads": limits.threads,
        "temp_directory": str(spill_dir) if spill_dir is not None else "",
    }
    try:
        con = duckdb.connect(str(db_file), read_only=True, config=config)
    except duckdb.Error as exc:
        raise QueryError(f"cannot open the published warehouse {db_file}: {exc}") from exc
    try:
        for statement in _LOCKDOWN:
            con.execute(statement)
    except duckdb.Error:
        con.close()
        raise
    return con


def run_query(
    db_file: Path, sql: str, max_rows: int | None, limits: Limits | None = None
) -> Result:
    """Run `sql` on the published file; keep at most `max_rows` rows (None or 0: all), but
    count them all. A query running past `limits.timeout` is interrupted."""
    limits = limits or Limits()
    spill_dir = Path(tempfile.mkdtemp(prefix="limwh-query-"))  # mode 0700, ours alone
    timer: threading.Timer | None = None
    timed_out = threading.Event()
    try:
        con = connect_read_only(db_file, limits, spill_dir)
        try:
            if limits.timeout:

                def interrupt() -> None:
                    timed_out.set()
                    con.interrupt()

                timer = threading.Timer(limits.timeout, interrupt)
                timer.daemon = True
                timer.start()
            try:
                cur = con.execute(sql)
                if cur is None or cur.description is None:
                    return Result([], [], [], 0, has_result_set=False)
                columns = [d[0] for d in cur.description]
                types = [str(d[1]) for d in cur.description]
                rows, total = _fetch(cur, max_rows)
            except duckdb.Error as exc:
                if timed_out.is_set():
                    raise QueryError(
                        f"the query ran longer than {limits.timeout:g} s and was interrupted "
                        "(--timeout SECONDS sets the limit)"
                    ) from exc
                if isinstance(exc, duckdb.OutOfMemoryException):
                    raise QueryError(
                        f"the query needs more than the memory limit of {limits.memory_limit} "
                        f"(--memory-limit): {exc}"
                    ) from exc
                raise QueryError(explain(exc, con)) from exc
        finally:
            if timer is not None:
                timer.cancel()
            con.close()
    finally:
        shutil.rmtree(spill_dir, ignore_errors=True)
    return Result(columns, types, rows, total)


def _fetch(cur: duckdb.DuckDBPyConnection, max_rows: int | None) -> tuple[list[tuple], int]:
    if not max_rows:
        rows = cur.fetchall()
        return rows, len(rows)
    rows = cur.fetchmany(max_rows)
    total = len(rows)
    while batch := cur.fetchmany(_FETCH_BATCH):  # count the rest without keeping it
        total += len(batch)
    return rows, total


def explain(exc: duckdb.Error, con: duckdb.DuckDBPyConnection) -> str:
    """DuckDB's message, with what it means here: read-only, no external access, or the tables
    there are when one is unknown."""
    message = str(exc).strip()
    if isinstance(exc, duckdb.InvalidInputException) and "read-only mode" in message:
        return f"the published warehouse is opened read-only: {message}"
    if isinstance(exc, duckdb.PermissionException):
        return (
            "limwh query reads the published warehouse only (no files, ATTACH, COPY ... TO, "
            f"INSTALL or LOAD): {message}"
        )
    if "configuration has been locked" in message:
        return (
            "DuckDB's settings are locked while limwh query runs, so that nothing outside the "
            f"published warehouse can be reached (SET search_path still works): {message}"
        )
    if isinstance(exc, duckdb.CatalogException) and (found := _MISSING_TABLE.search(message)):
        return _unknown_table(message, found.group(1), con)
    return message


def _unknown_table(message: str, name: str, con: duckdb.DuckDBPyConnection) -> str:
    # DuckDB's own "Did you mean ...?" often points at its internal catalog (pg_enum, ...):
    # replace it with the warehouse's tables.
    lines = [line for line in message.splitlines() if not line.startswith("Did you mean")]
    lines.append("")
    tables = _tables_by_schema(con)
    hint = _closest_table(name.split(".")[-1], tables)
    if hint:
        lines.append(f"did you mean {hint}?")
    marts = ", ".join(tables.get("marts", [])) or "(none)"
    lines += textwrap.wrap(f"the marts (schema marts): {marts}", 100, subsequent_indent="  ")
    if tables.get("meta"):
        meta = ", ".join(tables["meta"])
        lines += textwrap.wrap(f"run metadata (schema meta): {meta}", 100, subsequent_indent="  ")
    return "\n".join(lines)


def _closest_table(name: str, tables: dict[str, list[str]]) -> str | None:
    """The warehouse table (schema-qualified) nearest to `name`, first in the search path."""
    candidates = {
        t: f"{schema}.{t}" for schema in reversed(SEARCH_PATH) for t in tables.get(schema, [])
    }
    by_lower = {t.lower(): q for t, q in candidates.items()}
    if name.lower() in by_lower:
        return by_lower[name.lower()]
    close = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[close[0]] if close else None


def _tables_by_schema(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    try:
        rows = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() "
            "WHERE NOT temporary ORDER BY schema_name, table_name"
        ).fetchall()
    except duckdb.Error:
        return {}
    tables: dict[str, list[str]] = {}
    for schema, table in rows:
        tables.setdefault(schema, []).append(table)
    return tables


# ---------------------------------------------------------------- output


def run(
    db_file: Path,
    sql: str,
    fmt: str,
    max_rows: int | None,
    out: TextIO,
    err: TextIO,
    limits: Limits | None = None,
) -> Result:
    """`limwh query`: run `sql` and write its result to `out` as `fmt`. The table shows at most
    DEFAULT_TABLE_ROWS rows unless `max_rows` says otherwise (0: all); CSV and JSON write every
    row unless `max_rows` is given, and then say on `err` when rows were left out."""
    if fmt not in FORMATS:
        raise QueryUsageError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    if max_rows is None:
        max_rows = DEFAULT_TABLE_ROWS if fmt == "table" else 0
    result = run_query(db_file, sql, max_rows, limits)
    write_result(result, fmt, out)
    if fmt != "table" and result.truncated:
        err.write(truncation_note(result) + "\n")
    return result


def write_result(result: Result, fmt: str, out: TextIO) -> None:
    if fmt == "table":
        out.write(format_table(result) + "\n")
    elif fmt == "csv":
        write_csv(result, out)
    elif fmt == "json":
        write_json(result, out)
    else:
        raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")


def truncation_note(result: Result) -> str:
    return (
        f"({_count(result.total_rows)}, first {len(result.rows):,} shown; --max-rows 0 shows all)"
    )


def _count(n: int) -> str:
    return f"{n:,} row" if n == 1 else f"{n:,} rows"


def format_table(result: Result) -> str:
    """Columns aligned, numbers to the right, NULL spelled out, then the row count."""
    if not result.has_result_set:
        return "(statement ran; it returns no rows)"
    numeric = [_is_numeric(t) for t in result.types]
    cells = [[_table_cell(v) for v in row] for row in result.rows]
    headers = [_table_cell(c) for c in result.columns]
    widths = [len(c) for c in headers]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return (" " + " | ".join(parts)).rstrip()

    lines = [line(headers), "-" + "-+-".join("-" * w for w in widths) + "-"]
    lines += [line(row) for row in cells]
    lines.append(truncation_note(result) if result.truncated else f"({_count(result.total_rows)})")
    return "\n".join(lines)


def _is_numeric(type_name: str) -> bool:
    return type_name in _NUMERIC_TYPES or type_name.startswith("DECIMAL")


def _table_cell(value: Any) -> str:
    if value is None:
        return NULL_TEXT
    if isinstance(value, float):
        return _table_float(value)
    text = _plain(value)
    text = text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    # No terminal control sequences (ANSI escapes) reach the terminal from a value.
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)
    if len(text) > TABLE_CELL_WIDTH:
        text = text[: TABLE_CELL_WIDTH - 1] + "…"
    return text


def _table_float(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    if value != 0 and abs(value) < 10**-TABLE_FLOAT_DECIMALS:
        return f"{value:.{TABLE_FLOAT_DECIMALS}g}"
    text = f"{value:.{TABLE_FLOAT_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _plain(value: Any) -> str:
    """A value as text in the table and in CSV (full precision)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, list | tuple | dict):
        return json.dumps(_json_value(value), ensure_ascii=False)
    return str(value)


def write_csv(result: Result, out: TextIO) -> None:
    """A header row, then the rows; NULL is an empty field."""
    if not result.has_result_set:
        return
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow(["" if v is None else _plain(v) for v in row])


def write_json(result: Result, out: TextIO) -> None:
    """A list of objects, one per row: dates as ISO 8601 text, decimals as numbers, NULL (and
    NaN or infinity, which JSON lacks) as null."""
    keys = _unique(result.columns)
    out.write("[")
    for i, row in enumerate(result.rows):
        record = {k: _json_value(v) for k, v in zip(keys, row, strict=True)}
        out.write(("," if i else "") + "\n  " + json.dumps(record, ensure_ascii=False))
    out.write("\n]\n" if result.rows else "]\n")


def _unique(columns: Sequence[str]) -> list[str]:
    """Column names as JSON keys: a repeated name gets _2, _3, ... so that no value is lost."""
    used: set[str] = set()
    keys = []
    for name in columns:
        key, n = name, 1
        while key in used:
            n += 1
            key = f"{name}_{n}"
        used.add(key)
        keys.append(key)
    return keys


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else None
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return str(value)
