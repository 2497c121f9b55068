"""`limwh`: refresh the warehouse, inspect it, query it, report on it. One module per command;
each adds its parser and runs it."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence

from flows.cli import query, refresh, report, retention, rollback, status, summary
from flows.cli.common import EXIT_FAILED, EXIT_LOCKED, EXIT_STALE, CliError, common_options, fail
from warehouse.config import disable_telemetry

__all__ = ["EXIT_FAILED", "EXIT_LOCKED", "EXIT_STALE", "CliError", "build_parser", "main"]

# In the order `limwh --help` lists them.
COMMANDS = {
    "refresh": refresh,
    "retention": retention,
    "status": status,
    "rollback": rollback,
    "summary": summary,
    "report": report,
    "query": query,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="limwh",
        description=(
            "Limburg regional-economy warehouse: rebuild it from the raw sources "
            "(write-audit-publish), inspect the published DuckDB file, print its summary."
        ),
        epilog=(
            "Exit status: 0 ok, 1 failed, 2 usage error, 3 another refresh holds the lock, "
            "4 a live refresh used a source's last good version because its fetch failed."
        ),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    common = common_options()
    for command in COMMANDS.values():
        command.add_parser(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    disable_telemetry()
    try:
        return COMMANDS[args.command].run(args)
    except CliError as exc:
        fail(str(exc))
        return exc.code
    except KeyboardInterrupt:
        fail("interrupted")
        return 130
    except Exception as exc:
        if args.verbose:
            traceback.print_exc()
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        fail(f"{type(exc).__name__}: {first}")
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
