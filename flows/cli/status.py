"""`limwh status`: the published file, its last run, the sources' freshness; `--check` exits 1
when an operator is needed."""

from __future__ import annotations

import argparse

from flows.cli.common import CliError, data_paths

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    status = sub.add_parser(
        "status",
        parents=[common],
        help="show the published file, its last run, marts and releases",
        description=(
            "Show where the published warehouse is, its size and sha256, the run that produced "
            "it (meta.runs), the last attempted run (DIR/runs.jsonl), its marts and the kept "
            "releases."
        ),
    )
    status.add_argument(
        "--check",
        action="store_true",
        help="exit 1 when a source is stale, the last run failed or nothing is published",
    )


def run(args: argparse.Namespace) -> int:
    from warehouse.meta.published_record import PublishedRecordError
    from warehouse.read.status import attempt_line, collect, last_attempt, published_file_lines

    paths = data_paths(args)
    if not paths.published.is_file():
        attempt = last_attempt(paths)
        if attempt:
            print(attempt_line(attempt))
        raise CliError(f"no published warehouse at {paths.published} (run `limwh refresh`)")
    try:
        status = collect(paths, verify=args.check)
    except PublishedRecordError as exc:
        raise CliError(str(exc)) from exc
    if not args.check:
        for line in published_file_lines(paths, status):
            print(line)
    for line in status.lines():
        print(line)
    problems = status.problems()
    if args.check and problems:
        raise CliError("; ".join(problems))
    return 0
