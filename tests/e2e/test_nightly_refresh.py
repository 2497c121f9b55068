"""End to end: `limwh refresh` as an operator runs it, once good, once with a corrupted snapshot.

Each refresh starts Prefect's ephemeral API (about 20 s here), so the good run happens once per
session and the failing run reuses its data directory.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from extract.paths import SNAPSHOT_DIR
from tests.e2e.conftest import Refresh, limwh
from warehouse.config import DataPaths
from warehouse.files import file_sha256, wal_path

pytestmark = pytest.mark.e2e

NBB_SOURCE = "nbb_regaca38"
ARTICLE_MARTS = {
    "fct_indicator_values",
    "fct_indicator_changes",
    "fct_gap_to_region",
    "article_table_2_employment_by_sector",
    "fct_indicator_values_all_sources",
    "dim_region",
    "dim_sector",
    "dim_indicator",
}


def test_refresh_publishes_the_warehouse(good_run: Refresh, data_dir: Path) -> None:
    assert good_run.returncode == 0, good_run.describe()
    paths = DataPaths(data_dir)
    assert paths.published.is_file()
    assert not wal_path(paths.published).exists()
    for stage in ("extract", "load", "dbt_build", "expectations", "publish", "summary", "report"):
        assert f"] {stage} ok" in good_run.stdout, good_run.describe()

    con = duckdb.connect(str(paths.published), read_only=True)
    try:
        marts = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'"
            ).fetchall()
        }
        views = con.execute("SELECT count(*) FROM duckdb_views() WHERE NOT internal").fetchall()
        (storage,) = con.execute(
            "SELECT tags['storage_version'] FROM duckdb_databases() "
            "WHERE database_name = current_database()"
        ).fetchall()[0]
        runs = con.execute("SELECT run_id, outcome, lock_sha256 FROM meta.runs").fetchall()
        t2 = con.execute(
            "SELECT count(*) FROM marts.article_table_2_employment_by_sector "
            "WHERE region_code = 'BE22'"
        ).fetchall()[0][0]
    finally:
        con.close()
    assert not ARTICLE_MARTS - marts, sorted(marts)
    assert views == [(0,)], "BI tools read tables only"
    assert storage.rstrip("+") == "v1.0.0"
    assert len(runs) == 1 and runs[0][1] == "published" and runs[0][2]
    assert t2 == 19  # the article's 18 sector clusters and the total
    # The raw store holds the snapshot's files, content-addressed.
    stored = [json.loads(line) for line in (paths.raw_store / "manifest.jsonl").open()]
    assert stored and all((paths.raw_store / s["raw_path"]).is_file() for s in stored)
    # The summary names the marts and Table 2's rows with their status.
    assert "article_table_2_employment_by_sector" in good_run.stdout
    assert "modelled" in good_run.stdout or "official" in good_run.stdout
    # ... and the article's regional headline findings, from Table 1.
    for finding in (
        "Employees 2013-2023: 275,215 -> 304,744 persons, +29,529 (+10.7%); Flanders +12.3%",
        "Employees in manufacturing 2013-2023: 50,598 -> 44,253 persons, -6,345 (-12.5%)",
        "Value added per hour worked 2013-2022: 57.6 -> 73.3 EUR per hour, gap to Flanders"
        " -10.6% -> -14.3% (Flanders 85.5 in 2022) [modelled]",
        "GDP per inhabitant 2013-2023: 28,714 -> 40,740 EUR, gap to Flanders -19.0% -> -22.0%",
    ):
        assert finding in good_run.stdout, good_run.describe()


def test_status_after_refresh(good_run: Refresh, data_dir: Path, e2e_env: dict[str, str]) -> None:
    assert good_run.returncode == 0, good_run.describe()
    status = limwh("status", "--data-dir", str(data_dir), env=e2e_env)
    assert status.returncode == 0, status.describe()
    assert file_sha256(DataPaths(data_dir).published) in status.stdout
    assert "published" in status.stdout


def corrupt_snapshot(source: Path, target: Path) -> None:
    """Copy the snapshot and double Limburg's 2023 employees in food industry (CA): the sector
    clusters no longer add up to the published TOTAL. The manifest is updated to match, so
    the file passes the integrity check and only the warehouse's checks can catch it."""
    shutil.copytree(source, target)
    manifest_path = target / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    entry = next(f for f in manifest["files"] if f["source_id"] == NBB_SOURCE)
    file_path = target / entry["path"]
    message = json.loads(file_path.read_text())

    structure = message["data"]["structures"][0]
    series_dims = sorted(structure["dimensions"]["series"], key=lambda d: d["keyPosition"])
    wanted = {"FREQ": "A", "ITEM": "EMPLOY", "NUTS": "220", "BRANCH": "CA", "UNIT": "NP"}
    wanted["SECTOR"] = "S1"
    key = ":".join(
        str(next(i for i, v in enumerate(d["values"]) if v["id"] == wanted[d["id"]]))
        for d in series_dims
    )
    (time_dim,) = structure["dimensions"]["observation"]
    t = str(next(i for i, v in enumerate(time_dim["values"]) if v["id"] == "2023"))
    observation = message["data"]["dataSets"][0]["series"][key]["observations"][t]
    assert observation[0], "the value to corrupt must exist"
    observation[0] = observation[0] * 2

    data = json.dumps(message).encode()
    file_path.write_bytes(data)
    entry["sha256"] = hashlib.sha256(data).hexdigest()
    entry["bytes"] = len(data)
    manifest_path.write_text(json.dumps(manifest, indent=2))


def test_failed_refresh_leaves_published_file_untouched(
    good_run: Refresh, data_dir: Path, e2e_env: dict[str, str], tmp_path: Path
) -> None:
    assert good_run.returncode == 0, good_run.describe()
    paths = DataPaths(data_dir)
    before = file_sha256(paths.published)
    builds_before = {p.name for p in paths.builds.iterdir()}

    bad_snapshot = tmp_path / "snapshot"
    corrupt_snapshot(SNAPSHOT_DIR, bad_snapshot)
    env = dict(e2e_env, LIMWH_SNAPSHOT_DIR=str(bad_snapshot))  # the env var works like the flag
    bad = limwh("refresh", "--data-dir", str(data_dir), env=env)

    assert bad.returncode != 0, bad.describe()
    assert file_sha256(paths.published) == before
    assert not wal_path(paths.published).exists()
    err_lines = bad.stderr.strip().splitlines()
    assert err_lines and err_lines[-1].startswith("limwh: error: refresh "), bad.describe()
    assert "failed at stage" in err_lines[-1]
    assert "Traceback" not in bad.stderr
    # The failed build is kept for inspection, with its traceback.
    (new_build,) = {p.name for p in paths.builds.iterdir()} - builds_before
    assert (paths.builds / new_build / "warehouse.duckdb").exists()
    assert (paths.builds / new_build / "error.txt").exists()
    # And the run log says what happened.
    last = json.loads((data_dir / "runs.jsonl").read_text().splitlines()[-1])
    assert last["outcome"] == "failed"
    assert last["failed_stage"] == "expectations"
    assert "table_2_clusters_sum_to_total" in bad.stderr + bad.stdout
    # The corruption reached the build's Table 2, and never the published one.
    query = (
        "SELECT employees_end FROM marts.article_table_2_employment_by_sector "
        "WHERE region_code = 'BE22' AND sector_code = 'food_industry'"
    )
    assert _scalar(paths.builds / new_build / "warehouse.duckdb", query) == 2 * 7726
    assert _scalar(paths.published, query) == 7726


def _scalar(db: Path, sql: str):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()[0][0]
    finally:
        con.close()
