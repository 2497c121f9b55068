"""Retention: remove what nothing references, never what a published release used.

- Build folders under data/builds/ are scratch: a published build was moved out of its folder,
  a failed one is kept for inspection. All but the newest `keep_builds` are removed.
- Raw files (with `prune_raw`) are removed only when no published warehouse file (the
  published one and every kept release) lists their sha256 in `raw.source_files`, and they are
  not the last good version of their source (a failed fetch falls back on it) nor a file of
  the embedded snapshot. A removal is recorded in the raw store's manifest.

Runs under the refresh lock, so it never races a refresh.
"""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from extract import raw_store as rs
from extract.snapshot import SnapshotError, load_manifest
from warehouse.config import DataPaths
from warehouse.publish.lock import run_lock
from warehouse.publish.swap import list_releases

KEEP_FAILED_BUILDS = 3

__all__ = ["RetentionReport", "apply_retention", "raw_versions_in_use"]


@dataclass
class RetentionReport:
    removed_builds: list[Path] = field(default_factory=list)
    removed_raw: list[Path] = field(default_factory=list)
    kept_raw: int = 0
    referenced: set[str] = field(default_factory=set)
    unreadable: list[Path] = field(default_factory=list)

    def lines(self, dry_run: bool) -> list[str]:
        verb = "would remove" if dry_run else "removed"
        out = [f"{verb} {len(self.removed_builds)} build folder(s)"]
        out += [f"  {p}" for p in self.removed_builds]
        out.append(
            f"{verb} {len(self.removed_raw)} raw file(s); kept {self.kept_raw} "
            f"({len(self.referenced)} version(s) used by published releases)"
        )
        out += [f"  {p}" for p in self.removed_raw]
        out += [f"warning: could not read {p}; its raw files are all kept" for p in self.unreadable]
        return out


def _published_files(paths: DataPaths) -> list[Path]:
    files = list_releases(paths)
    if paths.published.is_file():
        files.append(paths.published)
    return files


def raw_versions_in_use(paths: DataPaths) -> tuple[set[str], list[Path]]:
    """sha256 of every raw file a published warehouse file (current or kept release) loaded."""
    used: set[str] = set()
    unreadable: list[Path] = []
    for db_file in _published_files(paths):
        try:
            con = duckdb.connect(str(db_file), read_only=True)
        except duckdb.Error:
            unreadable.append(db_file)
            continue
        try:
            rows = con.execute("SELECT DISTINCT sha256 FROM raw.source_files").fetchall()
            used.update(r[0] for r in rows)
        except duckdb.Error:
            unreadable.append(db_file)
        finally:
            con.close()
    return used, unreadable


def apply_retention(
    paths: DataPaths,
    *,
    keep_builds: int = KEEP_FAILED_BUILDS,
    prune_raw: bool = False,
    dry_run: bool = False,
    protect: set[str] | None = None,
) -> RetentionReport:
    """Remove old build folders (and, with `prune_raw`, raw files no release used)."""
    report = RetentionReport()
    with run_lock(paths, "retention"):
        if paths.builds.exists():
            folders = sorted(p for p in paths.builds.iterdir() if p.is_dir())
            report.removed_builds = folders[: max(0, len(folders) - keep_builds)]
        if prune_raw:
            used, unreadable = raw_versions_in_use(paths)
            report.referenced = used
            report.unreadable = unreadable
            if unreadable:
                prune_raw = False  # cannot tell what an unreadable release used: keep all
        keep = set(report.referenced) | set(protect or ())
        if prune_raw:
            sources = {
                rec["source_id"]
                for rec in rs.read_records(paths.raw_store)
                if rec.get("kind") == rs.LIVE
            }
            for source_id in sources:
                # Every file of the last good version (Statbel's: one per year).
                keep.update(v.sha256 for v in rs.current_versions(paths.raw_store, source_id))
            with contextlib.suppress(SnapshotError):
                keep.update(e.sha256 for e in load_manifest().files)
            for path in rs.raw_files(paths.raw_store):
                sha = path.name.split(".")[0]
                if sha in keep:
                    report.kept_raw += 1
                else:
                    report.removed_raw.append(path)
        else:
            report.kept_raw = len(rs.raw_files(paths.raw_store))
        if not dry_run:
            for folder in report.removed_builds:
                shutil.rmtree(folder, ignore_errors=True)
            removed = []
            for path in report.removed_raw:
                path.unlink(missing_ok=True)
                removed.append(
                    {
                        "kind": "removed",
                        "removed_at": datetime.now(UTC).isoformat(timespec="seconds"),
                        "sha256": path.name.split(".")[0],
                        "raw_path": path.relative_to(paths.raw_store).as_posix(),
                        "reason": "retention: used by no published release",
                    }
                )
            if removed:
                rs.append_records(paths.raw_store, removed)
    return report
