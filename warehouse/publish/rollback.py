"""`limwh rollback`: put a kept release back in place of the published warehouse, atomically.

The release is copied into a new build folder, verified (every table read in full, so a
damaged block fails its checksum; then the caller's checks, the same a refresh runs before it
publishes) and published like any build (CHECKPOINT, fsync, os.replace, fsync of the folder),
so readers see either the old file or the restored one. A release that fails verification is
never published: the published file stays as it was. The file it replaces is kept as a release
in turn, so a rollback can itself be undone with `limwh rollback --to RUN_ID`.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from warehouse.config import DataPaths
from warehouse.files import unreadable_tables
from warehouse.meta.published_record import repair_record
from warehouse.meta.read import published_run_id
from warehouse.meta.run_log import append_record, new_run_id, run_log_path
from warehouse.publish import exports
from warehouse.publish.swap import PublishResult, Release, keep_releases, publish, releases


class RollbackError(RuntimeError):
    """No release to roll back to, or it failed verification; the published file is
    unchanged."""


def choose(paths: DataPaths, to: str | None = None) -> Release:
    """The release to restore: the one named by `to` (run id or file name), else the newest
    release built before the published one."""
    kept = releases(paths)
    if not kept:
        raise RollbackError(f"no release kept in {paths.releases}: nothing to roll back to")
    if to:
        for r in reversed(kept):
            if to in (r.run_id, r.path.name, r.path.stem):
                return r
        names = ", ".join(r.run_id for r in kept)
        raise RollbackError(f"no release {to!r} in {paths.releases} (kept: {names})")
    current = _published_run_id(paths)
    older = [r for r in kept if current is None or (r.run_id != current and r.run_id < current)]
    if not older:
        raise RollbackError(
            f"no release older than the published run {current} in {paths.releases}"
        )
    return older[-1]


def rollback(
    paths: DataPaths,
    to: str | None = None,
    *,
    verify: Callable[[Path], list[str]] | None = None,
) -> tuple[Release, PublishResult]:
    """Restore a release (call under the run lock). Returns it and the publish result.

    `verify(build_file)` returns the problems that forbid publishing (the refresh's checks);
    the file's own readability is checked here first."""
    release = choose(paths, to)
    replaced = _published_run_id(paths)
    rollback_id = f"{new_run_id()}_rollback"
    build_file = paths.build_file(rollback_id)
    build_file.parent.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    try:
        shutil.copyfile(release.path, build_file)
        problems = unreadable_tables(build_file)
        if problems:
            raise RollbackError(
                f"release {release.path.name} is damaged: {'; '.join(problems)}; "
                "the published file is unchanged"
            )
        problems = verify(build_file) if verify is not None else []
        if problems:
            raise RollbackError(
                f"release {release.path.name} fails the checks: {'; '.join(problems)}; "
                "the published file is unchanged"
            )
    except BaseException:
        shutil.rmtree(build_file.parent, ignore_errors=True)
        raise
    result = publish(build_file, paths, keep_releases=keep_releases(), published_run_id=replaced)
    if release.run_id != "unknown":
        exports.ensure_current(paths, release.run_id)
    shutil.rmtree(build_file.parent, ignore_errors=True)
    append_record(
        run_log_path(paths),
        {
            "run_id": rollback_id,
            "started_at": started.isoformat(),
            "finished_at": datetime.now(UTC).isoformat(),
            "outcome": "rolled_back",
            "reason": f"restored release {release.path.name} (run {release.run_id}) "
            f"over run {replaced or 'unknown'}",
            "restored_run_id": release.run_id,
            "published_sha256": result.sha256,
        },
    )
    return release, result


def _published_run_id(paths: DataPaths) -> str | None:
    """From the published file's record (made again if out of date): a BI tool may hold the
    file itself read-write."""
    record = repair_record(paths)
    return published_run_id(record) if record is not None else None
