"""BI exports: every mart as Parquet and CSV, plus a manifest with attribution and vintage and
a Frictionless `datapackage.json` (each CSV column's type and description), and `article.xlsx`
(the article's tables and figures' data as an Excel workbook).

Each published run gets its own folder, data/exports.d/<run_id>/, written from the build before
it is published. data/exports is a symlink to the published run's folder, swapped atomically
(os.replace of a symlink) right after the warehouse file itself, so a reader of data/exports/
always sees one run's complete set. Files are written by DuckDB's COPY: no new dependency.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from warehouse.config import DataPaths, refuse_symlink
from warehouse.faults import fault_point
from warehouse.files import file_sha256, fsync_dir, fsync_file, sql_path
from warehouse.publish.article_workbook import write_article_workbook

MANIFEST = "manifest.json"
DATAPACKAGE = "datapackage.json"
KEEP_EXTRA = 2  # export folders kept besides the published run's and the releases'


class ExportError(RuntimeError):
    """The exports of a build could not be written; nothing was published."""


def exports_link(paths: DataPaths) -> Path:
    return paths.root / "exports"


def exports_store(paths: DataPaths) -> Path:
    return paths.root / "exports.d"


def write_exports(db_file: Path, paths: DataPaths, run_id: str) -> Path:
    """Write data/exports.d/<run_id>/ from a warehouse (or build) file: <mart>.parquet and
    <mart>.csv for every table of schema `marts`, and manifest.json. Returns the folder."""
    store = exports_store(paths)
    refuse_symlink(store, "exports folder")
    store.mkdir(parents=True, exist_ok=True)
    target = store / run_id
    tmp = store / f".{run_id}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    con = duckdb.connect(str(db_file), read_only=True)
    try:
        marts = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
                "AND schema_name = 'marts' ORDER BY table_name"
            ).fetchall()
        ]
        if not marts:
            raise ExportError(f"{db_file} has no marts to export")
        entries = []
        for mart in marts:
            entries.append(_export_mart(con, mart, tmp))
        manifest = _manifest(con, paths.published, run_id, entries)
        workbook = write_article_workbook(con, tmp, manifest["sources"])
        manifest["article_workbook"] = {
            "file": workbook.name,
            "bytes": workbook.stat().st_size,
            "sha256": file_sha256(workbook),
            "note": "the article's tables and figures' data; one sheet each, with sources",
        }
    except duckdb.Error as exc:
        raise ExportError(f"exporting the marts of {db_file}: {exc}") from exc
    finally:
        con.close()
    fault_point("exports")
    (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, default=str), encoding="utf-8")
    (tmp / DATAPACKAGE).write_text(
        json.dumps(datapackage(manifest), indent=2, ensure_ascii=False), encoding="utf-8"
    )
    for f in tmp.iterdir():
        fsync_file(f)
    if target.exists():
        shutil.rmtree(target)
    os.replace(tmp, target)
    fsync_dir(store)
    return target


def _export_mart(con: duckdb.DuckDBPyConnection, mart: str, folder: Path) -> dict[str, Any]:
    cols = con.execute(
        "SELECT column_name, data_type, comment FROM duckdb_columns() WHERE database_name = "
        "current_database() AND schema_name = 'marts' AND table_name = ? ORDER BY column_index",
        [mart],
    ).fetchall()
    rows = con.execute(f'SELECT count(*) FROM marts."{mart}"').fetchall()[0][0]
    comment = con.execute(
        "SELECT comment FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'marts' AND table_name = ?",
        [mart],
    ).fetchone()[0]
    order = ", ".join(str(i + 1) for i in range(len(cols)))
    select = f'SELECT * FROM marts."{mart}" ORDER BY {order}'
    as_text = ", ".join(_csv_text(name, kind) for name, kind, _ in cols)
    parquet, csv = folder / f"{mart}.parquet", folder / f"{mart}.csv"
    con.execute(f"COPY ({select}) TO '{sql_path(parquet)}' (FORMAT parquet, COMPRESSION zstd)")
    # The CSV from the sorted Parquet file, read in its order: the mart is sorted once.
    sorted_rows = f"SELECT * FROM read_parquet('{sql_path(parquet)}')"
    con.execute(
        f"COPY (SELECT {as_text} FROM ({sorted_rows})) TO '{sql_path(csv)}' "
        "(FORMAT csv, HEADER true)"
    )
    return {
        "mart": mart,
        "description": comment or "",
        "rows": rows,
        "columns": [{"name": n, "type": t, "description": c or ""} for n, t, c in cols],
        "files": {
            kind: {"file": p.name, "bytes": p.stat().st_size, "sha256": file_sha256(p)}
            for kind, p in (("parquet", parquet), ("csv", csv))
        },
    }


# CSV is read by people and spreadsheets: a whole number without ".0", other numbers rounded
# to CSV_DECIMALS (no exponent), timestamps in ISO 8601. Parquet keeps every value as it is.
CSV_DECIMALS = 6
_FLOATS = ("DOUBLE", "FLOAT", "REAL")


def _csv_text(name: str, kind: str) -> str:
    col = '"' + name.replace('"', '""') + '"'
    if kind in _FLOATS or kind.startswith("DECIMAL"):
        rounded = f"rtrim(rtrim(printf('%.{CSV_DECIMALS}f', {col}), '0'), '.')"
        return (
            f"CASE WHEN {col} = trunc({col}) AND abs({col}) < 1e15 "
            f"THEN CAST(CAST({col} AS BIGINT) AS VARCHAR) "
            f"WHEN round({col}, {CSV_DECIMALS}) = 0 THEN '0' ELSE {rounded} END AS {col}"
        )
    if kind.startswith("TIMESTAMP"):
        return f"strftime({col}, '%Y-%m-%dT%H:%M:%S') AS {col}"
    return col


def _manifest(
    con: duckdb.DuckDBPyConnection, published: Path, run_id: str, entries: list[dict]
) -> dict[str, Any]:
    sources = _query(
        con,
        "SELECT source_id, attribution, licence, url, sha256, "
        "strftime(retrieved_at, '%Y-%m-%dT%H:%M:%SZ') AS retrieved_at "
        "FROM raw.source_files ORDER BY source_id, retrieved_at",
    )
    statuses = _query(
        con,
        "SELECT obs_status, count(*) AS values FROM marts.fct_indicator_values "
        "GROUP BY 1 ORDER BY 1",
    )
    vintages = _query(
        con,
        "SELECT source_id, CAST(vintage AS VARCHAR) AS vintage, count(*) AS values "
        "FROM marts.fct_indicator_values GROUP BY 1, 2 ORDER BY 1, 2",
    )
    attributions = sorted({s["attribution"] for s in sources if s.get("attribution")})
    modelled = any(s.get("obs_status") == "modelled" for s in statuses)
    return {
        "run_id": run_id,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "warehouse": str(published),
        "warehouse_note": "open read-only; each publish replaces it, never writes into it",
        "attribution": attributions,
        "sources": sources,
        "vintages": vintages,
        "obs_status_counts": statuses,
        "note": (
            "Some values are modelled, not official statistics: see each row's obs_status."
            if modelled
            else "Every value carries its obs_status (official / provisional / modelled)."
        ),
        "marts": entries,
    }


# DuckDB column types as Frictionless Table Schema field types.
_FIELD_TYPES = {
    "VARCHAR": "string",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TINYINT": "integer",
    "SMALLINT": "integer",
    "INTEGER": "integer",
    "BIGINT": "integer",
    "HUGEINT": "integer",
    "DOUBLE": "number",
    "FLOAT": "number",
}


def _field_type(kind: str) -> str:
    if kind.startswith("DECIMAL"):
        return "number"
    if kind.startswith("TIMESTAMP"):
        return "datetime"
    return _FIELD_TYPES.get(kind, "string")


def datapackage(manifest: dict[str, Any]) -> dict[str, Any]:
    """A Frictionless Data Package describing the CSV exports: each column's type (so that a
    code such as `000` stays text) and its description, the sources and their attribution."""
    return {
        "profile": "tabular-data-package",
        "name": "limburg-regional-statistics",
        "title": "Limburg regional economic statistics: the warehouse's marts",
        "description": (
            f"Every mart of run {manifest['run_id']} as CSV. {manifest['note']} "
            "Whole numbers are written without decimals, other numbers rounded to "
            f"{CSV_DECIMALS} decimals; the Parquet files beside them keep full precision."
        ),
        "created": manifest["exported_at"],
        "sources": [
            {"title": s.get("attribution") or s["source_id"], "path": s.get("url") or ""}
            for s in _one_per_source(manifest["sources"])
        ],
        "resources": [
            {
                "name": entry["mart"],
                "path": entry["files"]["csv"]["file"],
                "profile": "tabular-data-resource",
                "description": entry.get("description", ""),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": entry["files"]["csv"]["bytes"],
                "hash": f"sha256:{entry['files']['csv']['sha256']}",
                "dialect": {"delimiter": ",", "header": True},
                "schema": {
                    "fields": [
                        {
                            "name": c["name"],
                            "type": _field_type(c["type"]),
                            "description": c.get("description", ""),
                        }
                        for c in entry["columns"]
                    ],
                    "missingValues": [""],
                },
            }
            for entry in manifest["marts"]
        ],
    }


def _one_per_source(sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for source in sources:
        seen.setdefault(source["source_id"], source)
    return list(seen.values())


def _query(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    try:
        cur = con.cursor()
        cur.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    except duckdb.Error:
        return []  # a table this build does not have (yet)


def activate(paths: DataPaths, run_id: str) -> Path:
    """Point data/exports at exports.d/<run_id>, atomically (a relative symlink)."""
    target = exports_store(paths) / run_id
    if not (target / MANIFEST).is_file():
        raise ExportError(f"no complete exports for run {run_id} in {target}")
    link = exports_link(paths)
    if link.exists() and not link.is_symlink():
        # An exports folder from before exports were versioned: keep it aside.
        os.replace(link, paths.root / f"exports.old-{run_id}")
    tmp = paths.root / f".exports.{run_id}.link"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(Path("exports.d") / run_id)
    os.replace(tmp, link)
    fsync_dir(paths.root)
    return link


def active_run_id(paths: DataPaths) -> str | None:
    manifest = exports_link(paths) / MANIFEST
    try:
        return json.loads(manifest.read_text(encoding="utf-8")).get("run_id")
    except (OSError, ValueError):
        return None


def ensure_current(paths: DataPaths, run_id: str | None) -> bool:
    """Make data/exports match the published run (after a crash between the os.replace and the
    symlink swap, or a rollback). Returns True if anything was (re)written."""
    if run_id is None or not paths.published.is_file() or active_run_id(paths) == run_id:
        return False
    if not (exports_store(paths) / run_id / MANIFEST).is_file():
        write_exports(paths.published, paths, run_id)
    activate(paths, run_id)
    return True


def prune(paths: DataPaths, keep_run_ids: set[str]) -> None:
    """Remove export folders of runs that are neither published, kept, nor among the newest."""
    store = exports_store(paths)
    refuse_symlink(store, "exports folder")
    if not store.exists():
        return
    folders = sorted(
        p
        for p in store.iterdir()
        if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")
    )
    spare = {p.name for p in folders[-KEEP_EXTRA:]} | keep_run_ids
    for folder in folders:
        if folder.name not in spare:
            shutil.rmtree(folder, ignore_errors=True)
