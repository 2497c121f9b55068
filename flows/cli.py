"""`limwh`: refresh the warehouse, show its status, print its summary."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from warehouse.config import DATA_DIR_ENV, SNAPSHOT_DIR, DataPaths, disable_telemetry

SNAPSHOT_DIR_ENV = "LIMWH_SNAPSHOT_DIR"
EXIT_FAILED = 1
EXIT_LOCKED = 3
EXIT_STALE = 4  # a live refresh finished, but some source failed: its last good version was used


class CliError(Exception):
    """A failure reported as one line (and exit code), without a traceback."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        help=f"runtime data directory (default: ${DATA_DIR_ENV} or ./data)",
    )
    common.add_argument(
        "-v", "--verbose", action="store_true", help="show Prefect logs and full tracebacks"
    )

    parser = argparse.ArgumentParser(
        prog="limwh",
        description=(
            "Limburg regional-economy warehouse: rebuild it from the raw sources "
            "(write-audit-publish), inspect the published DuckDB file, print its summary."
        ),
        epilog=(
            "Exit status: 0 ok, 1 failed, 2 usage error, 3 another refresh holds the lock, "
            "4 a live refresh used a source's last good version because its fetch failed."
        ),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

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
    rollback = sub.add_parser(
        "rollback",
        parents=[common],
        help="restore the previous release over the published warehouse, atomically",
        description=(
            "Put a kept release (DIR/releases/) back in place of the published warehouse: "
            "by default the newest one built before the published run. The replaced file is "
            "kept as a release in turn, so `--to RUN_ID` can undo a rollback. Takes the run "
            "lock: exits 3 while a refresh runs."
        ),
    )
    rollback.add_argument("--to", metavar="RUN_ID", help="run id or file name of the release")
    rollback.add_argument(
        "--list", action="store_true", help="list the kept releases and change nothing"
    )

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
    query = sub.add_parser(
        "query",
        parents=[common],
        help="run SQL on the published warehouse, read-only; print a table, CSV or JSON",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Run SQL on the published warehouse (DIR/warehouse.duckdb), opened read-only, and\n"
            "print the result. Unqualified table names resolve in schema marts first, then\n"
            "meta: `SELECT * FROM fct_indicator_values` reads marts.fct_indicator_values.\n"
            "Statements that write are refused, and so is everything outside the file: local\n"
            "files (read_csv, ...), ATTACH, COPY ... TO, INSTALL and LOAD. Several statements\n"
            "separated by `;` run in order and the last one's result is printed; temporary\n"
            "tables and macros (CREATE TEMP ...) live in memory for this one command."
        ),
        epilog=(
            "examples:\n"
            '  limwh query "SELECT region_code, year, value, obs_status FROM fct_gap_to_region\n'
            "               WHERE indicator_id = 'gva_per_hour' AND sector_code = 'TOTAL'\"\n"
            "  limwh query -f question.sql --format csv > answer.csv\n"
            "  echo 'SELECT * FROM dim_region' | limwh query - --format json\n"
            "\n"
            "The table rounds DOUBLE values to 4 decimals and cuts text longer than 80\n"
            "characters; CSV and JSON keep every value whole. NULL is shown as NULL in the\n"
            "table, an empty field in CSV, null in JSON. Every mart row carries obs_status\n"
            "(official, provisional or modelled): select it to see what is modelled.\n"
            "Exit status: 0 ok, 1 the query failed (or no published warehouse), 2 usage error."
        ),
    )
    query.add_argument(
        "sql", nargs="?", metavar="SQL", help="the SQL to run; `-` reads it from standard input"
    )
    query.add_argument(
        "-f", "--file", metavar="FILE", help="read the SQL from FILE (`-`: standard input)"
    )
    query.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="table (aligned text, default), csv (with a header row) or json (a list of objects)",
    )
    query.add_argument(
        "--max-rows",
        type=_non_negative_int,
        metavar="N",
        help="show at most N rows, 0 for all (default: 200 in the table; every row in CSV/JSON)",
    )
    return parser


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {value}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    disable_telemetry()
    handlers = {
        "refresh": cmd_refresh,
        "status": cmd_status,
        "summary": cmd_summary,
        "retention": cmd_retention,
        "rollback": cmd_rollback,
        "report": cmd_report,
        "query": cmd_query,
    }
    try:
        return handlers[args.command](args)
    except CliError as exc:
        _fail(str(exc))
        return exc.code
    except KeyboardInterrupt:
        _fail("interrupted")
        return 130
    except Exception as exc:
        if args.verbose:
            traceback.print_exc()
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        _fail(f"{type(exc).__name__}: {first}")
        return EXIT_FAILED


def _fail(message: str) -> None:
    print(f"limwh: error: {message}", file=sys.stderr)


def _paths(args: argparse.Namespace) -> DataPaths:
    return DataPaths.resolve(args.data_dir)


def cmd_refresh(args: argparse.Namespace) -> int:
    from warehouse.build import new_run_id
    from warehouse.publish import RunLockedError, run_lock

    paths = _paths(args)
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
            from flows.nightly_refresh import RefreshError, nightly_refresh

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
            raise CliError("--live-config and --source need --live", 2)
        return None
    from extract.live import LiveConfig

    raw: dict = {}
    if args.live_config:
        import yaml

        try:
            raw = yaml.safe_load(Path(args.live_config).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise CliError(f"cannot read live config {args.live_config}: {exc}", 2) from exc
    if args.source_ids:
        raw["sources"] = list(args.source_ids)
    try:
        LiveConfig.from_mapping(raw)  # validate before the run starts
    except (TypeError, ValueError) as exc:
        raise CliError(f"live config {args.live_config or ''}: {exc}", 2) from exc
    return raw


def cmd_retention(args: argparse.Namespace) -> int:
    from warehouse.publish import RunLockedError
    from warehouse.retention import apply_retention

    paths = _paths(args)
    try:
        report = apply_retention(
            paths, keep_builds=args.keep_builds, prune_raw=args.prune_raw, dry_run=args.dry_run
        )
    except RunLockedError as exc:
        raise CliError(str(exc), EXIT_LOCKED) from exc
    for line in report.lines(args.dry_run):
        print(line)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from warehouse.build import list_tables, read_run_log, run_log_path, storage_version
    from warehouse.publish import file_sha256, list_releases

    paths = _paths(args)
    published = paths.published
    attempts = list(read_run_log(run_log_path(paths)))
    if not published.is_file():
        if attempts:
            _print_attempt(attempts[-1])
        raise CliError(f"no published warehouse at {published} (run `limwh refresh`)")
    if getattr(args, "check", False):
        return _status_check(paths)

    stat = published.stat()
    modified = datetime.fromtimestamp(stat.st_mtime, UTC).isoformat(timespec="seconds")
    print(f"published:  {published}")
    print(f"size:       {stat.st_size:,} bytes")
    print(f"sha256:     {file_sha256(published)}")
    print(f"modified:   {modified}")
    print(f"storage:    {storage_version(published)} (readable by DuckDB >= 1.0)")
    last = _last_published_run(published)
    if last:
        print(
            f"built by:   run {last['run_id']} started {last['started_at']:%Y-%m-%d %H:%M:%S} UTC "
            f"({last['seconds_total']:.0f} s), git {last['git_sha'] or '-'}"
        )
        print(f"stages (s): {last['stage_seconds']}")
        print(f"lock file:  sha256 {last['lock_sha256'] or '-'}")
    else:
        print("built by:   (no meta.runs in this file)")
    marts = list_tables(published, "marts")
    print(f"marts ({len(marts)}): {', '.join(marts) if marts else '(none)'}")
    releases = list_releases(paths)
    print(f"releases kept ({len(releases)}): {', '.join(p.name for p in releases) or '(none)'}")
    return _print_operations_status(paths)


def _print_operations_status(paths: DataPaths) -> int:
    from warehouse.status import collect

    for line in collect(paths).lines():
        print(line)
    return 0


def _status_check(paths: DataPaths) -> int:
    """`status --check`: the full status, then exit 1 if anything needs an operator."""
    from warehouse.status import collect

    status = collect(paths)
    for line in status.lines():
        print(line)
    problems = status.problems()
    if problems:
        raise CliError("; ".join(problems))
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    from warehouse.build import new_run_id
    from warehouse.publish import RunLockedError, run_lock
    from warehouse.rollback import RollbackError, releases, rollback

    paths = _paths(args)
    if args.list:
        kept = releases(paths)
        for r in kept:
            print(f"{r.run_id}  kept {r.kept_at}  {r.path}")
        if not kept:
            print(f"(no release kept in {paths.releases})")
        return 0
    try:
        with run_lock(paths, new_run_id() + "_rollback"):
            release, result = rollback(paths, args.to)
    except RunLockedError as exc:
        raise CliError(str(exc), EXIT_LOCKED) from exc
    except RollbackError as exc:
        raise CliError(str(exc)) from exc
    print(f"restored release {release.path.name} (run {release.run_id})")
    print(f"published:  {result.published} (sha256 {result.sha256})")
    if result.release:
        print(f"the replaced file is kept as {result.release.name}")
    return 0


def _print_attempt(attempt: dict) -> None:
    line = f"last run:   {attempt.get('run_id')} {attempt.get('outcome')}"
    if attempt.get("outcome") == "failed":
        line += f" at stage {attempt.get('failed_stage')}: {attempt.get('reason')}"
    print(line)


def _last_published_run(db_file: Path) -> dict | None:
    import duckdb

    con = duckdb.connect(str(db_file), read_only=True)
    try:
        cur = con.execute(
            "SELECT run_id, started_at, seconds_total, git_sha, lock_sha256, stage_seconds "
            "FROM meta.runs ORDER BY started_at DESC LIMIT 1"
        )
        names = [d[0] for d in cur.description]
        rows = cur.fetchall()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return dict(zip(names, rows[0], strict=True)) if rows else None


def cmd_summary(args: argparse.Namespace) -> int:
    from warehouse.summary import summarize

    paths = _paths(args)
    if not paths.published.is_file():
        raise CliError(f"no published warehouse at {paths.published} (run `limwh refresh`)")
    print(summarize(paths.published, region_code=args.region))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from warehouse.report import ReportDataError, default_out_dir, write_report

    paths = _paths(args)
    if not paths.published.is_file():
        raise CliError(f"no published warehouse at {paths.published} (run `limwh refresh`)")
    region = args.region.upper()
    out = Path(args.out) if args.out else default_out_dir(paths.root, region, args.lang)
    try:
        result = write_report(
            paths.published, out, region_code=region, lang=args.lang, png=not args.no_png
        )
    except ReportDataError as exc:
        raise CliError(str(exc), 2 if "not a Flemish province" in str(exc) else 1) from exc
    print(f"report: {region} against the Flemish Region ({args.lang}) from {paths.published}")
    print(f"  page:  {result.page} ({result.page.stat().st_size:,} bytes, works offline)")
    for png in result.pngs:
        print(f"  image: {png}")
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    from warehouse.query import QueryError, QueryUsageError, read_sql, run

    try:
        sql = read_sql(args.sql, args.file, sys.stdin)
        published = _paths(args).published
        if not published.is_file():
            raise CliError(f"no published warehouse at {published} (run `limwh refresh`)")
        run(published, sql, args.format, args.max_rows, sys.stdout, sys.stderr)
    except QueryUsageError as exc:
        raise CliError(str(exc), 2) from exc
    except QueryError as exc:
        raise CliError(f"query failed: {exc}") from exc
    except BrokenPipeError:
        # `limwh query ... | head`: the reader has gone; that is no failure.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
