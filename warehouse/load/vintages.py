"""`meta.source_vintages` and `meta.source_fetches`: which raw versions a build holds, and what
this run's fetch of each source did.

`meta.source_vintages` has one row per distinct raw version (source, sha256) known to the raw
store for the sources of the run (every live version, or the snapshot's files), with its
vintage (the date it was first retrieved), where it came from, and whether this build loaded
it. The version each source's values come from has `is_current`; a version used because the
fetch failed has `is_stale` and the fault.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path

from extract import raw_store as rs
from extract.results import Extracted
from extract.snapshot import ManifestEntry
from warehouse.meta.record import write_source_vintages

__all__ = ["write_live_vintages", "write_snapshot_vintages", "write_vintages"]


def _naive(ts: datetime | None) -> datetime | None:
    if ts is None:
        return None
    return ts.astimezone(UTC).replace(tzinfo=None) if ts.tzinfo else ts


def _latest_vintage(entries: Iterable[ManifestEntry]) -> dict[str, date]:
    """Per source, the vintage of its newest files: those files are its current version.

    A vintage may hold several files (Statbel's one ZIP per year, retrieved together); an older
    vintage kept beside it (Eurostat GDP's 2020 release) is loaded but not current.
    """
    latest: dict[str, date] = {}
    for e in entries:
        day = _naive(e.retrieved_at).date()
        latest[e.source_id] = max(latest.get(e.source_id, day), day)
    return latest


def write_snapshot_vintages(
    build_file: Path, entries: Iterable[ManifestEntry], run_id: str
) -> None:
    """Snapshot mode: every file of the snapshot is loaded; the files of each source's newest
    vintage are current. One fetch row per source."""
    entries = list(entries)
    now = _naive(datetime.now(UTC))
    latest = _latest_vintage(entries)
    vintages, fetches = [], []
    for e in entries:
        at = _naive(e.retrieved_at)
        vintages.append(
            [e.source_id, at.date(), e.sha256, e.bytes, e.format, "snapshot", e.url, None, at, at,
             None, None, None, e.licence, e.attribution, e.path, True,
             at.date() == latest[e.source_id], False, None]
        )  # fmt: skip
    for source_id in dict.fromkeys(e.source_id for e in entries):
        current = [e for e in entries if e.source_id == source_id]
        current = [e for e in current if _naive(e.retrieved_at).date() == latest[source_id]]
        used = current[0].sha256 if len(current) == 1 else None  # several files: see vintages
        fetches.append(
            [run_id, source_id, "snapshot", "snapshot", None, current[0].url, used, None, True,
             now]
        )  # fmt: skip
    write_source_vintages(build_file, vintages, fetches)


def write_live_vintages(build_file: Path, extract: Extracted, run_id: str) -> None:
    """Live mode: every live version of each source of the run, and each source's outcome."""
    now = _naive(datetime.now(UTC))
    loaded = {(e.source_id, e.sha256) for e in extract.entries}
    vintages, fetches = [], []
    for result in extract.results:
        current = result.used.sha256 if result.used else None
        # The files of the source's last accepted fetch (one per year for Statbel's ZIPs).
        current_live = (
            {v.sha256 for v in rs.current_versions(extract.raw_store, result.source_id)}
            if result.used
            else set()
        )
        latest = _latest_vintage(result.snapshot_entries)
        current_files = [
            e
            for e in result.snapshot_entries
            if _naive(e.retrieved_at).date() == latest[e.source_id]
        ]
        if current_files:
            current = current_files[0].sha256 if len(current_files) == 1 else None
        for e in result.snapshot_entries:
            at = _naive(e.retrieved_at)
            is_current = e in current_files
            stale = is_current and result.is_fault
            vintages.append(
                [e.source_id, at.date(), e.sha256, e.bytes, e.format, "snapshot", e.url, None,
                 at, at, None, None, None, e.licence, e.attribution, e.path,
                 (e.source_id, e.sha256) in loaded, is_current, stale,
                 result.fault if stale else None]
            )  # fmt: skip
        for v in rs.live_versions(extract.raw_store, result.source_id):
            is_current = v.sha256 in current_live and not result.snapshot_entries
            stale = is_current and result.is_fault
            vintages.append(
                [v.source_id, v.first_retrieved_at.date(), v.sha256, v.bytes, v.format, v.origin,
                 v.url, v.query, _naive(v.first_retrieved_at), _naive(v.last_retrieved_at),
                 v.http_status, v.etag, v.last_modified, v.licence, v.attribution, v.raw_path,
                 (v.source_id, v.sha256) in loaded, is_current, stale,
                 result.fault if stale else None]
            )  # fmt: skip
        fetches.append(
            [run_id, result.source_id, "live", result.outcome, result.fault, result.url, current,
             result.stored_new_file, any(s == result.source_id for s, _ in loaded), now]
        )  # fmt: skip
    write_source_vintages(build_file, vintages, fetches)


def write_vintages(build_file: Path, extracted: Extracted, run_id: str) -> None:
    """The build's raw versions and fetch outcomes, for either kind of extract run."""
    if extracted.mode == "live":
        write_live_vintages(build_file, extracted, run_id)
    else:
        write_snapshot_vintages(build_file, extracted.entries, run_id)
