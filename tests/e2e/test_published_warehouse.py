"""What analysts and BI tools get: the published file, its golden figures, older DuckDB clients."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

import duckdb
import pytest

from tests.duckdb_clients import CLIENTS, run_client
from tests.e2e.conftest import Refresh
from warehouse.config import DBT_PROJECT_DIR, DataPaths

pytestmark = pytest.mark.e2e

REFERENCE = DBT_PROJECT_DIR / "seeds" / "ref_article_figures.csv"
LABELS = DBT_PROJECT_DIR / "seeds" / "article_sector_labels.csv"


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


READ_EVERY_TABLE = """
import hashlib, json, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
tables = con.execute(
    "SELECT table_schema, table_name FROM information_schema.tables "
    "WHERE table_schema IN ('marts', 'meta') ORDER BY ALL").fetchall()
out = {}
for schema, table in tables:
    rows = con.execute(f'SELECT * FROM {schema}."{table}"').fetchall()
    out[f"{schema}.{table}"] = len(rows)
print(json.dumps({"version": duckdb.__version__, "rows": out}))
"""


@pytest.fixture(scope="module")
def rows_by_current_duckdb(published) -> dict[str, int]:
    tables = published.execute(
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_schema IN ('marts', 'meta') ORDER BY ALL"
    ).fetchall()
    return {
        f"{s}.{t}": published.execute(f'SELECT count(*) FROM {s}."{t}"').fetchone()[0]
        for s, t in tables
    }


@pytest.mark.parametrize("version", [v for v in CLIENTS if v != "current"])
def test_every_duckdb_release_the_guide_names_reads_every_table(
    published, data_dir: Path, rows_by_current_duckdb: dict[str, int], version: str
):
    """BI drivers bundle DuckDB 1.x: the published file opens read-only in each release the
    guide names, and every mart and meta table reads in full, with the same rows."""
    proc = run_client(
        version,
        READ_EVERY_TABLE,
        str(DataPaths(data_dir).published),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    result = json.loads(out)
    assert result["version"].startswith(version + ".")
    assert result["rows"] == rows_by_current_duckdb
    assert result["rows"]["marts.fct_indicator_values"] > 0


def test_every_mart_and_mart_column_carries_its_description(published):
    """dbt's persist_docs writes the YAML descriptions as COMMENTs, which BI tools show."""
    tables = published.execute(
        "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'marts'"
    ).fetchall()
    columns = published.execute(
        "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE schema_name = 'marts'"
    ).fetchall()
    assert len(tables) > 10 and len(columns) > 100
    assert [t for t, comment in tables if not (comment or "").strip()] == []
    assert [(t, c) for t, c, comment in columns if not (comment or "").strip()] == []
    by_column = {(t, c): comment for t, c, comment in columns}
    # The doc block, rendered: not its Jinja.
    status = by_column[("fct_indicator_values", "obs_status")]
    assert status.startswith("Status of the value: `official`, `provisional`")
    assert not any("{{" in comment for comment in by_column.values())


def test_snapshot_revisions_are_eurostats_real_revisions(published):
    """The snapshot's Eurostat GDP has a release of 2020-03-06 and the current file, its
    employment the 2018 cells of about 2020 and of 2026: real revisions, each side official.
    The self-employed (employment less NBB's modelled employees) revise with employment and
    say they are modelled."""
    rows = published.execute(
        "SELECT source_id, indicator_id, vintage::varchar, previous_vintage::varchar, "
        "obs_status, previous_obs_status, first_published_obs_status, "
        "count(*), count(DISTINCT region_code) "
        "FROM marts.fct_indicator_revisions GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    by_indicator = {r[1]: r for r in rows}
    assert set(by_indicator) == {"employment", "gdp_per_inhabitant", "self_employed"}, rows
    gdp = by_indicator["gdp_per_inhabitant"]
    assert gdp[0] == "eurostat_gdp_per_inhabitant"
    assert gdp[2:7] == ("2026-11-27", "2020-03-06", "official", "official", "official")
    assert gdp[7] > 0 and gdp[8] == 2  # BE2 and BE22, the old vintage's regions
    employment = by_indicator["employment"]
    assert employment[0] == "eurostat_employment_by_industry"
    assert employment[2:7] == ("2026-08-01", "2020-09-02", "official", "official", "official")
    assert employment[7] > 0 and employment[8] >= 6  # BE2, provinces, arrondissements
    assert by_indicator["self_employed"][4:7] == ("modelled", "modelled", "modelled")
    # The old release stays a past vintage: the facts show the current one only.
    (old_in_facts,) = published.execute(
        "SELECT count(*) FROM marts.fct_indicator_values WHERE vintage = DATE '2020-03-06'"
    ).fetchall()[0]
    assert old_in_facts == 0
