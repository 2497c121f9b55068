"""The exports as spreadsheet and data-package readers get them: `datapackage.json` valid for
the Frictionless library, CSV numbers a spreadsheet reads as numbers, `article.xlsx` holding the
article marts' values as numbers, and the `period` DATE a BI time axis needs."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest

from tests.e2e.conftest import Refresh
from warehouse.config import DataPaths

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def exports(good_run: Refresh, data_dir: Path) -> Path:
    assert good_run.returncode == 0, good_run.describe()
    return data_dir / "exports"


@pytest.fixture(scope="module")
def marts(good_run: Refresh, data_dir: Path):
    con = duckdb.connect(str(DataPaths(data_dir).published), read_only=True)
    yield con
    con.close()


def test_the_datapackage_is_valid_for_frictionless(exports: Path) -> None:
    from frictionless import Package, validate

    report = validate(str(exports / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:20]
    package = Package(str(exports / "datapackage.json"))
    manifest = json.loads((exports / "manifest.json").read_text(encoding="utf-8"))
    assert {r.name for r in package.resources} == {m["mart"] for m in manifest["marts"]}
    # Codes stay text: NBB's "000" for Belgium is not the number 0.
    regions = package.get_resource("dim_region")
    assert regions.schema.get_field("nbb_nuts_code").type == "string"
    rows = regions.read_rows()
    assert "000" in {row["nbb_nuts_code"] for row in rows}
    # Every column is documented.
    undocumented = [
        (r.name, f.name) for r in package.resources for f in r.schema.fields if not f.description
    ]
    assert undocumented == []


def test_csv_counts_are_integers_and_ratios_short(exports: Path) -> None:
    with (exports / "fct_indicator_values.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    employees = [r["value"] for r in rows if r["indicator_id"] == "employees"]
    assert employees and all(v.lstrip("-").isdigit() for v in employees), employees[:5]
    decimals = [len(v.split(".")[1]) for r in rows if "." in (v := r["value"])]
    assert decimals and max(decimals) <= 6
    assert all("e" not in r["value"].lower() for r in rows)


def test_article_workbook_holds_the_article_marts_as_numbers(exports: Path, marts) -> None:
    from openpyxl import load_workbook

    book = load_workbook(exports / "article.xlsx", read_only=True)
    assert "Tabel 2 · Table 2" in book.sheetnames and "Figuur 3 · Figure 3" in book.sheetnames
    sheet = book["Tabel 2 · Table 2"]
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert "employees_end" in header and "employees_end_status" in header
    want = marts.execute(
        "SELECT region_code, sector_code, employees_end, employees_end_status "
        "FROM marts.article_table_2_employment_by_sector ORDER BY region_code, row_order"
    ).fetchall()
    wanted = ("region_code", "sector_code", "employees_end", "employees_end_status")
    got = [tuple(row[header.index(c)] for c in wanted) for row in body]
    assert got == want
    assert all(isinstance(r[2], int | float) for r in got if r[2] is not None)
    sources = list(book["Bronnen · Sources"].iter_rows(values_only=True))
    assert any("Source: NBB.Stat" in (row[1] or "") for row in sources[1:])
    book.close()


def test_time_series_marts_carry_a_period_date(marts) -> None:
    rows = marts.execute(
        "SELECT table_name FROM duckdb_columns() WHERE schema_name = 'marts' "
        "AND column_name = 'year' EXCEPT SELECT table_name FROM duckdb_columns() "
        "WHERE schema_name = 'marts' AND column_name = 'period' AND data_type = 'DATE'"
    ).fetchall()
    assert rows == []
    mismatched = marts.execute(
        "SELECT count(*) FROM marts.fct_indicator_values WHERE period <> make_date(year, 1, 1)"
    ).fetchone()[0]
    assert mismatched == 0
