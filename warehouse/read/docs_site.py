"""`make docs`: dbt's documentation site as one static HTML page, from the published warehouse.

`dbt docs generate --static` writes target/static_index.html, the docs site with the manifest
and the catalog inlined, so it opens from disk with no server. The catalog (every table's
columns and types) is read from a copy of the published file: dbt-duckdb opens its database
read-write, and the published file is never opened for writing. The copy keeps the published
file's basename, which dbt-duckdb uses as its catalog name.

    python -m warehouse.read.docs_site [--data-dir DIR]

writes DIR/docs/index.html (default data/docs/index.html) and prints where it is.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from warehouse.build.dbt_runner import BUILD_PATH_ENV, close_dbt_connections, environment
from warehouse.config import DBT_PROJECT_DIR, PUBLISHED_BASENAME, DataPaths, disable_telemetry

SITE_NAME = "index.html"
# A page that fetched its scripts or styles from the web would not work offline.
_REMOTE_ASSET = re.compile(
    r"""<(?:script|link|img)\b[^>]*\b(?:src|href)\s*=\s*["']?(https?:)?//""", re.IGNORECASE
)
_TRACKING_ON = re.compile(r'"send_anonymous_usage_stats":\s*true')


class DocsError(RuntimeError):
    """The docs site could not be built; the message says which step and why."""


def docs_dir(paths: DataPaths) -> Path:
    return paths.root / "docs"


def build_docs_site(
    paths: DataPaths,
    *,
    project_dir: Path = DBT_PROJECT_DIR,
    echo: Callable[[str], None] = print,
) -> Path:
    """Generate the static docs page from the published warehouse; return its path."""
    from dbt.cli.main import dbtRunner  # heavy import, only when docs are built

    published = paths.published
    if not published.exists():
        raise DocsError(
            f"no published warehouse at {published}: run `limwh refresh --data-dir "
            f"{paths.root}` first (`make docs` does when the file is missing)"
        )
    out_dir = docs_dir(paths)
    work = out_dir / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    db_copy = work / PUBLISHED_BASENAME
    shutil.copy2(published, db_copy)
    target = work / "target"
    args = [
        "docs",
        "generate",
        "--static",
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--target-path",
        str(target),
        "--log-path",
        str(work / "logs"),
        "--quiet",
    ]
    disable_telemetry()
    echo(f"dbt docs generate --static against a copy of {published}")
    try:
        with environment(
            **{BUILD_PATH_ENV: str(db_copy), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
        ):
            res = dbtRunner().invoke(args)
    finally:
        close_dbt_connections()
        db_copy.unlink(missing_ok=True)
    if res.exception is not None or not res.success:
        raise DocsError(
            f"dbt docs generate failed for {project_dir} against {published}: "
            f"{res.exception or 'see ' + str(work / 'logs' / 'dbt.log')}"
        )
    static = target / "static_index.html"
    if not static.exists():
        raise DocsError(f"dbt docs generate --static wrote no {static}")
    html = static.read_text(encoding="utf-8")
    remote = remote_assets(html)
    if remote:
        raise DocsError(
            f"{static} loads assets from the web, so it would not work offline: {remote}"
        )
    if _TRACKING_ON.search(html):
        # dbt's page loads a usage tracker from the web when the manifest allows it.
        raise DocsError(
            f"{static} has usage tracking on: DBT_SEND_ANONYMOUS_USAGE_STATS must be false"
        )
    site = out_dir / SITE_NAME
    tmp = site.with_suffix(".html.tmp")
    shutil.copyfile(static, tmp)
    os.replace(tmp, site)
    return site


def remote_assets(html: str) -> list[str]:
    """Tags that would load a script, stylesheet or image from the web (none expected)."""
    found = []
    for match in _REMOTE_ASSET.finditer(html):
        tag_start = match.start()
        found.append(html[tag_start : html.find(">", tag_start) + 1][:200])
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m warehouse.read.docs_site",
        description="Write dbt's documentation as one static HTML page (DIR/docs/index.html) "
        "from the published warehouse.",
    )
    parser.add_argument(
        "--data-dir", help="data directory (default: $LIMWH_DATA_DIR or ./data)", default=None
    )
    args = parser.parse_args(argv)
    paths = DataPaths.resolve(args.data_dir)
    try:
        site = build_docs_site(paths)
    except DocsError as exc:
        print(f"docs: {exc}", file=sys.stderr)
        return 1
    size_kib = site.stat().st_size / 1024
    print(
        f"docs: wrote {site} ({size_kib:,.0f} KiB, one self-contained page; open it in a browser)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
