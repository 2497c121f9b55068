"""The embedded snapshot (extract/snapshot/): its manifest, checked file access, modelled flags.

Every file is read through `Snapshot.read_bytes`, which checks the size and sha256 the manifest
records, so a build can never load a file other than the one the manifest describes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from extract.paths import SNAPSHOT_DIR

MANIFEST_NAME = "manifest.json"

__all__ = [
    "MANIFEST_NAME",
    "ManifestEntry",
    "Snapshot",
    "SnapshotError",
    "is_modelled",
    "load_manifest",
    "parse_timestamp",
    "published_name",
    "sha256_hex",
]


class SnapshotError(ValueError):
    """The manifest or a file it lists is missing, malformed or does not match."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_modelled(series_key: str, patterns: Iterable[str]) -> bool:
    """True when the dotted series key matches one of the fnmatch patterns (case-sensitive:
    SDMX codes are)."""
    return any(fnmatchcase(series_key, pattern) for pattern in patterns)


_FILE_SUFFIXES = (".zip", ".xlsx", ".xls", ".txt", ".csv", ".json")


def published_name(url: str, path: str = "") -> str:
    """The file name in a URL or an `inbox:<path>` origin, else the last part of `path`."""
    if url.startswith("inbox:"):
        return PurePosixPath(url.removeprefix("inbox:").replace("\\", "/")).name
    name = PurePosixPath(urlsplit(url).path).name
    if name.lower().endswith(_FILE_SUFFIXES):
        return name
    return PurePosixPath(path).name


def parse_timestamp(value: str) -> datetime:
    """ISO-8601 timestamp -> aware UTC datetime. A value without offset is taken as UTC."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


@dataclass(frozen=True)
class ManifestEntry:
    """One raw file as the manifest describes it (the raw store can describe fetched files the
    same way, so the loader takes either)."""

    source_id: str
    path: str
    format: str
    url: str
    retrieved_at: datetime
    sha256: str
    bytes: int
    licence: str
    attribution: str
    modelled_series: tuple[str, ...] = ()
    modelled_reason: str = ""
    generator: str = ""

    def is_modelled(self, series_key: str) -> bool:
        return is_modelled(series_key, self.modelled_series)

    @property
    def published_name(self) -> str:
        """The file's name as its publisher (or the operator's inbox) gave it: some formats
        carry the period only there (Statbel's TF_VAT_NACE_EMPL_2015.zip, RSZ's
        localunit-val-nl-20154.xlsx). The raw store names files by their sha256."""
        return published_name(self.url, self.path)

    @classmethod
    def from_dict(cls, raw: Any, where: str) -> ManifestEntry:
        if not isinstance(raw, dict):
            raise SnapshotError(f"{where}: a file entry must be a JSON object")
        label = f"{where} ({raw.get('path', '?')})"
        required = {
            "source_id": str,
            "path": str,
            "format": str,
            "url": str,
            "retrieved_at": str,
            "sha256": str,
            "bytes": int,
            "licence": str,
            "attribution": str,
        }
        for name, kind in required.items():
            value = raw.get(name)
            if value is None:
                raise SnapshotError(f"{label}: missing field {name!r}")
            if not isinstance(value, kind) or isinstance(value, bool):
                raise SnapshotError(f"{label}: field {name!r} must be a {kind.__name__}")
            if kind is str and not value.strip():
                raise SnapshotError(f"{label}: field {name!r} is empty")
        path = PurePosixPath(raw["path"])
        if path.is_absolute() or ".." in path.parts:
            raise SnapshotError(f"{label}: path must be relative to the snapshot folder")
        sha = raw["sha256"].lower()
        if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
            raise SnapshotError(f"{label}: sha256 {raw['sha256']!r} is not 64 hex digits")
        if raw["bytes"] < 0:
            raise SnapshotError(f"{label}: bytes must not be negative")
        try:
            retrieved_at = parse_timestamp(raw["retrieved_at"])
        except ValueError:
            raise SnapshotError(
                f"{label}: retrieved_at {raw['retrieved_at']!r} is not an ISO-8601 timestamp"
            ) from None
        modelled = raw.get("modelled_series", [])
        if not isinstance(modelled, list) or not all(isinstance(p, str) for p in modelled):
            raise SnapshotError(f"{label}: modelled_series must be a list of patterns")
        return cls(
            source_id=raw["source_id"],
            path=raw["path"],
            format=raw["format"],
            url=raw["url"],
            retrieved_at=retrieved_at,
            sha256=sha,
            bytes=raw["bytes"],
            licence=raw["licence"],
            attribution=raw["attribution"],
            modelled_series=tuple(modelled),
            modelled_reason=str(raw.get("modelled_reason") or ""),
            generator=str(raw.get("generator") or ""),
        )


@dataclass(frozen=True)
class Snapshot:
    snapshot_id: str
    root: Path
    files: tuple[ManifestEntry, ...]

    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST_NAME

    def entries(self, source_id: str | None = None) -> list[ManifestEntry]:
        """The manifest's files, optionally only those of one catalog dataset."""
        return [f for f in self.files if source_id is None or f.source_id == source_id]

    def source_ids(self) -> list[str]:
        return list(dict.fromkeys(f.source_id for f in self.files))

    def file_path(self, entry: ManifestEntry) -> Path:
        return self.root / PurePosixPath(entry.path)

    def read_bytes(self, entry: ManifestEntry) -> bytes:
        """The file's bytes, after checking they are the ones the manifest records."""
        path = self.file_path(entry)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise SnapshotError(
                f"snapshot file {entry.path!r} (source {entry.source_id!r}) is listed in "
                f"{self.manifest_path} but missing: {path}"
            ) from None
        if len(data) != entry.bytes:
            raise SnapshotError(
                f"snapshot file {entry.path!r} (source {entry.source_id!r}) has {len(data)} bytes,"
                f" the manifest says {entry.bytes}: the file changed after the manifest was written"
            )
        digest = sha256_hex(data)
        if digest != entry.sha256:
            raise SnapshotError(
                f"snapshot file {entry.path!r} (source {entry.source_id!r}) has sha256 {digest},"
                f" the manifest says {entry.sha256}: the file changed after the manifest was "
                "written"
            )
        return data

    def verify(self) -> None:
        """Check every listed file (size and sha256); raise on the first mismatch."""
        for entry in self.files:
            self.read_bytes(entry)


def load_manifest(snapshot_dir: str | Path | None = None) -> Snapshot:
    """Read `<snapshot_dir>/manifest.json` (default: the embedded extract/snapshot/)."""
    root = Path(snapshot_dir) if snapshot_dir is not None else SNAPSHOT_DIR
    path = root / MANIFEST_NAME
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SnapshotError(f"snapshot manifest not found: {path}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SnapshotError(f"snapshot manifest {path} is not valid JSON: {exc}") from None
    if not isinstance(raw, dict):
        raise SnapshotError(f"snapshot manifest {path}: expected a JSON object")
    snapshot_id = raw.get("snapshot_id")
    if not isinstance(snapshot_id, str) or not snapshot_id:
        raise SnapshotError(f"snapshot manifest {path}: missing 'snapshot_id'")
    files = raw.get("files")
    if not isinstance(files, list):
        raise SnapshotError(f"snapshot manifest {path}: missing 'files' list")
    entries = tuple(
        ManifestEntry.from_dict(item, f"{path} files[{i}]") for i, item in enumerate(files)
    )
    paths: Sequence[str] = [e.path for e in entries]
    dup = sorted({p for p in paths if paths.count(p) > 1})
    if dup:
        raise SnapshotError(f"snapshot manifest {path}: file(s) listed twice: {', '.join(dup)}")
    return Snapshot(snapshot_id=snapshot_id, root=root, files=entries)
