"""Files a source served (or an operator dropped) that failed a check, kept aside with the
fault, so that nothing unloadable ever becomes a source's good version.

data/raw/quarantine/<sha256[:2]>/<sha256><ext>, and one line per rejection in the raw store's
manifest with "kind": "quarantined" (the source, where the file came from, when, the fault).
The loader never reads these files: `raw_store.live_versions` only sees "live" lines.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from extract import raw_store as rs
from extract.snapshot import sha256_hex

__all__ = ["QUARANTINE", "QuarantinedFile", "quarantine", "quarantined"]

QUARANTINE = "quarantine"
KIND = "quarantined"


@dataclass(frozen=True)
class QuarantinedFile:
    source_id: str
    path: Path  # where the bytes are kept
    sha256: str
    url: str
    fault: str
    at: str


def quarantine(
    raw_store: Path,
    *,
    run_id: str,
    source_id: str,
    body: bytes,
    url: str,
    origin: str,
    fault: str,
    at: datetime,
    name: str,
) -> QuarantinedFile:
    """Keep `body` aside (once per content) and record why it was refused."""
    raw_store = Path(raw_store)
    sha = sha256_hex(body)
    suffix = "".join(PurePosixPath(name).suffixes[-1:]).lower()
    target = raw_store / QUARANTINE / sha[:2] / f"{sha}{suffix}"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        partial.write_bytes(body)
        os.replace(partial, target)
    at_text = at.isoformat()
    rs.append_records(
        raw_store,
        [
            {
                "kind": KIND,
                "run_id": run_id,
                "source_id": source_id,
                "origin": origin,
                "url": url,
                "name": name,
                "sha256": sha,
                "bytes": len(body),
                "quarantine_path": target.relative_to(raw_store).as_posix(),
                "fault": fault,
                "quarantined_at": at_text,
            }
        ],
    )
    return QuarantinedFile(source_id, target, sha, url, fault, at_text)


def quarantined(raw_store: Path, source_id: str | None = None) -> list[QuarantinedFile]:
    """Every rejection recorded, oldest first (of one source, or all)."""
    out = []
    for rec in rs.read_records(Path(raw_store)):
        if rec.get("kind") != KIND or (source_id and rec.get("source_id") != source_id):
            continue
        out.append(
            QuarantinedFile(
                rec["source_id"],
                Path(raw_store) / rec["quarantine_path"],
                rec["sha256"],
                rec.get("url") or "",
                rec.get("fault") or "",
                rec.get("quarantined_at") or "",
            )
        )
    return out
