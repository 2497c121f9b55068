"""`limwh summary`: the headline figures of the published warehouse."""

from __future__ import annotations

import argparse

from flows.cli.common import published_or_fail

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    summary = sub.add_parser(
        "summary",
        parents=[common],
        help="print the summary of the published warehouse",
        description=(
            "Print the published file's marts and the Table 2 headline figures "
            "(employment by sector, with each row's obs_status)."
        ),
    )
    summary.add_argument(
        "--region",
        default="BE22",
        metavar="NUTS",
        help="province to show in Table 2 (default: BE22, Limburg)",
    )


def run(args: argparse.Namespace) -> int:
    from warehouse.read.summary import summarize

    paths = published_or_fail(args)
    print(summarize(paths.published, region_code=args.region))
    return 0
