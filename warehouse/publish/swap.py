"""The atomic swap of a checked build over the published warehouse file, and the releases it
keeps for rollback."""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from warehouse.config import DataPaths, refuse_symlink
from warehouse.faults import fault_point
from warehouse.files import check_storage_version, file_sha256, fsync_dir, fsync_file, wal_path
from warehouse.meta import read as meta_read
from warehouse.meta.published_record import current_record, write_record

KEEP_RELEASES = 5
KEEP_RELEASES_ENV = "LIMWH_KEEP_RELEASES"
KEEP_BUILDS = 10

__all__ = [
    "KEEP_BUILDS",
    "KEEP_RELEASES",
    "PublishError",
    "PublishResult",
    "Release",
    "finalize",
    "keep_releases",
    "list_releases",
    "prune_builds",
    "prune_releases",
    "publish",
    "releases",
]


class PublishError(RuntimeError):
    """The build could not be published; the published file is unchanged."""


def keep_releases() -> int:
    """How many previous published files to keep under releases/ ($LIMWH_KEEP_RELEASES, 5)."""
    raw = os.environ.get(KEEP_RELEASES_ENV, "").strip()
    if not raw:
        return KEEP_RELEASES
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{KEEP_RELEASES_ENV}={raw!r} is not a whole number") from None
    if value < 1:
        raise ValueError(f"{KEEP_RELEASES_ENV}={raw!r}: keep at least 1 release")
    return value


@dataclass(frozen=True)
class PublishResult:
    published: Path
    sha256: str
    bytes: int
    release: Path | None  # the previously published file, kept for rollback


def finalize(db_file: Path) -> None:
    """CHECKPOINT and close a DuckDB file, then fsync it: everything is in the main file."""
    try:
        con = duckdb.connect(str(db_file))
    except duckdb.Error as exc:
        raise PublishError(f"cannot open {db_file} to checkpoint it: {exc}") from exc
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()
    if wal_path(db_file).exists():
        raise PublishError(f"{wal_path(db_file)} still exists after CHECKPOINT and close")
    fsync_file(db_file)


def publish(
    build_file: Path,
    paths: DataPaths,
    *,
    keep_releases: int = KEEP_RELEASES,
    published_run_id: str | None = None,
) -> PublishResult:
    """Swap a checked build over the published file, atomically.

    The build must sit in the data directory's file system (os.replace is only atomic within
    one). The file that was published is copied to releases/ first, named after the run that
    built it (`published_run_id`, read from the file when not given); the last `keep_releases`
    copies are kept. Any error before the os.replace leaves the published file as it was.
    """
    build_file = Path(build_file)
    published = paths.published
    if not build_file.is_file():
        raise PublishError(f"no build file at {build_file}")
    if build_file.name != published.name:
        raise PublishError(
            f"build file {build_file.name!r} must have the published basename {published.name!r}"
        )
    paths.ensure()

    finalize(build_file)
    check_storage_version(build_file)

    release = None
    if published.exists():
        _settle_published(published)
        run_id = published_run_id or _recorded_run_id(paths)
        release = _keep_release(published, paths, keep_releases, run_id or "unknown")
    elif wal_path(published).exists():
        wal_path(published).unlink()  # a WAL without its database belongs to nothing

    # Hashed before the swap: after it, nothing may fail, so that an error always means
    # "published file unchanged".
    sha256, size = file_sha256(build_file), build_file.stat().st_size
    record = paths.published_record.with_name(paths.published_record.name + ".partial")
    write_record(build_file, record, sha256=sha256, published_name=published.name)
    fault_point("publish:before_replace")
    os.replace(build_file, published)
    # An out-of-date record is never used (the next run writes it again): nothing may fail now.
    with contextlib.suppress(OSError):
        os.replace(record, paths.published_record)
    fsync_dir(published.parent)
    fault_point("publish:after_replace")
    return PublishResult(published=published, sha256=sha256, bytes=size, release=release)


def _recorded_run_id(paths: DataPaths) -> str | None:
    record = current_record(paths)
    return meta_read.published_run_id(record) if record is not None else None


def _settle_published(published: Path) -> None:
    """Fold a leftover WAL into the published file before it is copied and replaced.

    A WAL left next to the new file would be replayed against it by the next reader.
    """
    wal = wal_path(published)
    if not wal.exists():
        return
    try:
        finalize(published)
    except (PublishError, duckdb.Error) as exc:
        raise PublishError(
            f"the published file has a WAL ({wal}) and cannot be checkpointed; "
            f"is a process writing to it? {exc}"
        ) from exc


def _keep_release(published: Path, paths: DataPaths, keep: int, run_id: str) -> Path:
    paths.releases.mkdir(parents=True, exist_ok=True)
    stamp = datetime.fromtimestamp(published.stat().st_mtime, UTC).strftime("%Y%m%dT%H%M%SZ")
    target = paths.releases / f"{stamp}_{run_id}.duckdb"
    if not target.exists():
        partial = target.with_name(target.name + ".partial")
        shutil.copyfile(published, partial)
        fsync_file(partial)
        os.replace(partial, target)
        fsync_dir(paths.releases)
    prune_releases(paths, keep)
    return target


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


def list_releases(paths: DataPaths) -> list[Path]:
    """Kept releases, oldest first (names start with a UTC timestamp). A symbolic link, or
    a releases folder that is one, is never listed, so never pruned through."""
    refuse_symlink(paths.releases, "releases folder")
    if not paths.releases.exists():
        return []
    return sorted(p for p in paths.releases.glob("*.duckdb") if p.is_file() and not p.is_symlink())


def prune_releases(paths: DataPaths, keep: int = KEEP_RELEASES) -> list[Path]:
    releases = list_releases(paths)
    doomed = releases[: max(0, len(releases) - keep)]
    for path in doomed:
        path.unlink(missing_ok=True)
        wal_path(path).unlink(missing_ok=True)
    return doomed


def prune_builds(paths: DataPaths, keep: int = KEEP_BUILDS, *, spare: str | None = None) -> None:
    """Remove all but the newest `keep` build folders (run ids sort by time)."""
    refuse_symlink(paths.builds, "builds folder")
    if not paths.builds.exists():
        return
    folders = sorted(
        p for p in paths.builds.iterdir() if p.is_dir() and not p.is_symlink() and p.name != spare
    )
    for folder in folders[: max(0, len(folders) - keep)]:
        shutil.rmtree(folder, ignore_errors=True)
