"""Publishing a checked build: record what it was made from in its `meta`, write its BI
exports, swap it over the published file, then point the exports at it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from warehouse.config import DataPaths
from warehouse.meta.published_record import current_record, record_columns
from warehouse.meta.record import BuildInputs, write_build_record, write_run_meta
from warehouse.meta.run_log import RunInfo, run_log_path
from warehouse.publish import exports
from warehouse.publish.schema_diff import columns, schema_diff
from warehouse.publish.swap import PublishError, PublishResult, keep_releases, publish, releases

__all__ = ["publish_release"]


def publish_release(
    build_file: Path,
    paths: DataPaths,
    run: RunInfo,
    inputs: BuildInputs | None,
    *,
    published_run_id: str | None,
    echo: Callable[[str], None] = print,
) -> PublishResult:
    """Publish `build_file` (every check passed) for `run`. `published_run_id` is the run of
    the file it replaces, read once at the start of the run (under the run lock)."""
    # The published file's record, not the file: a BI tool may hold the file read-write.
    previous = current_record(paths)
    if previous is None and paths.published.is_file():
        raise PublishError(
            f"the record of {paths.published} ({paths.published_record.name}) is missing or out "
            "of date; publishing now would drop the warehouse's run history"
        )
    write_run_meta(build_file, run, previous=previous)
    changes = schema_diff(columns(build_file), record_columns(previous)) if previous else []
    write_build_record(
        build_file,
        run.run_id,
        inputs,
        schema_changes=changes,
        previous=previous,
        previous_run_id=published_run_id if previous else None,
        run_log=run_log_path(paths),
    )
    for c in changes:
        column = f".{c['column_name']}" if c["column_name"] else ""
        types = f" ({c['old_type'] or ''} -> {c['new_type'] or ''})" if c["column_name"] else ""
        table = f"{c['table_schema']}.{c['table_name']}"
        echo(f"  schema change: {c['change']} {table}{column}{types}")
    folder = exports.write_exports(build_file, paths, run.run_id)
    echo(f"  exports written to {folder}")

    result = publish(
        build_file, paths, keep_releases=keep_releases(), published_run_id=published_run_id
    )
    kept = f"; previous kept as {result.release.name}" if result.release else ""
    echo(f"  published {result.published} (sha256 {result.sha256[:12]}…){kept}")

    link = exports.activate(paths, run.run_id)
    exports.prune(paths, {run.run_id, *(r.run_id for r in releases(paths))})
    echo(f"  BI exports: {link}/ (<mart>.parquet, <mart>.csv, manifest.json)")
    return result
