"""The Superset dashboard bundle, end to end: a pinned Superset (its own virtualenv) imports it
through the REST API, and the chart data API returns, for every chart, exactly the marts'
values (read here straight from the DuckDB file, read-only). Opt-in: `make test-bi`."""

from __future__ import annotations

import json
import math
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from tests.bi.conftest import Superset

pytestmark = pytest.mark.bi

REGION = "BE22"  # Limburg
FLANDERS = "BE2"
EDITION = f"{REGION.lower()}_en"  # the generator's default region and language
SLUG = f"limwh-article-{REGION.lower()}-en"
CHARTS = ("figure_1", "figure_2", "figure_3", "table_2")
TOLERANCE = 1e-9
Cell = tuple[date, str]  # (year's 1 January, series name)


@pytest.fixture(scope="module")
def bundle_charts(bundle: Path) -> dict[str, dict[str, Any]]:
    """The chart files of the bundle, by key (figure_1, ...)."""
    with zipfile.ZipFile(bundle) as z:
        return {
            Path(name).stem.removesuffix(f"_{EDITION}"): yaml.safe_load(z.read(name))
            for name in z.namelist()
            if "/charts/" in name
        }


def _import(superset: Superset, bundle: Path, endpoint: str, field: str) -> None:
    with bundle.open("rb") as f:
        r = superset.post(
            f"/api/v1/{endpoint}/import/",
            files={field: (bundle.name, f, "application/zip")},
            data={"overwrite": "true", "passwords": "{}"},
        )
    assert r.status_code == 200, (
        f"{endpoint} import: {r.status_code} {r.text}\n{superset.log_tail()}"
    )


@pytest.fixture(scope="module")
def chart_ids(
    superset: Superset, bundle: Path, bundle_charts: dict[str, dict[str, Any]]
) -> dict[str, int]:
    """Import the bundle as a user would (Dashboards, Import dashboard); {chart key: id}."""
    _import(superset, bundle, "dashboard", "formData")
    return _dashboard_charts(superset, bundle_charts)


def _dashboard_charts(superset: Superset, bundle_charts: dict[str, dict[str, Any]]) -> dict:
    dashboard = superset.get(f"/api/v1/dashboard/{SLUG}")["result"]
    listed = superset.get(f"/api/v1/dashboard/{dashboard['id']}/charts")["result"]
    by_name = {c["slice_name"]: c["id"] for c in listed}
    assert len(listed) == len(CHARTS), [c["slice_name"] for c in listed]
    return {key: by_name[bundle_charts[key]["slice_name"]] for key in CHARTS}


def test_dashboard_lists_the_four_charts(
    superset: Superset, chart_ids: dict[str, int], bundle_charts: dict[str, dict[str, Any]]
) -> None:
    dashboard = superset.get(f"/api/v1/dashboard/{SLUG}")["result"]
    assert dashboard["published"]
    assert "Limburg" in dashboard["dashboard_title"]
    assert sorted(chart_ids) == sorted(CHARTS)
    for key, chart_id in chart_ids.items():
        chart = superset.get(f"/api/v1/chart/{chart_id}")["result"]
        assert chart["viz_type"] == bundle_charts[key]["viz_type"]
        assert json.loads(chart["query_context"])["queries"], key  # the data API's query


@pytest.mark.parametrize("key", CHARTS)
def test_chart_data_equals_the_marts(
    key: str,
    superset: Superset,
    chart_ids: dict[str, int],
    bundle_charts: dict[str, dict[str, Any]],
    warehouse: Path,
) -> None:
    results = superset.get(f"/api/v1/chart/{chart_ids[key]}/data/")["result"]
    labels = [m["label"] for m in _metrics(bundle_charts[key]["params"])]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        if key == "table_2":
            _assert_table_2(results, con, bundle_charts[key]["params"]["all_columns"])
            return
        expected = EXPECTED[key](con, labels)
    got: dict[Cell, float] = {}
    for result in results:  # the mixed chart (Figure 2) has one result per y-axis
        assert result["status"] == "success", result.get("error")
        got |= _cells(result)
    assert got.keys() == expected.keys()
    off = {c: (got[c], v) for c, v in expected.items() if abs(got[c] - v) > TOLERANCE}
    assert not off, f"{key}: {len(off)} values differ from the marts, e.g. {list(off.items())[:3]}"


def test_database_is_read_only(superset: Superset, chart_ids: dict[str, int]) -> None:
    """The imported connection: no DML, DuckDB opened read-only with external access off."""
    databases = superset.get("/api/v1/database/")["result"]
    (db_id,) = [d["id"] for d in databases if d["database_name"] == "Limburg warehouse"]
    connection = superset.get(f"/api/v1/database/{db_id}/connection")["result"]
    assert connection["allow_dml"] is False
    r = superset.post(
        "/api/v1/sqllab/execute/",
        json={
            "database_id": db_id,
            "sql": "SELECT current_setting('access_mode') AS access_mode, "
            "current_setting('enable_external_access') AS external_access",
            "runAsync": False,
            "queryLimit": 10,
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["data"] == [{"access_mode": "read_only", "external_access": False}]


def test_import_again_keeps_one_dashboard(
    superset: Superset, chart_ids: dict[str, int], bundle: Path, bundle_charts: dict
) -> None:
    """Stable UUIDs: importing again (dashboard import with overwrite, then the assets
    import, which overwrites datasets and charts too) finds the same objects."""
    _import(superset, bundle, "dashboard", "formData")
    assert _dashboard_charts(superset, bundle_charts) == chart_ids
    _import(superset, bundle, "assets", "bundle")
    assert _dashboard_charts(superset, bundle_charts) == chart_ids
    dashboards = superset.get("/api/v1/dashboard/")["result"]
    assert [d["slug"] for d in dashboards] == [SLUG]


# --- what the marts say ----------------------------------------------------------------------


def _metrics(params: dict[str, Any]) -> list[dict[str, Any]]:
    return params.get("metrics", []) + params.get("metrics_b", [])


def _cells(result: dict[str, Any]) -> dict[Cell, float]:
    """A pivoted time-series result as {(period, series): value}, missing values left out."""
    cells = {}
    for row in result["data"]:
        period = datetime.fromtimestamp(row["period"] / 1000, tz=UTC).date()
        for column, value in row.items():
            if column != "period" and value is not None and not math.isnan(value):
                cells[(period, column)] = value
    return cells


def _names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT region_code, name_en FROM marts.dim_region").fetchall())


def _figure_1(con: duckdb.DuckDBPyConnection, labels: list[str]) -> dict[Cell, float]:
    """Every region's employees index; Limburg's SALK scenario on the same index (the
    scenario over its base-year value, which is that year's actual employees)."""
    names = _names(con)
    rows = con.execute(
        "SELECT region_code, period, employees_index, salk_scenario_employees, "
        "salk_scenario_basis FROM marts.article_figure_1_employment_vs_salk"
    ).fetchall()
    cells = {(p, names[r]): v for r, p, v, _, _ in rows if v is not None}
    base = {r: s for r, _, _, s, basis in rows if basis == "actual base year"}
    assert base, "no SALK scenario in the mart"
    for r, p, _, s, _ in rows:
        if s is not None:
            cells[(p, f"SALK scenario ({names[r]})")] = 100 * s / base[r]
    return cells


def _figure_2(con: duckdb.DuckDBPyConnection, labels: list[str]) -> dict[Cell, float]:
    """Limburg and the Flemish Region: the job-seekers rate and the employment rate."""
    names = _names(con)
    rows = con.execute(
        "SELECT region_code, period, job_seekers_rate_18_64, employment_rate_20_64 "
        "FROM marts.article_figure_2_labour_market_rates WHERE region_code IN (?, ?)",
        [REGION, FLANDERS],
    ).fetchall()
    return {
        (p, f"{label}, {names[r]}"): v
        for r, p, *values in rows
        for label, v in zip(labels, values, strict=True)
        if v is not None
    }


def _figure_3(con: duckdb.DuckDBPyConnection, labels: list[str]) -> dict[Cell, float]:
    """Every region of the mart: manufacturing's share of employees and of value added."""
    names = _names(con)
    rows = con.execute(
        "SELECT region_code, period, manufacturing_share_of_employees, "
        "manufacturing_share_of_gva FROM marts.article_figure_3_manufacturing_share_by_province"
    ).fetchall()
    assert len({r for r, *_ in rows}) > 2  # the provinces and the Flemish Region
    return {
        (p, f"{label}, {names[r]}"): v
        for r, p, *values in rows
        for label, v in zip(labels, values, strict=True)
        if v is not None
    }


EXPECTED = {"figure_1": _figure_1, "figure_2": _figure_2, "figure_3": _figure_3}


def _assert_table_2(
    results: list[dict[str, Any]], con: duckdb.DuckDBPyConnection, shown: list[str]
) -> None:
    """Limburg's rows in the article's order, every value with its status columns."""
    (result,) = results
    columns = result["colnames"]
    assert columns == shown
    assert {"employees_base_status", "change_status", "flemish_change_status"} <= set(columns)
    expected = con.execute(
        f"SELECT {', '.join(columns)} FROM marts.article_table_2_employment_by_sector "
        "WHERE region_code = ? ORDER BY row_order",
        [REGION],
    ).fetchall()
    got = [tuple(row[c] for c in columns) for row in result["data"]]
    assert len(got) == len(expected) > 0
    for got_row, want_row in zip(got, expected, strict=True):
        for column, g, w in zip(columns, got_row, want_row, strict=True):
            if isinstance(w, float):
                assert g is not None and abs(g - w) <= TOLERANCE, (column, got_row, want_row)
            else:
                assert g == w, (column, got_row, want_row)
