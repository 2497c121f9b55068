"""`limwh rollback`: restore a kept release over the published warehouse, atomically."""

from __future__ import annotations

import argparse
from pathlib import Path

from flows.cli.common import EXIT_LOCKED, CliError, data_paths

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    rollback = sub.add_parser(
        "rollback",
        parents=[common],
        help="restore the previous release over the published warehouse, atomically",
        description=(
            "Put a kept release (DIR/releases/) back in place of the published warehouse: "
            "by default the newest one built before the published run. The replaced file is "
            "kept as a release in turn, so `--to RUN_ID` can undo a rollback. Takes the run "
            "lock: exits 3 while a refresh runs. The release is verified first (every table "
            "read in full, then the checks a refresh runs): one that fails is not restored."
        ),
    )
    rollback.add_argument("--to", metavar="RUN_ID", help="run id or file name of the release")
    rollback.add_argument(
        "--list", action="store_true", help="list the kept releases and change nothing"
    )


def _failed_checks(build_file: Path) -> list[str]:
    """The checks a refresh runs before it publishes, on the release about to be restored."""
    from expectations import run_checks

    report = run_checks(build_file)
    return [f"{r.name}: {r.details}" for r in report.failed]


def run(args: argparse.Namespace) -> int:
    from warehouse.meta.published_record import PublishedRecordError
    from warehouse.meta.run_log import new_run_id
    from warehouse.publish.lock import RunLockedError, run_lock
    from warehouse.publish.rollback import RollbackError, rollback
    from warehouse.publish.swap import releases

    paths = data_paths(args)
    if args.list:
        kept = releases(paths)
        for r in kept:
            print(f"{r.run_id}  kept {r.kept_at}  {r.path}")
        if not kept:
            print(f"(no release kept in {paths.releases})")
        return 0
    try:
        with run_lock(paths, new_run_id() + "_rollback"):
            release, result = rollback(paths, args.to, verify=_failed_checks)
    except RunLockedError as exc:
        raise CliError(str(exc), EXIT_LOCKED) from exc
    except (RollbackError, PublishedRecordError) as exc:
        raise CliError(str(exc)) from exc
    print(f"restored release {release.path.name} (run {release.run_id})")
    print(f"published:  {result.published} (sha256 {result.sha256})")
    if result.release:
        print(f"the replaced file is kept as {result.release.name}")
    return 0
