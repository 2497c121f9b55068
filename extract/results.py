"""What an extract run hands to the load stage: the raw files to load, and what each source's
fetch did.

Per source, one of these outcomes:
- `new`           a version not seen before, checked and stored;
- `unchanged`     the same bytes as the last good version (NBB sends no ETag: hashes compared);
- `not-modified`  the server answered 304 to a conditional request (ETag / Last-Modified);
- `stale`         the fetch or its checks failed; the last good version is used instead;
- `snapshot`      the fetch failed and there never was a good live version: the embedded
                  snapshot's copy is used (modelled data stays flagged as modelled);
- `missing`       the fetch failed and there is nothing to fall back on;
- `no-file`       a manual source whose inbox is empty: its last good version is used, or the
                  embedded snapshot's copy if it never had one (not a fault: nothing was sent);
- `not-fetched`   a source the build needs that this run did not select (`--source`): its
                  stored versions, or the embedded copy.

`stale`, `snapshot` and `missing` are faults: the flow reports them and exits non-zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from extract.raw_store import RawVersion
from extract.snapshot import ManifestEntry, Snapshot

__all__ = ["FAULT_OUTCOMES", "Extracted", "SourceResult"]

FAULT_OUTCOMES = ("stale", "snapshot", "missing")


@dataclass(frozen=True)
class SourceResult:
    source_id: str
    publisher: str
    access: str
    outcome: str
    url: str
    used: RawVersion | None = None  # the version the build gets (None: none)
    fault: str | None = None  # "<kind>: <problem>" when the fetch or its checks failed
    attempts: int = 0
    stored_new_file: bool = False
    # Fallback to the embedded copy: every file the snapshot has of the source (Statbel's one
    # ZIP per year are one vintage; Eurostat GDP's old vintage stays beside the current one).
    snapshot_entries: tuple[ManifestEntry, ...] = ()

    @property
    def is_fault(self) -> bool:
        return self.outcome in FAULT_OUTCOMES

    def describe(self) -> str:
        used = ""
        if self.used is not None:
            used = f"; using raw version {self.used.sha256[:12]}… of {self.used.vintage}"
        elif self.snapshot_entries:
            files = len(self.snapshot_entries)
            used = "; using the embedded snapshot's copy" + (
                f" ({files} files)" if files > 1 else ""
            )
        fault = f" ({self.url}): {self.fault}" if self.fault else ""
        return f"{self.source_id} {self.outcome}{fault}{used}"

    def to_json(self) -> dict:
        return {
            "source_id": self.source_id,
            "outcome": self.outcome,
            "fault": self.fault,
            "url": self.url,
            "used_sha256": self.used.sha256 if self.used else None,
            "stored_new_file": self.stored_new_file,
        }


@dataclass(frozen=True)
class Extracted:
    """What the load stage gets from an extract run, from the embedded snapshot or live."""

    mode: str  # "snapshot" | "live"
    snapshot_id: str
    raw_store: Path
    entries: tuple[ManifestEntry, ...]  # every file to load, paths relative to raw_store
    results: tuple[SourceResult, ...] = ()  # live: what each source's fetch did
    not_loadable: tuple[str, ...] = ()  # sources stored but without a loader for their format

    @property
    def faults(self) -> list[SourceResult]:
        return [r for r in self.results if r.is_fault]

    @property
    def stale_sources(self) -> list[str]:
        return [r.source_id for r in self.faults]

    def fault_lines(self) -> list[str]:
        return [r.describe() for r in self.faults]

    def snapshot(self) -> Snapshot:
        """The entries as a Snapshot rooted on the raw store (the loader's input)."""
        return Snapshot(snapshot_id=self.snapshot_id, root=self.raw_store, files=self.entries)
