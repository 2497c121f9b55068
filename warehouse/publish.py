"""Write-audit-publish: one run at a time, and an atomic swap of a checked build over the
published warehouse file."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from warehouse.build import check_storage_version
from warehouse.config import DataPaths
from warehouse.faults import fault_point

KEEP_RELEASES = 5
KEEP_BUILDS = 10


class PublishError(RuntimeError):
    """The build could not be published; the published file is unchanged."""


class RunLockedError(RuntimeError):
    """Another refresh holds the run lock."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def wal_path(db_file: Path) -> Path:
    return db_file.with_name(db_file.name + ".wal")


# --- the run lock -------------------------------------------------------------------------

# flock conflicts between two open() calls even inside one process, so a process that already
# holds the lock (the CLI, then the flow it starts) re-enters instead of locking itself out.
_held: dict[Path, int] = {}
_held_guard = threading.Lock()


@contextlib.contextmanager
def run_lock(paths: DataPaths, run_id: str | None = None) -> Iterator[Path]:
    """Hold data/.refresh.lock for the duration of a run; fail at once if another process does.

    The lock file keeps the holder's pid and run id so the refusal can name them. The kernel
    releases the lock when the holder dies, so a crashed run never blocks the next one.
    """
    lock_file = paths.run_lock
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    key = lock_file.resolve()
    with _held_guard:
        if key in _held:
            _held[key] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield lock_file
        finally:
            with _held_guard:
                _held[key] -= 1
        return

    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            raise RunLockedError(
                f"another refresh is running ({holder}); lock file {lock_file}"
            ) from None
        os.ftruncate(fd, 0)
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        os.write(fd, f"pid={os.getpid()} run_id={run_id or '-'} since={stamp}\n".encode())
        os.fsync(fd)
        with _held_guard:
            _held[key] = 1
        try:
            yield lock_file
        finally:
            with _held_guard:
                _held.pop(key, None)
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _read_holder(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 4096).decode(errors="replace").strip()
    except OSError:
        text = ""
    return text or "holder pid unknown"


# --- publishing ---------------------------------------------------------------------------


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
    _fsync_file(db_file)


def publish(
    build_file: Path,
    paths: DataPaths,
    *,
    keep_releases: int = KEEP_RELEASES,
) -> PublishResult:
    """Swap a checked build over the published file, atomically.

    The build must sit in the data directory's file system (os.replace is only atomic within
    one). The file that was published is copied to releases/ first; the last `keep_releases`
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
        release = _keep_release(published, paths, keep_releases)
    elif wal_path(published).exists():
        wal_path(published).unlink()  # a WAL without its database belongs to nothing

    # Hashed before the swap: after it, nothing may fail, so that an error always means
    # "published file unchanged".
    sha256, size = file_sha256(build_file), build_file.stat().st_size
    fault_point("publish:before_replace")
    os.replace(build_file, published)
    _fsync_dir(published.parent)
    fault_point("publish:after_replace")
    return PublishResult(published=published, sha256=sha256, bytes=size, release=release)


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


def _keep_release(published: Path, paths: DataPaths, keep: int) -> Path:
    paths.releases.mkdir(parents=True, exist_ok=True)
    stamp = datetime.fromtimestamp(published.stat().st_mtime, UTC).strftime("%Y%m%dT%H%M%SZ")
    run_id = published_run_id(published) or "unknown"
    target = paths.releases / f"{stamp}_{run_id}.duckdb"
    if not target.exists():
        partial = target.with_name(target.name + ".partial")
        shutil.copyfile(published, partial)
        _fsync_file(partial)
        os.replace(partial, target)
        _fsync_dir(paths.releases)
    prune_releases(paths, keep)
    return target


def list_releases(paths: DataPaths) -> list[Path]:
    """Kept releases, oldest first (names start with a UTC timestamp)."""
    if not paths.releases.exists():
        return []
    return sorted(p for p in paths.releases.glob("*.duckdb") if p.is_file())


def prune_releases(paths: DataPaths, keep: int = KEEP_RELEASES) -> list[Path]:
    releases = list_releases(paths)
    doomed = releases[: max(0, len(releases) - keep)]
    for path in doomed:
        path.unlink(missing_ok=True)
        wal_path(path).unlink(missing_ok=True)
    return doomed


def prune_builds(paths: DataPaths, keep: int = KEEP_BUILDS, *, spare: str | None = None) -> None:
    """Remove all but the newest `keep` build folders (run ids sort by time)."""
    if not paths.builds.exists():
        return
    folders = sorted(p for p in paths.builds.iterdir() if p.is_dir() and p.name != spare)
    for folder in folders[: max(0, len(folders) - keep)]:
        shutil.rmtree(folder, ignore_errors=True)


def published_run_id(db_file: Path) -> str | None:
    """The run that produced a warehouse file, from its meta.runs (None if unknown)."""
    try:
        con = duckdb.connect(str(db_file), read_only=True)
    except duckdb.Error:
        return None
    try:
        rows = con.execute(
            "SELECT run_id FROM meta.runs WHERE outcome = 'published' "
            "ORDER BY started_at DESC LIMIT 1"
        ).fetchall()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return rows[0][0] if rows else None


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
