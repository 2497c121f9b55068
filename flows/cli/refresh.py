"""`limwh refresh`: run the nightly flow once."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from pathlib import Path

from extract.paths import SNAPSHOT_DIR
from flows.cli.common import (
    EXIT_LOCKED,
    EXIT_STALE,
    EXIT_USAGE,
    SNAPSHOT_DIR_ENV,
    CliError,
    data_paths,
)

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    refresh = sub.add_parser(
        "refresh",
        parents=[common],
        help="run the nightly_refresh flow: extract, load, dbt build, checks, publish",
        description=(
            "Run the Prefect flow nightly_refresh once: store the raw files, load them into a "
            "new build file, dbt build, run the expectations, and only if all of that passes "
            "swap the build over the published warehouse.duckdb. A failed run leaves the "
            "published file untouched and keeps its build folder under DIR/builds/ for "
            "inspection."
        ),
    )
    source = refresh.add_mutually_exclusive_group()
    source.add_argument(
        "--snapshot",
        dest="source",
        action="store_const",
        const="snapshot",
        default="snapshot",
        help="build from the embedded snapshot of the publishers' files (default; offline)",
    )
    source.add_argument(
        "--live",
        dest="source",
        action="store_const",
        const="live",
        help=(
            "fetch from the publishers (NBB.Stat, Eurostat, Statbel) and the inbox of manual "
            "sources (DIR/inbox/<source id>/); a source that still fails after its retries is "
            f"replaced by its last good raw version, and the run exits {EXIT_STALE}"
        ),
    )
    refresh.add_argument(
        "--live-config",
        metavar="FILE",
        help="JSON/YAML: sources, base_urls per publisher, parameters, accept_schema, http",
    )
    refresh.add_argument(
        "--source",
        action="append",
        metavar="ID",
        dest="source_ids",
        help="with --live: fetch only this catalog dataset (repeatable; default: all)",
    )
    refresh.add_argument(
        "--snapshot-dir",
        metavar="DIR",
        help=f"snapshot folder with manifest.json (default: ${SNAPSHOT_DIR_ENV} or {SNAPSHOT_DIR})",
    )
    refresh.add_argument(
        "--force",
        action="store_true",
        help="rebuild even when no input changed since the published build (default: no-op)",
    )


def run(args: argparse.Namespace) -> int:
    # Imported here: `limwh --help` and the other commands start without them.
    from warehouse.meta.run_log import new_run_id
    from warehouse.publish.lock import RunLockedError, run_lock

    paths = data_paths(args)
    snapshot_dir = Path(
        args.snapshot_dir or os.environ.get(SNAPSHOT_DIR_ENV) or SNAPSHOT_DIR
    ).resolve()
    if not (snapshot_dir / "manifest.json").is_file():
        raise CliError(f"no manifest.json in snapshot folder {snapshot_dir}")
    # Prefect's own logs and tracebacks only with --verbose: our stage lines say what happens.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if args.verbose else "CRITICAL")
    if args.verbose:
        os.environ["LIMWH_VERBOSE"] = "1"
    else:
        # GX forces this logger to INFO when imported ("Created temporary directory ...");
        # a filter survives that.
        gx_logger = logging.getLogger("great_expectations.data_context.types.base")
        gx_logger.addFilter(lambda record: record.levelno >= logging.WARNING)

    live_config = _live_config(args)
    paths.ensure()
    try:
        # Taken before Prefect starts (which takes seconds), so a second run fails at once.
        run_id = new_run_id()
        with run_lock(paths, run_id):
            from flows.leftovers import end_leftovers, mark_children
            from flows.nightly_refresh import RefreshError, nightly_refresh

            for pid in end_leftovers(paths.root):
                print(f"ended process {pid}, left behind by a killed refresh", file=sys.stderr)
            mark_children(paths.root)

            try:
                result = nightly_refresh(
                    data_dir=str(paths.root),
                    snapshot_dir=str(snapshot_dir),
                    run_id=run_id,
                    live=args.source == "live",
                    live_config=live_config,
                    force=bool(getattr(args, "force", False)),
                )
            except RefreshError as exc:
                if args.verbose:
                    traceback.print_exc()
                raise CliError(exc.one_line()) from exc
    except RunLockedError as exc:
        raise CliError(str(exc), EXIT_LOCKED) from exc
    faults = (result or {}).get("source_faults") or []
    if faults:
        raise CliError("published, but with stale source(s): " + "; ".join(faults), EXIT_STALE)
    return 0


def _live_config(args: argparse.Namespace) -> dict | None:
    if args.source != "live":
        if args.live_config or args.source_ids:
            raise CliError("--live-config and --source need --live", EXIT_USAGE)
        return None
    from extract.live_config import LiveConfig

    raw: dict = {}
    if args.live_config:
        import yaml

        try:
            raw = yaml.safe_load(Path(args.live_config).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise CliError(
                f"cannot read live config {args.live_config}: {exc}", EXIT_USAGE
            ) from exc
    if args.source_ids:
        raw["sources"] = list(args.source_ids)
    try:
        LiveConfig.from_mapping(raw)  # validate before the run starts
    except (TypeError, ValueError) as exc:
        raise CliError(f"live config {args.live_config or ''}: {exc}", EXIT_USAGE) from exc
    return raw
