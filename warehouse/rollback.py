"""`limwh rollback`: put a kept release back in place of the published warehouse, atomically.

The release is copied into a new build folder and published like any build (CHECKPOINT, fsync,
os.replace, fsync of the folder), so readers see either the old file or the restored one. The
file it replaces is kept as a release in turn, so a rollback can itself be undone with
`limwh rollback --to RUN_ID`.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from warehouse import build as wb
from warehouse import exports
from warehouse.config import DataPaths
from warehouse.operations import _append_json, keep_releases
from warehouse.publish import PublishResult, list_releases, publish, published_run_id


class RollbackError(RuntimeError):
    """No release to roll back to; the published file is unchanged."""


@dataclass(frozen=True)
class Release:
    path: Path
    run_id: str  # the run that built it ('unknown' if it had no meta.runs)
    kept_at: str  # UTC stamp of when it stopped being the published file


def releases(paths: DataPaths) -> list[Release]:
    """Kept releases, oldest first. Names are <stamp>_<run_id>.duckdb."""
    out = []
    for path in list_releases(paths):
        stamp, _, run_id = path.stem.partition("_")
        out.append(Release(path, run_id or "unknown", stamp))
    return out


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
    current = published_run_id(paths.published) if paths.published.is_file() else None
    older = [r for r in kept if current is None or (r.run_id != current and r.run_id < current)]
    if not older:
        raise RollbackError(
            f"no release older than the published run {current} in {paths.releases}"
        )
    return older[-1]


def rollback(paths: DataPaths, to: str | None = None) -> tuple[Release, PublishResult]:
    """Restore a release (call under the run lock). Returns it and the publish result."""
    release = choose(paths, to)
    replaced = published_run_id(paths.published) if paths.published.is_file() else None
    rollback_id = f"{wb.new_run_id()}_rollback"
    build_file = paths.build_file(rollback_id)
    build_file.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(release.path, build_file)
    started = datetime.now(UTC)
    result = publish(build_file, paths, keep_releases=keep_releases())
    if release.run_id != "unknown":
        exports.ensure_current(paths, release.run_id)
    shutil.rmtree(build_file.parent, ignore_errors=True)
    _append_json(
        wb.run_log_path(paths),
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
