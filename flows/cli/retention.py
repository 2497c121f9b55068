"""`limwh retention`: remove old build folders, and raw files no published release used."""

from __future__ import annotations

import argparse

from flows.cli.common import EXIT_LOCKED, CliError, data_paths

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    retention = sub.add_parser(
        "retention",
        parents=[common],
        help="remove old build folders (and raw files no published release used)",
        description=(
            "Remove build folders under DIR/builds/ but the newest N. With --prune-raw, also "
            "remove raw files that no published warehouse file (current or kept release) "
            "loaded, keeping each source's last good version and the embedded snapshot's files."
        ),
    )
    retention.add_argument("--keep-builds", type=int, default=3, metavar="N")
    retention.add_argument("--prune-raw", action="store_true")
    retention.add_argument("--dry-run", action="store_true", help="only say what would go")


def run(args: argparse.Namespace) -> int:
    from warehouse.publish.lock import RunLockedError
    from warehouse.publish.retention import apply_retention

    paths = data_paths(args)
    try:
        report = apply_retention(
            paths, keep_builds=args.keep_builds, prune_raw=args.prune_raw, dry_run=args.dry_run
        )
    except RunLockedError as exc:
        raise CliError(str(exc), EXIT_LOCKED) from exc
    for line in report.lines(args.dry_run):
        print(line)
    return 0
