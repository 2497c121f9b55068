"""`limwh query`: SQL on the published marts, read-only, as a table, CSV or JSON."""

from __future__ import annotations

import argparse
import os
import sys

from flows.cli.common import EXIT_USAGE, CliError, data_paths
from warehouse.read.query import DEFAULT_MEMORY_LIMIT, DEFAULT_THREADS, DEFAULT_TIMEOUT

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    query = sub.add_parser(
        "query",
        parents=[common],
        help="run SQL on the published warehouse, read-only; print a table, CSV or JSON",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Run SQL on the published warehouse (DIR/warehouse.duckdb), opened read-only, and\n"
            "print the result. Unqualified table names resolve in schema marts first, then\n"
            "meta: `SELECT * FROM fct_indicator_values` reads marts.fct_indicator_values.\n"
            "Statements that write are refused, and so is everything outside the file: local\n"
            "files (read_csv, ...), ATTACH, COPY ... TO, INSTALL and LOAD. Several statements\n"
            "separated by `;` run in order and the last one's result is printed; temporary\n"
            "tables and macros (CREATE TEMP ...) live in memory for this one command."
        ),
        epilog=(
            "examples:\n"
            '  limwh query "SELECT region_code, year, value, obs_status FROM fct_gap_to_region\n'
            "               WHERE indicator_id = 'gva_per_hour' AND sector_code = 'TOTAL'\"\n"
            "  limwh query -f question.sql --format csv > answer.csv\n"
            "  echo 'SELECT * FROM dim_region' | limwh query - --format json\n"
            "\n"
            "The table rounds DOUBLE values to 4 decimals and cuts text longer than 80\n"
            "characters; CSV and JSON keep every value whole. NULL is shown as NULL in the\n"
            "table, an empty field in CSV, null in JSON. Every mart row carries obs_status\n"
            "(official, provisional or modelled): select it to see what is modelled.\n"
            "A query is bounded: --timeout (default 300 s), --memory-limit, --threads; DuckDB\n"
            "spills to a private temporary folder, removed afterwards.\n"
            "Exit status: 0 ok, 1 the query failed, ran out of time or memory (or no published\n"
            "warehouse), 2 usage error (no SQL, unreadable input)."
        ),
    )
    query.add_argument(
        "sql", nargs="?", metavar="SQL", help="the SQL to run; `-` reads it from standard input"
    )
    query.add_argument(
        "-f", "--file", metavar="FILE", help="read the SQL from FILE (`-`: standard input)"
    )
    query.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="table (aligned text, default), csv (with a header row) or json (a list of objects)",
    )
    query.add_argument(
        "--timeout",
        type=_non_negative_float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"interrupt the query after SECONDS and exit 1 (default {DEFAULT_TIMEOUT:g}; 0: none)",
    )
    query.add_argument(
        "--memory-limit",
        default=DEFAULT_MEMORY_LIMIT,
        metavar="SIZE",
        help=f"DuckDB's memory limit for the query (default {DEFAULT_MEMORY_LIMIT})",
    )
    query.add_argument(
        "--threads",
        type=_positive_int,
        default=DEFAULT_THREADS,
        metavar="N",
        help=f"threads DuckDB may use (default {DEFAULT_THREADS})",
    )
    query.add_argument(
        "--max-rows",
        type=_non_negative_int,
        metavar="N",
        help="show at most N rows, 0 for all (default: 200 in the table; every row in CSV/JSON)",
    )


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {text}")
    return value


def _positive_int(text: str) -> int:
    value = _non_negative_int(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {value}")
    return value


def run(args: argparse.Namespace) -> int:
    from warehouse.read.query import Limits, QueryError, QueryUsageError, read_sql
    from warehouse.read.query import run as run_query

    try:
        sql = read_sql(args.sql, args.file, sys.stdin)
        published = data_paths(args).published
        if not published.is_file():
            raise CliError(f"no published warehouse at {published} (run `limwh refresh`)")
        limits = Limits(args.timeout, args.memory_limit, args.threads)
        run_query(published, sql, args.format, args.max_rows, sys.stdout, sys.stderr, limits)
    except QueryUsageError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    except QueryError as exc:
        raise CliError(f"query failed: {exc}") from exc
    except BrokenPipeError:
        # `limwh query ... | head`: the reader has gone; that is no failure.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
