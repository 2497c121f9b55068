"""The raw store: every raw file a build reads, kept immutable and content-addressed.

data/raw/<sha256[:2]>/<sha256>.<ext>, plus data/raw/manifest.jsonl with one line per file a run
stored (where it came from, when, its manifest metadata). A file with the same bytes is stored
once; the manifest still records every run that used it.
"""

from __future__ import annotations

import dataclasses
import json
import os
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from extract.snapshot import ManifestEntry, Snapshot, SnapshotError, sha256_hex

RAW_MANIFEST = "manifest.jsonl"
_COMPRESSED = {".gz", ".bz2", ".xz", ".zst", ".zip"}


def raw_relpath(entry: ManifestEntry) -> str:
    """Where a file lives in the raw store, relative to it."""
    suffixes = PurePosixPath(entry.path).suffixes
    ext = "".join(suffixes[-2:]) if suffixes[-1:] and suffixes[-1] in _COMPRESSED else ""
    ext = ext or (suffixes[-1] if suffixes else "")
    return f"{entry.sha256[:2]}/{entry.sha256}{ext.lower()}"


def store_snapshot(snapshot: Snapshot, raw_store: Path, run_id: str) -> Snapshot:
    """Copy every file of a snapshot into the raw store (checking each against its manifest)
    and return the same snapshot re-rooted on the raw store, for the loader to read from.
    """
    raw_store.mkdir(parents=True, exist_ok=True)
    stored_at = datetime.now(UTC).isoformat(timespec="seconds")
    entries = []
    records = []
    for entry in snapshot.files:
        data = snapshot.read_bytes(entry)  # raises SnapshotError on a size/sha256 mismatch
        rel = raw_relpath(entry)
        _write_once(raw_store / rel, data, entry.sha256)
        entries.append(dataclasses.replace(entry, path=rel))
        records.append(
            {
                "stored_at": stored_at,
                "run_id": run_id,
                "snapshot_id": snapshot.snapshot_id,
                "origin": str(snapshot.file_path(entry)),
                "raw_path": rel,
                "source_id": entry.source_id,
                "format": entry.format,
                "url": entry.url,
                "retrieved_at": entry.retrieved_at.isoformat(),
                "sha256": entry.sha256,
                "bytes": entry.bytes,
                "licence": entry.licence,
                "attribution": entry.attribution,
                "modelled_series": list(entry.modelled_series),
            }
        )
    with (raw_store / RAW_MANIFEST).open("a", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return Snapshot(snapshot_id=snapshot.snapshot_id, root=raw_store, files=tuple(entries))


def _write_once(target: Path, data: bytes, sha256: str) -> None:
    if target.exists():
        # Content-addressed: an existing file must hold exactly these bytes.
        found = sha256_hex(target.read_bytes())
        if found != sha256:
            raise SnapshotError(f"raw store file {target} is corrupt: sha256 {found}")
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    with partial.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(partial, 0o444)
    os.replace(partial, target)
