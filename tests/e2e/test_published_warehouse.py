"""What analysts and BI tools get: the published file, its golden figures, older DuckDB clients."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.e2e.conftest import Refresh
from warehouse.config import DBT_PROJECT_DIR, PROJECT_ROOT, DataPaths

pytestmark = pytest.mark.e2e

REFERENCE = DBT_PROJECT_DIR / "seeds" / "ref_article_figures.csv"
LABELS = DBT_PROJECT_DIR / "seeds" / "article_sector_labels.csv"
DUCKDB_1_1 = PROJECT_ROOT / ".venv" / "duckdb-1.1"


def _table_2_rows() -> list[dict[str, str]]:
    with REFERENCE.open(newline="", encoding="utf-8") as handle:
        return [r for r in csv.DictReader(handle) if r["published_in"] == "table_2"]


def _table_2_sector(label: str) -> str:
    with LABELS.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["label_family"] == "table_2" and row["label_nl"] == label:
                return row["sector_code"]
    raise KeyError(label)


@pytest.fixture(scope="module")
def published(good_run: Refresh, data_dir: Path):
    assert good_run.returncode == 0, good_run.describe()
    con = duckdb.connect(str(DataPaths(data_dir).published), read_only=True)
    yield con
    con.close()


GOLDEN = _table_2_rows()


@pytest.mark.parametrize("row", GOLDEN, ids=[r["figure_id"] for r in GOLDEN])
def test_table_2_figure_comes_out_of_the_marts(published, row):
    """Golden: every Table 2 figure of the article, from both the article mart and the facts."""
    sector = _table_2_sector(row["sector"])
    printed, tolerance = float(row["value"]), float(row["tolerance"])
    region = row["region"]
    indicator = row["indicator"]
    if indicator == "employees":
        mart_sql = (
            "SELECT employees_end FROM marts.article_table_2_employment_by_sector "
            "WHERE region_code = ? AND sector_code = ? AND end_year = ?"
        )
        fact_sql = (
            "SELECT value FROM marts.fct_indicator_values WHERE indicator_id = 'employees' "
            "AND region_code = ? AND sector_code = ? AND year = ?"
        )
        params = [region, sector, int(row["period"])]
        mart_params = params
    else:
        column = "change_abs" if indicator == "employees_change" else "change_pct"
        if region == "BE22":
            mart_sql = (
                f"SELECT {column} FROM marts.article_table_2_employment_by_sector "
                "WHERE region_code = ? AND sector_code = ?"
            )
        else:  # the Flemish % change, printed beside Limburg's
            mart_sql = (
                "SELECT flemish_change_pct FROM marts.article_table_2_employment_by_sector "
                "WHERE region_code = 'BE22' AND ? = 'BE2' AND sector_code = ?"
            )
        start, end = (int(y) for y in row["period"].split("-"))
        fact_sql = (
            f"SELECT {column} FROM marts.fct_indicator_changes WHERE indicator_id = 'employees' "
            "AND region_code = ? AND sector_code = ? AND from_year = ? AND to_year = ?"
        )
        params = [region, sector, start, end]
        mart_params = [region, sector]
    for sql, args in ((mart_sql, mart_params), (fact_sql, params)):
        rows = published.execute(sql, args).fetchall()
        assert len(rows) == 1, (sql, args)
        assert abs(rows[0][0] - printed) <= tolerance, (row["figure_id"], rows[0][0], printed)


def test_every_table_2_value_is_flagged_modelled(published):
    """The NBB snapshot is modelled: no Table 2 value may pass for official."""
    statuses = published.execute(
        "SELECT DISTINCT employees_end_status FROM marts.article_table_2_employment_by_sector "
        "WHERE employees_end IS NOT NULL"
    ).fetchall()
    assert statuses == [("modelled",)]


def test_table_2_has_every_province_in_article_order(published):
    rows = published.execute(
        "SELECT region_code, count(*), min(row_order), max(row_order), "
        "arg_min(sector_code, row_order), arg_max(sector_code, row_order) "
        "FROM marts.article_table_2_employment_by_sector GROUP BY 1 ORDER BY 1"
    ).fetchall()
    regions = {r[0] for r in rows}
    assert {"BE21", "BE22", "BE23", "BE24", "BE25"} <= regions
    for region, count, first, last, first_sector, last_sector in rows:
        assert count == 19, region
        assert (first, first_sector) == (1, "admin_support")
        assert (last, last_sector) == (19, "TOTAL")


@pytest.mark.skipif(not DUCKDB_1_1.is_dir(), reason="make install puts DuckDB 1.1 beside the venv")
def test_duckdb_1_1_client_reads_every_mart(published, data_dir: Path):
    """BI drivers bundle DuckDB 1.x: the published file must open read-only there."""
    script = """
import json, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
tables = [r[0] for r in con.execute(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts'").fetchall()]
counts = {t: con.execute(f'SELECT count(*) FROM marts."{t}"').fetchall()[0][0] for t in tables}
print(json.dumps({"version": duckdb.__version__, "counts": counts}))
"""
    env = dict(os.environ, PYTHONPATH=str(DUCKDB_1_1))
    proc = subprocess.run(
        [sys.executable, "-c", script, str(DataPaths(data_dir).published)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["version"].startswith("1.1.")
    assert result["counts"]["article_table_2_employment_by_sector"] > 0
    assert result["counts"]["fct_indicator_values"] > 0
    # Every mart has rows, fct_indicator_revisions too: the embedded snapshot holds two
    # vintages of Eurostat's GDP per inhabitant (see the test below).
    assert all(count > 0 for count in result["counts"].values()), result["counts"]


def test_snapshot_revisions_are_eurostat_gdp_from_official_to_modelled(published):
    """The snapshot's Eurostat GDP has a real release of 2020-03-06 (official) and a modelled
    current file: its changed figures are revisions, each side carrying its own status."""
    rows = published.execute(
        "SELECT source_id, indicator_id, vintage::varchar, previous_vintage::varchar, "
        "obs_status, previous_obs_status, first_published_obs_status, "
        "count(*), count(DISTINCT region_code) "
        "FROM marts.fct_indicator_revisions GROUP BY ALL"
    ).fetchall()
    assert rows, "no revision between the snapshot's two Eurostat GDP vintages"
    ((source, indicator, vintage, previous, status, previous_status, first_status, n, regions),) = (
        rows
    )
    assert (source, indicator) == ("eurostat_gdp_per_inhabitant", "gdp_per_inhabitant")
    assert (vintage, previous) == ("2026-11-27", "2020-03-06")
    # Nothing modelled presented as official: the modelled side says so.
    assert (status, previous_status, first_status) == ("modelled", "official", "official")
    assert n > 0 and regions >= 1
    # The old release stays a past vintage: the facts show the current one only.
    (old_in_facts,) = published.execute(
        "SELECT count(*) FROM marts.fct_indicator_values WHERE vintage = DATE '2020-03-06'"
    ).fetchall()[0]
    assert old_in_facts == 0
