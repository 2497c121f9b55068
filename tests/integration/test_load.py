"""The raw loader: a tiny snapshot (manifest + SDMX-JSON file) loaded into a DuckDB file."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from extract.catalog import load_catalog
from extract.errors import SourceFormatError
from extract.paths import SNAPSHOT_DIR
from extract.snapshot import SnapshotError, load_manifest
from warehouse.files import STORAGE_VERSION
from warehouse.load.raw_tables import LoadError, load_files_into, load_snapshot_into

SDMX_PATH = "nbb/BE2_DF_REGACA38_1.0.json"
RAW_COLUMNS = [
    ("freq", "VARCHAR"),
    ("item", "VARCHAR"),
    ("nuts", "VARCHAR"),
    ("branch", "VARCHAR"),
    ("unit", "VARCHAR"),
    ("sector", "VARCHAR"),
    ("time_period", "VARCHAR"),
    ("obs_value", "DOUBLE"),
    ("obs_status", "VARCHAR"),
    ("series_key", "VARCHAR"),
    ("is_modelled", "BOOLEAN"),
    ("source_id", "VARCHAR"),
    ("file_sha256", "VARCHAR"),
    ("retrieved_at", "TIMESTAMP"),
]


def _dim(dim_id: str, codes: list[str], position: int) -> dict[str, Any]:
    return {
        "id": dim_id,
        "keyPosition": position,
        "values": [{"id": c, "name": c} for c in codes],
    }


def sdmx_message(dims: list[str] | None = None) -> bytes:
    """An NBB-shaped message: EMPLOY for Limburg (220) and the Flemish Region (200), TOT and
    CA, 2013-2015; one value missing, one provisional."""
    dims = dims or ["FREQ", "ITEM", "NUTS", "BRANCH", "UNIT", "SECTOR"]
    codes = [["A"], ["EMPLOY"], ["200", "220"], ["TOT", "CA"], ["NP"], ["S1"]]
    series = {}
    for nuts in (0, 1):
        for branch in (0, 1):
            base = 1000.0 * (nuts + 1) * (branch + 1)
            series[f"0:0:{nuts}:{branch}:0:0"] = {
                "attributes": [],
                "observations": {
                    "0": [base, 0],
                    "1": [base + 1, 0],
                    "2": [None, None] if (nuts, branch) == (1, 1) else [base + 2, 1],
                },
            }
    message = {
        "meta": {"id": "IREF1", "prepared": "2026-11-27T00:00:00Z", "contentLanguages": ["en"]},
        "data": {
            "dataSets": [{"structure": 0, "action": "Information", "series": series}],
            "structures": [
                {
                    "name": "Variables by industry A38 - NUTS 2",
                    "dimensions": {
                        "dataSet": [],
                        "series": [
                            _dim(d, c, i) for i, (d, c) in enumerate(zip(dims, codes, strict=True))
                        ],
                        "observation": [
                            {
                                **_dim("TIME_PERIOD", ["2013", "2014", "2015"], 6),
                                "roles": ["TIME_PERIOD"],
                            }
                        ],
                    },
                    "attributes": {
                        "dataSet": [],
                        "series": [],
                        "observation": [{"id": "OBS_STATUS", "values": [{"id": "A"}, {"id": "P"}]}],
                    },
                }
            ],
        },
        "errors": [],
    }
    return json.dumps(message).encode("utf-8")


def make_snapshot(
    root: Path, data: bytes, *, modelled: list[str], source_id: str = "nbb_regaca38"
) -> Path:
    (root / SDMX_PATH).parent.mkdir(parents=True, exist_ok=True)
    (root / SDMX_PATH).write_bytes(data)
    manifest = {
        "snapshot_id": "test-snapshot",
        "files": [
            {
                "source_id": source_id,
                "path": SDMX_PATH,
                "format": "sdmx-json-2.0",
                "url": "https://nsidisseminate-stat.nbb.be/rest/data/BE2,DF_REGACA38,1.0/A.EMPLOY",
                "retrieved_at": "2026-11-27T10:30:00Z",
                "sha256": hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
                "licence": "NBB.Stat terms of use",
                "attribution": "Source: NBB.Stat",
                "modelled_series": modelled,
                "modelled_reason": "test",
                "generator": "tests",
            }
        ],
    }
    (root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return root


def query(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def new_build_file(path: Path) -> Path:
    """As the flow creates it: an empty file in the storage version DuckDB 1.x can read."""
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{path}' AS b (STORAGE_VERSION '{STORAGE_VERSION}')")
        con.execute("DETACH b")
    finally:
        con.close()
    return path


def storage_version(path: Path) -> str:
    rows = query(
        path,
        "SELECT tags['storage_version'] FROM duckdb_databases() "
        "WHERE database_name = current_database()",
    )
    return str(rows[0][0]).rstrip("+")


def test_loads_raw_table_and_source_files(tmp_path: Path) -> None:
    data = sdmx_message()
    snap = make_snapshot(tmp_path / "snap", data, modelled=["A.EMPLOY.220.CA.*"])
    db = new_build_file(tmp_path / "warehouse.duckdb")

    (loaded,) = load_snapshot_into(db, snap)

    assert loaded.source_id == "nbb_regaca38"
    assert loaded.raw_table == "nbb_regaca38"
    assert loaded.rows_loaded == 12
    columns = query(
        db,
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'raw' AND table_name = 'nbb_regaca38' ORDER BY ordinal_position",
    )
    assert columns == RAW_COLUMNS
    assert query(db, "SELECT count(*) FROM raw.nbb_regaca38") == [(12,)]
    sha = hashlib.sha256(data).hexdigest()
    assert query(
        db, "SELECT DISTINCT file_sha256, source_id, retrieved_at FROM raw.nbb_regaca38"
    ) == [(sha, "nbb_regaca38", datetime(2026, 11, 27, 10, 30))]
    rows = query(
        db,
        "SELECT series_key, time_period, obs_value, obs_status, is_modelled "
        "FROM raw.nbb_regaca38 WHERE time_period = '2015' ORDER BY series_key",
    )
    assert rows == [
        ("A.EMPLOY.200.CA.NP.S1", "2015", 2002.0, "P", False),
        ("A.EMPLOY.200.TOT.NP.S1", "2015", 1002.0, "P", False),
        ("A.EMPLOY.220.CA.NP.S1", "2015", None, None, True),
        ("A.EMPLOY.220.TOT.NP.S1", "2015", 2002.0, "P", False),
    ]
    assert query(
        db,
        "SELECT freq, item, nuts, branch, unit, sector FROM raw.nbb_regaca38 "
        "WHERE series_key = 'A.EMPLOY.220.TOT.NP.S1' LIMIT 1",
    ) == [("A", "EMPLOY", "220", "TOT", "NP", "S1")]
    assert query(db, "SELECT count(*) FROM raw.nbb_regaca38 WHERE is_modelled") == [(3,)]

    source_files = query(
        db,
        "SELECT source_id, raw_table, path, format, url, sha256, bytes, retrieved_at, licence, "
        "attribution, rows_loaded, loaded_at IS NOT NULL FROM raw.source_files",
    )
    assert source_files == [
        (
            "nbb_regaca38",
            "nbb_regaca38",
            SDMX_PATH,
            "sdmx-json-2.0",
            "https://nsidisseminate-stat.nbb.be/rest/data/BE2,DF_REGACA38,1.0/A.EMPLOY",
            sha,
            len(data),
            datetime(2026, 11, 27, 10, 30),
            "NBB.Stat terms of use",
            "Source: NBB.Stat",
            12,
            True,
        )
    ]
    # The loader kept the file readable by DuckDB 1.x.
    assert storage_version(db) == STORAGE_VERSION


def test_all_official_and_all_modelled(tmp_path: Path) -> None:
    data = sdmx_message()
    db = tmp_path / "official.duckdb"
    load_snapshot_into(db, make_snapshot(tmp_path / "a", data, modelled=[]))
    assert query(db, "SELECT count(*) FROM raw.nbb_regaca38 WHERE is_modelled") == [(0,)]
    db = tmp_path / "modelled.duckdb"
    load_snapshot_into(db, make_snapshot(tmp_path / "b", data, modelled=["*"]))
    assert query(db, "SELECT bool_and(is_modelled) FROM raw.nbb_regaca38") == [(True,)]


def test_loader_creates_a_missing_build_file_in_storage_version(tmp_path: Path) -> None:
    db = tmp_path / "builds" / "run1" / "warehouse.duckdb"
    load_snapshot_into(db, make_snapshot(tmp_path / "snap", sdmx_message(), modelled=[]))
    assert storage_version(db) == STORAGE_VERSION
    assert query(db, "SELECT count(*) FROM raw.nbb_regaca38") == [(12,)]


def test_reloading_replaces_rather_than_appends(tmp_path: Path) -> None:
    snap = make_snapshot(tmp_path / "snap", sdmx_message(), modelled=[])
    db = tmp_path / "warehouse.duckdb"
    load_snapshot_into(db, snap)
    load_snapshot_into(db, snap)
    assert query(db, "SELECT count(*) FROM raw.nbb_regaca38") == [(12,)]
    assert query(db, "SELECT count(*) FROM raw.source_files") == [(1,)]


def test_bad_file_names_source_and_file_and_writes_nothing(tmp_path: Path) -> None:
    dims = ["FREQ", "ITEM", "NUTS", "ACTIVITY", "UNIT", "SECTOR"]
    snap = make_snapshot(tmp_path / "snap", sdmx_message(dims), modelled=[])
    db = new_build_file(tmp_path / "warehouse.duckdb")
    with pytest.raises(SourceFormatError) as info:
        load_snapshot_into(db, snap)
    message = str(info.value)
    assert "nbb_regaca38" in message
    assert SDMX_PATH in message
    assert "missing BRANCH" in message
    assert query(db, "SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'raw'")[
        0
    ] == (0,)


def test_html_instead_of_sdmx(tmp_path: Path) -> None:
    page = b"<!DOCTYPE html><html><head><title>Blocked</title></head><body></body></html>"
    snap = make_snapshot(tmp_path / "snap", page, modelled=[])
    with pytest.raises(SourceFormatError, match="got HTML, not SDMX-JSON"):
        load_snapshot_into(tmp_path / "warehouse.duckdb", snap)


def test_tampered_file_is_refused(tmp_path: Path) -> None:
    snap = make_snapshot(tmp_path / "snap", sdmx_message(), modelled=[])
    path = snap / SDMX_PATH
    path.write_bytes(path.read_bytes().replace(b"1000.0", b"9000.0"))
    with pytest.raises(SnapshotError, match=SDMX_PATH):
        load_snapshot_into(tmp_path / "warehouse.duckdb", snap)


def test_unknown_source_is_refused(tmp_path: Path) -> None:
    snap = make_snapshot(tmp_path / "snap", sdmx_message(), modelled=[], source_id="nbb_nope")
    with pytest.raises(LoadError, match="nbb_nope"):
        load_snapshot_into(tmp_path / "warehouse.duckdb", snap)


def test_format_without_loader_is_refused(tmp_path: Path) -> None:
    snap = load_manifest(make_snapshot(tmp_path / "snap", sdmx_message(), modelled=[]))
    (entry,) = snap.files
    xlsx = replace(entry, source_id="statbel_lfs_employment_rate", format="xlsx")
    with pytest.raises(LoadError, match="no loader for format 'xlsx'"):
        load_files_into(tmp_path / "w.duckdb", [(xlsx, snap.read_bytes(entry))])


def test_embedded_snapshot_loads(tmp_path: Path) -> None:
    if not (SNAPSHOT_DIR / "manifest.json").exists():
        pytest.skip("the embedded snapshot has no manifest yet")
    db = new_build_file(tmp_path / "warehouse.duckdb")
    loaded = load_snapshot_into(db, catalog=load_catalog())
    by_table = {f.raw_table: f.rows_loaded for f in loaded}
    assert by_table["nbb_regaca38"] > 0
    assert query(db, "SELECT count(*) FROM raw.nbb_regaca38") == [(by_table["nbb_regaca38"],)]
    assert query(
        db, "SELECT count(*) FROM raw.nbb_regaca38 WHERE series_key IS NULL OR time_period IS NULL"
    ) == [(0,)]
    assert storage_version(db) == STORAGE_VERSION
