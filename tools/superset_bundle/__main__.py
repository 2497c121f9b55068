"""`python -m tools.superset_bundle --db data/warehouse.duckdb --out dashboard.zip
[--region BE22] [--lang en|nl]`: write the Superset dashboard bundle for a published warehouse
(import it in Superset: Dashboards, Import dashboard; or POST /api/v1/dashboard/import/)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tools.superset_bundle import BundleError, write_bundle
from tools.superset_bundle.article import LANGS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.superset_bundle", description=__doc__)
    parser.add_argument(
        "--db",
        type=Path,
        required=True,
        help="the published warehouse.duckdb; Superset opens this absolute path (read-only), "
        "so give the path as the Superset server sees it",
    )
    parser.add_argument("--out", type=Path, required=True, help="the ZIP file to write")
    parser.add_argument("--region", default="BE22", help="a Flemish province (default BE22)")
    parser.add_argument("--lang", choices=LANGS, default="en", help="labels (default en)")
    args = parser.parse_args(argv)
    try:
        out = write_bundle(args.db, args.out, args.region, args.lang)
    except BundleError as exc:
        print(f"superset_bundle: error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {out} (database {args.db.resolve()}, region {args.region}, {args.lang})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
