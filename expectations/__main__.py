"""`python -m expectations BUILD_FILE [CHECK ...]`: run the checks, print the summary; exit 1
if any fails."""

from __future__ import annotations

import argparse
from pathlib import Path

from expectations import check_names, run_checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m expectations", description=__doc__)
    parser.add_argument("build_file", type=Path, help="a build (or published) DuckDB file")
    parser.add_argument("checks", nargs="*", help=f"only these checks (of {check_names()})")
    parser.add_argument("--failed-rows", action="store_true", help="print every failing row")
    args = parser.parse_args(argv)
    report = run_checks(args.build_file, only=args.checks or None)
    print(report.summary())
    if args.failed_rows:
        for result in report.failed:
            for row in result.failed_rows:
                print(f"{result.name}\t{row}")
    return 0 if report.success else 1


if __name__ == "__main__":
    raise SystemExit(main())
