"""Load raw files into the `raw` schema of a build file.

One table per catalog dataset (`raw.<catalog raw_table>`), holding the publisher's codes
unchanged, plus `raw.source_files` with the provenance of every file loaded. Every file is
parsed before the first write, and all writes happen in one transaction: a bad file leaves the
build file as it was.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from extract.catalog import Catalog, CatalogError, Dataset, load_catalog
from extract.errors import SourceFormatError
from extract.formats import FORMATS, loadable_formats
from extract.formats.tabular import ParsedTable
from extract.snapshot import ManifestEntry, Snapshot, load_manifest, sha256_hex
from warehouse.faults import fault_point
from warehouse.files import create_database

RAW_SCHEMA = "raw"
SOURCE_FILES = "source_files"
# Provenance columns every raw table ends with (before any extra attribute columns).
PROVENANCE_LAYOUT = (
    ("series_key", "VARCHAR"),
    ("is_modelled", "BOOLEAN"),
    ("source_id", "VARCHAR"),
    ("file_sha256", "VARCHAR"),
    ("retrieved_at", "TIMESTAMP"),
)
PROVENANCE_COLUMNS = tuple(name for name, _ in PROVENANCE_LAYOUT)
SOURCE_FILES_DDL = f"""
CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.{SOURCE_FILES} (
    source_id VARCHAR NOT NULL,
    raw_table VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    format VARCHAR NOT NULL,
    url VARCHAR,
    sha256 VARCHAR NOT NULL,
    bytes BIGINT NOT NULL,
    retrieved_at TIMESTAMP NOT NULL,
    licence VARCHAR,
    attribution VARCHAR,
    rows_loaded BIGINT NOT NULL,
    loaded_at TIMESTAMP NOT NULL
)
"""

_COLUMN = re.compile(r"^[a-z_][a-z0-9_]*$")

__all__ = [
    "LoadError",
    "LoadedFile",
    "load_files_into",
    "load_snapshot_into",
    "supported_formats",
]


class LoadError(RuntimeError):
    """A file that cannot be loaded for a reason other than its content (unknown dataset,
    format without a loader, bytes that do not match the manifest)."""


@dataclass(frozen=True)
class LoadedFile:
    source_id: str
    raw_table: str
    path: str
    sha256: str
    rows_loaded: int
    parse_seconds: float


@dataclass
class _Table:
    """One parsed file, ready to insert: typed columns and the file's provenance."""

    entry: ManifestEntry
    dataset: Dataset
    frame: pd.DataFrame
    columns: list[tuple[str, str]]  # (name, DuckDB type) of the raw table, in order
    parse_seconds: float


def _utc_naive(value: datetime) -> datetime:
    # TIMESTAMP columns hold UTC wall time; an aware value would go through the session zone.
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def _raw_table(entry: ManifestEntry, data: bytes, dataset: Dataset) -> _Table:
    """Parse a file with its format's parser, then add the provenance columns."""
    started = time.perf_counter()
    name = entry.published_name  # some formats carry the period only in the file name
    try:
        parsed: ParsedTable = FORMATS[entry.format].parse_raw_table(
            data, source_id=entry.source_id, filename=name, dimensions=dataset.dimensions
        )
    except SourceFormatError as exc:
        if name == entry.path:
            raise
        raise SourceFormatError(
            exc.source_id, f"{exc.filename} (stored as {entry.path})", exc.location, exc.problem
        ) from None
    if not parsed.rows:
        raise SourceFormatError(entry.source_id, entry.path, "", "no observations")
    names = [name for name, _ in parsed.columns]
    clash = sorted(set(names) & set(PROVENANCE_COLUMNS))
    if clash:
        raise SourceFormatError(
            entry.source_id, entry.path, "", f"column(s) {clash} clash with provenance"
        )
    columns = list(zip(*parsed.rows, strict=True))
    frame = pd.DataFrame(
        {
            name: pd.Series(values, dtype="float64" if kind == "DOUBLE" else object)
            for (name, kind), values in zip(parsed.columns, columns, strict=True)
        }
    )
    modelled = {key: entry.is_modelled(key) for key in dict.fromkeys(parsed.series_keys)}
    frame["series_key"] = pd.Series(parsed.series_keys, dtype=object)
    frame["is_modelled"] = pd.Series([modelled[k] for k in parsed.series_keys], dtype=bool)
    at = len(parsed.columns) if parsed.provenance_at is None else parsed.provenance_at
    layout = [*parsed.columns[:at], *PROVENANCE_LAYOUT, *parsed.columns[at:]]
    return _Table(entry, dataset, frame, layout, time.perf_counter() - started)


def supported_formats() -> list[str]:
    """Formats the loader can read: those with a parser in the format registry."""
    return loadable_formats()


def _prepare(entry: ManifestEntry, data: bytes, catalog: Catalog) -> _Table:
    try:
        dataset = catalog.get(entry.source_id)
    except CatalogError as exc:
        raise LoadError(f"file {entry.path!r}: {exc}") from None
    if entry.format != dataset.format:
        raise LoadError(
            f"source {entry.source_id!r}, file {entry.path!r}: format {entry.format!r} in the "
            f"manifest, but the catalog says {dataset.format!r}"
        )
    if len(data) != entry.bytes or sha256_hex(data) != entry.sha256:
        raise LoadError(
            f"source {entry.source_id!r}, file {entry.path!r}: the bytes given do not match the "
            "manifest's size and sha256"
        )
    known = FORMATS.get(entry.format)
    if known is None or not known.loadable:
        raise LoadError(
            f"source {entry.source_id!r}, file {entry.path!r}: no loader for format "
            f"{entry.format!r} yet (supported: {', '.join(supported_formats())})"
        )
    return _raw_table(entry, data, dataset)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _connect(build_path: Path) -> duckdb.DuckDBPyConnection:
    if not build_path.exists():
        # Same format as a build the caller creates: DuckDB 1.x clients must open the result.
        create_database(build_path)
    return duckdb.connect(str(build_path))


def _write(con: duckdb.DuckDBPyConnection, tables: Sequence[_Table]) -> list[LoadedFile]:
    loaded_at = _utc_naive(datetime.now(UTC))
    layouts: dict[str, list[tuple[str, str]]] = {}
    for t in tables:
        name = t.dataset.raw_table
        if name in layouts and layouts[name] != t.columns:
            raise LoadError(
                f"source {t.entry.source_id!r}, file {t.entry.path!r}: columns "
                f"{[c for c, _ in t.columns]} differ from those of another file for "
                f"{RAW_SCHEMA}.{name}: {[c for c, _ in layouts[name]]}"
            )
        layouts.setdefault(name, t.columns)

    con.execute(f"CREATE SCHEMA IF NOT EXISTS {RAW_SCHEMA}")
    con.execute(SOURCE_FILES_DDL)
    for name, layout in layouts.items():
        # A table is rebuilt from all of its files in this call, never appended to stale rows.
        cols = ", ".join(f"{_quote(c)} {kind}" for c, kind in layout)
        con.execute(f"CREATE OR REPLACE TABLE {RAW_SCHEMA}.{_quote(name)} ({cols})")
        con.execute(f"DELETE FROM {RAW_SCHEMA}.{SOURCE_FILES} WHERE raw_table = ?", [name])

    results = []
    for t in tables:
        e = t.entry
        constants = {"source_id": "?", "file_sha256": "?", "retrieved_at": "?"}
        select = ", ".join(
            constants.get(c, f"{_quote(c)}::{kind}") + f" AS {_quote(c)}" for c, kind in t.columns
        )
        target = ", ".join(_quote(c) for c, _ in t.columns)
        con.register("_load_frame", t.frame)
        try:
            con.execute(
                f"INSERT INTO {RAW_SCHEMA}.{_quote(t.dataset.raw_table)} ({target}) "
                f"SELECT {select} FROM _load_frame",
                [e.source_id, e.sha256, _utc_naive(e.retrieved_at)],
            )
        finally:
            con.unregister("_load_frame")
        con.execute(
            f"INSERT INTO {RAW_SCHEMA}.{SOURCE_FILES} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                e.source_id,
                t.dataset.raw_table,
                e.path,
                e.format,
                e.url,
                e.sha256,
                e.bytes,
                _utc_naive(e.retrieved_at),
                e.licence or t.dataset.licence,
                e.attribution or t.dataset.attribution,
                len(t.frame),
                loaded_at,
            ],
        )
        results.append(
            LoadedFile(
                source_id=e.source_id,
                raw_table=t.dataset.raw_table,
                path=e.path,
                sha256=e.sha256,
                rows_loaded=len(t.frame),
                parse_seconds=round(t.parse_seconds, 3),
            )
        )
    return results


def load_files_into(
    build_path: str | Path,
    files: Iterable[tuple[ManifestEntry, bytes]],
    *,
    catalog: Catalog | None = None,
) -> list[LoadedFile]:
    """Parse each (manifest entry, file bytes) pair and write it to `raw.<raw_table>` and
    `raw.source_files` of the DuckDB file at `build_path` (created in STORAGE_VERSION if
    absent). The connection is closed before returning.

    Raises SourceFormatError (bad content), LoadError (unknown dataset, unsupported format,
    bytes not matching the entry) before anything is written.
    """
    catalog = catalog if catalog is not None else load_catalog()
    tables = [_prepare(entry, data, catalog) for entry, data in files]
    con = _connect(Path(build_path))
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            results = _write(con, tables)
            fault_point("load")  # crash tests: killed with the write transaction open
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
    finally:
        con.close()
    return results


def load_snapshot_into(
    build_path: str | Path,
    snapshot: Snapshot | str | Path | None = None,
    *,
    catalog: Catalog | None = None,
    source_ids: Iterable[str] | None = None,
) -> list[LoadedFile]:
    """Load the files of a snapshot (default: the embedded extract/snapshot/) into the build.

    Each file's size and sha256 are checked against the manifest first. `source_ids` limits
    the load to those catalog datasets.
    """
    snap = snapshot if isinstance(snapshot, Snapshot) else load_manifest(snapshot)
    wanted = set(source_ids) if source_ids is not None else None
    entries = [e for e in snap.files if wanted is None or e.source_id in wanted]
    if wanted is not None:
        missing = sorted(wanted - {e.source_id for e in entries})
        if missing:
            raise LoadError(f"snapshot {snap.manifest_path} has no file for {', '.join(missing)}")
    return load_files_into(build_path, [(e, snap.read_bytes(e)) for e in entries], catalog=catalog)
