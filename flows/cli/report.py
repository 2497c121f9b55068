"""`limwh report`: the article's figures and tables as an offline HTML page plus PNGs."""

from __future__ import annotations

import argparse
from pathlib import Path

from flows.cli.common import EXIT_USAGE, CliError, published_or_fail

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    report = sub.add_parser(
        "report",
        parents=[common],
        help="write the article's figures and tables as an offline HTML page plus PNGs",
        description=(
            "Redraw the article's Figures 1-3 and Tables 1-3 from the published warehouse for "
            "one Flemish province against the Flemish Region: one self-contained HTML page "
            "(Vega libraries inlined, works offline) and a PNG per figure. Modelled values are "
            "marked, and the sources' attribution and the build's vintages are listed. The "
            "folder is replaced only once the new report is complete."
        ),
    )
    report.add_argument(
        "--region",
        default="BE22",
        metavar="NUTS",
        help="focus province: BE21, BE22 (Limburg, default), BE23, BE24 or BE25",
    )
    report.add_argument(
        "--lang",
        choices=("nl", "en"),
        default="nl",
        help="labels in the article's Dutch (default) or in English",
    )
    report.add_argument(
        "--out",
        metavar="DIR",
        help="folder to write index.html and figure_{1,2,3}.png to "
        "(default: DIR/report/<region>_<lang>/ under the data directory)",
    )
    report.add_argument("--no-png", action="store_true", help="write the HTML page only")


def run(args: argparse.Namespace) -> int:
    from warehouse.read.report import ReportDataError, default_out_dir, write_report

    paths = published_or_fail(args)
    region = args.region.upper()
    out = Path(args.out) if args.out else default_out_dir(paths.root, region, args.lang)
    try:
        result = write_report(
            paths.published, out, region_code=region, lang=args.lang, png=not args.no_png
        )
    except ReportDataError as exc:
        code = EXIT_USAGE if "not a Flemish province" in str(exc) else 1
        raise CliError(str(exc), code) from exc
    print(f"report: {region} against the Flemish Region ({args.lang}) from {paths.published}")
    print(f"  page:  {result.page} ({result.page.stat().st_size:,} bytes, works offline)")
    print(f"  values: {result.status_line()}")
    for png in result.pngs:
        print(f"  image: {png}")
    return 0
