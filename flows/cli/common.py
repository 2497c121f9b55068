"""What every `limwh` command shares: exit codes, the one-line error, the data directory."""

from __future__ import annotations

import argparse
import sys

from warehouse.config import DATA_DIR_ENV, DataPaths

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_LOCKED = 3
EXIT_STALE = 4  # a live refresh finished, but some source failed: its last good version was used
SNAPSHOT_DIR_ENV = "LIMWH_SNAPSHOT_DIR"

__all__ = [
    "EXIT_FAILED",
    "EXIT_LOCKED",
    "EXIT_STALE",
    "EXIT_USAGE",
    "SNAPSHOT_DIR_ENV",
    "CliError",
    "common_options",
    "data_paths",
    "fail",
    "published_or_fail",
]


class CliError(Exception):
    """A failure reported as one line (and exit code), without a traceback."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


def common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        help=f"runtime data directory (default: ${DATA_DIR_ENV} or ./data)",
    )
    common.add_argument(
        "-v", "--verbose", action="store_true", help="show Prefect logs and full tracebacks"
    )
    return common


def data_paths(args: argparse.Namespace) -> DataPaths:
    return DataPaths.resolve(args.data_dir)


def published_or_fail(args: argparse.Namespace) -> DataPaths:
    """The data paths, when a published warehouse exists; else a one-line error."""
    paths = data_paths(args)
    if not paths.published.is_file():
        raise CliError(f"no published warehouse at {paths.published} (run `limwh refresh`)")
    return paths


def fail(message: str) -> None:
    print(f"limwh: error: {message}", file=sys.stderr)
