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

from extract.formats import FORMATS
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
    append_records(raw_store, records)
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


# --- live versions --------------------------------------------------------------------------
#
# A live fetch (or a file an operator dropped into the inbox) that passed every check is
# appended to the same manifest with "kind": "live": one line per accepted response, whether
# its bytes were new ("stored": true) or a version already held ("stored": false, e.g. NBB
# serving the same message again, or a 304 Not Modified). A rejected response never gets here.
# A raw version is one distinct sha256 of one source; its vintage is when it was first seen.
#
# A source may come as several files retrieved together (Statbel: one ZIP per year). Each file
# is a `part` of the source (the year), with its own history; the files one fetch accepted
# share their retrieval time, so they form one vintage, and together they are the source's
# current version (`current_versions`).

LIVE = "live"


@dataclasses.dataclass(frozen=True)
class RawVersion:
    """One distinct raw file of one source in the raw store, with its history."""

    source_id: str
    sha256: str
    bytes: int
    format: str
    raw_path: str
    url: str
    query: str
    origin: str  # 'http' | 'inbox'
    first_retrieved_at: datetime  # the vintage: since when this content is the current one
    last_retrieved_at: datetime  # the last time a fetch confirmed it
    http_status: int | None
    etag: str | None
    last_modified: str | None
    licence: str
    attribution: str
    fingerprint: dict | None
    part: str = ""  # which file of a multi-file source ("2024"); "" for a one-file source

    @property
    def vintage(self) -> str:
        return self.first_retrieved_at.date().isoformat()

    def entry(self) -> ManifestEntry:
        """The loader's view: a manifest entry rooted on the raw store, dated by its vintage."""
        return ManifestEntry(
            source_id=self.source_id,
            path=self.raw_path,
            format=self.format,
            url=self.url,
            retrieved_at=self.first_retrieved_at,
            sha256=self.sha256,
            bytes=self.bytes,
            licence=self.licence,
            attribution=self.attribution,
        )


def read_records(raw_store: Path) -> list[dict]:
    path = Path(raw_store) / RAW_MANIFEST
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a torn last line of a killed run
    return out


def live_versions(raw_store: Path, source_id: str | None = None) -> list[RawVersion]:
    """Every distinct live raw version (of one source, or all), oldest vintage first."""
    versions: dict[tuple[str, str, str], RawVersion] = {}
    records = read_records(raw_store)
    removed = {r.get("sha256") for r in records if r.get("kind") == "removed"}
    live = sorted(
        (
            (datetime.fromisoformat(r["retrieved_at"]), i, r)
            for i, r in enumerate(records)
            if r.get("kind") == LIVE
            and r.get("sha256") not in removed
            and (not source_id or r.get("source_id") == source_id)
        ),
        key=lambda t: (t[0], t[1]),
    )
    # A version's vintage is when it became the publisher's current content. Content that
    # comes back after another version (a revision withdrawn) starts a new vintage, so the
    # latest vintage is always what the publisher serves now.
    current: dict[tuple[str, str], str] = {}
    since: dict[tuple[str, str, str], datetime] = {}
    for at, _, rec in live:
        part = rec.get("part") or ""
        if current.get((rec["source_id"], part)) != rec["sha256"]:
            current[(rec["source_id"], part)] = rec["sha256"]
            since[(rec["source_id"], part, rec["sha256"])] = at
    for at, _, rec in live:
        key = (rec["source_id"], rec.get("part") or "", rec["sha256"])
        known = versions.get(key)
        if known is None:
            versions[key] = RawVersion(
                source_id=rec["source_id"],
                sha256=rec["sha256"],
                bytes=int(rec["bytes"]),
                format=rec["format"],
                raw_path=rec["raw_path"],
                url=rec["url"],
                query=rec.get("query") or "",
                origin=rec.get("origin") or "http",
                first_retrieved_at=since[key],
                last_retrieved_at=at,
                http_status=rec.get("http_status"),
                etag=rec.get("etag"),
                last_modified=rec.get("last_modified"),
                licence=rec.get("licence") or "",
                attribution=rec.get("attribution") or "",
                fingerprint=rec.get("fingerprint"),
                part=rec.get("part") or "",
            )
        else:
            versions[key] = dataclasses.replace(
                known,
                last_retrieved_at=max(known.last_retrieved_at, at),
                etag=rec.get("etag") or known.etag,
                last_modified=rec.get("last_modified") or known.last_modified,
                http_status=rec.get("http_status") or known.http_status,
            )
    return sorted(versions.values(), key=lambda v: (v.first_retrieved_at, v.part, v.sha256))


def last_good(raw_store: Path, source_id: str, part: str | None = None) -> RawVersion | None:
    """The version the last accepted fetch of the source (of one `part` of it, if given)
    returned (None if never fetched)."""
    best: tuple[datetime, str, str] | None = None
    for rec in read_records(raw_store):
        if rec.get("kind") == LIVE and rec.get("source_id") == source_id:
            if part is not None and (rec.get("part") or "") != part:
                continue
            at = datetime.fromisoformat(rec["retrieved_at"])
            if best is None or at >= best[0]:
                best = (at, rec.get("part") or "", rec["sha256"])
    if best is None:
        return None
    for version in live_versions(raw_store, source_id):
        if (version.part, version.sha256) == best[1:]:
            return version
    return None


def current_versions(raw_store: Path, source_id: str) -> list[RawVersion]:
    """Every file of the source's last accepted fetch: its current version (one file for most
    sources, one per year for Statbel's ZIPs)."""
    latest: datetime | None = None
    shas: set[tuple[str, str]] = set()
    for rec in read_records(raw_store):
        if rec.get("kind") != LIVE or rec.get("source_id") != source_id:
            continue
        at = datetime.fromisoformat(rec["retrieved_at"])
        key = (rec.get("part") or "", rec["sha256"])
        if latest is None or at > latest:
            latest, shas = at, {key}
        elif at == latest:
            shas.add(key)
    return [v for v in live_versions(raw_store, source_id) if (v.part, v.sha256) in shas]


def store_live(
    raw_store: Path,
    *,
    run_id: str,
    source_id: str,
    fmt: str,
    body: bytes | None,
    sha256: str,
    size: int,
    url: str,
    query: str,
    origin: str,
    retrieved_at: datetime,
    http_status: int | None,
    etag: str | None,
    last_modified: str | None,
    licence: str,
    attribution: str,
    fingerprint: dict | None,
    extension: str | None = None,
    part: str = "",
    final_url: str | None = None,
) -> tuple[str, bool]:
    """Record an accepted response; write its bytes once (`body` None: a version already held).

    Returns (raw_path, stored_new_file).
    """
    raw_store = Path(raw_store)
    raw_store.mkdir(parents=True, exist_ok=True)
    ext = (extension or _extension(fmt)).lower()
    rel = f"{sha256[:2]}/{sha256}{ext}"
    existing = [p for p in (raw_store / sha256[:2]).glob(f"{sha256}*") if p.is_file()]
    new = False
    if existing:
        rel = existing[0].relative_to(raw_store).as_posix()
        if body is not None:
            _write_once(raw_store / rel, body, sha256)
    else:
        if body is None:
            raise SnapshotError(f"raw store has no file {sha256} for source {source_id!r}")
        _write_once(raw_store / rel, body, sha256)
        new = True
    record = {
        "kind": LIVE,
        "stored_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "run_id": run_id,
        "source_id": source_id,
        "origin": origin,
        "raw_path": rel,
        "stored": new,
        "format": fmt,
        "url": url,
        "query": query,
        "retrieved_at": retrieved_at.astimezone(UTC).isoformat(),
        "http_status": http_status,
        "etag": etag,
        "last_modified": last_modified,
        "sha256": sha256,
        "bytes": size,
        "licence": licence,
        "attribution": attribution,
        "fingerprint": fingerprint,
    }
    if part:
        record["part"] = part
    if final_url and final_url != url:
        record["final_url"] = final_url  # where the publisher's redirects ended
    append_records(raw_store, [record])
    return rel, new


def _extension(format_id: str) -> str:
    known = FORMATS.get(format_id)
    return known.extension if known else ""


def append_records(raw_store: Path, records: list[dict]) -> None:
    """Append lines to the raw store's manifest (flushed and fsynced)."""
    with (raw_store / RAW_MANIFEST).open("a", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def raw_files(raw_store: Path) -> list[Path]:
    """Every content file in the raw store (not the manifest, not partial writes)."""
    raw_store = Path(raw_store)
    if not raw_store.exists():
        return []
    return sorted(
        p
        for p in raw_store.glob("??/*")
        if p.is_file() and not p.name.startswith(".") and len(p.name) >= 64
    )
