"""`dbt build` of dbt_project/ against a small raw fixture, with mart values checked by hand.

The fixture is the contract's raw schema (raw.nbb_regaca38, raw.source_files) with every NBB
leaf for the Flemish Region (200) and Limburg (220) in 2013, 2022 and 2023, written into a
build file like warehouse/build.py makes. dbt runs once per module, in-process.
"""

from __future__ import annotations

import contextlib
import gc
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from expectations.article_figures import (
    label_family,
    load_reference,
    parse_indicator,
    sector_labels,
)
from expectations.reader import BuildReader
from warehouse.config import DBT_PROJECT_DIR, PUBLISHED_BASENAME

# fmt: off
A38 = [
    "AA", "BB", "CA", "CB", "CC", "CD", "CE", "CF", "CG", "CH", "CI", "CJ", "CK", "CL", "CM",
    "DD", "EE", "FF", "GG", "HH", "II", "JA", "JB", "JC", "KK", "LL", "MA", "MB", "MC", "NN",
    "OO", "PP", "QA", "QB", "RR", "SS", "TT", "UU",
]
# fmt: on
A64 = {"29": "CL", "30": "CL", "73": "MC", "74_75": "MC"}
LEAVES = [code for code in A38 if code not in A64.values()] + list(A64)
MANUFACTURING_LEAVES = [c for c in LEAVES if c.startswith("C") or c in ("29", "30")]
YEARS = (2013, 2022, 2023)
NUTS = {"200": "BE2", "220": "BE22"}
SOURCE_ID = "nbb_regaca38"
RETRIEVED = datetime(2026, 11, 27, 6, 30)
OLD_RETRIEVED = datetime(2026, 1, 10, 6, 30)
SHA, OLD_SHA = "a" * 64, "b" * 64
# Limburg's automotive employment collapses after Ford Genk closed (end 2014).
AUTOMOTIVE_BE22 = {2013: 9679.0, 2022: 2900.0, 2023: 2798.0}

OTHER_MANUFACTURING = [c for c in MANUFACTURING_LEAVES if c not in ("CA", "29")]
REGION_ROWS = ["BE2", "BE21", "BE22", "BE23", "BE24", "BE25"]
TABLE_2_SECTORS = 19


def employees(nuts: str, leaf: str, year: int) -> float:
    """Deterministic whole numbers, different per region, leaf and year."""
    if nuts == "220" and leaf == "29":
        return AUTOMOTIVE_BE22[year]
    base = 1000 + 97 * LEAVES.index(leaf)
    scale = 6 if nuts == "200" else 1
    growth = {2013: 0, 2022: 40, 2023: 55}[year]
    return float(scale * (base + growth * (1 + LEAVES.index(leaf) % 5)))


def leaf_values(nuts: str, year: int) -> dict[str, dict[str, float]]:
    """item -> branch -> value, with the totals (TOT, C) and A38 parents added up."""
    emp = {leaf: employees(nuts, leaf, year) for leaf in LEAVES}
    hours = {leaf: round(emp[leaf] * 1.45, 3) for leaf in LEAVES}
    gva = {leaf: round(emp[leaf] * 0.0875 + 0.25, 4) for leaf in LEAVES}
    out = {}
    for item, values in (("EMPLOY", emp), ("HRWTOT", hours), ("B1G000", gva)):
        series = dict(values)
        for child, parent in A64.items():
            series[parent] = series.get(parent, 0.0) + values[child]
        series["C"] = sum(values[c] for c in MANUFACTURING_LEAVES)
        series["TOT"] = sum(values.values())
        out[item] = series
    return out


UNITS = {"EMPLOY": "NP", "HRWTOT": "AB", "B1G000": "CU", "HRWEMP": "AB", "B1QCAP": "EU"}


def raw_rows() -> list[tuple]:
    rows = []

    def add(item, nuts, branch, year, value, *, status="A", modelled=False, **kw):
        key = f"A.{item}.{nuts}.{branch}.{UNITS.get(item, 'NP')}.{kw.get('sector', 'S1')}"
        rows.append(
            (
                kw.get("freq", "A"),
                item,
                nuts,
                branch,
                UNITS.get(item, "NP"),
                kw.get("sector", "S1"),
                str(year),
                value,
                status,
                key,
                modelled,
                SOURCE_ID,
                kw.get("sha", SHA),
                kw.get("retrieved", RETRIEVED),
            )
        )

    for nuts in NUTS:
        for year in YEARS:
            # Limburg's latest year is provisional; the Flemish NN series is modelled.
            status = "P" if (nuts == "220" and year == 2023) else "A"
            for item, series in leaf_values(nuts, year).items():
                for branch, value in series.items():
                    modelled = nuts == "200" and branch == "NN"
                    add(item, nuts, branch, year, value, status=status, modelled=modelled)
            add("B1QCAP", nuts, "TOT", year, 30000.0 + year, status=status)
            add("POPULA", nuts, "TOT", year, 880000.0 if nuts == "220" else 6.6e6, status=status)
    # Rows the staging and intermediate models must leave out.
    add("EMPLOY", "220", "TOT", "2013-Q1", 1.0, freq="Q")  # not annual
    add("EMPLOY", "220", "TOT", 2013, 2.0, sector="S13")  # not the total economy
    add("EMPLOY", "220", "CD_CE", 2013, 3.0)  # merged cell the warehouse does not use
    add("EMPLOY", "220", "TOT", 2003, None, status=None)  # missing at the source
    # An older vintage: only its TOT row; it must not win, nor form partial clusters.
    add("EMPLOY", "220", "TOT", 2013, 4.0, sha=OLD_SHA, retrieved=OLD_RETRIEVED)
    add("EMPLOY", "220", "CA", 2013, 5.0, sha=OLD_SHA, retrieved=OLD_RETRIEVED)
    return rows


def write_raw_fixture(build_file: Path) -> None:
    con = duckdb.connect()
    try:
        # Like warehouse/build.py: a file DuckDB 1.x clients can open.
        con.execute(f"ATTACH '{build_file}' AS b (STORAGE_VERSION 'v1.0.0')")
        con.execute("CREATE SCHEMA b.raw")
        con.execute(
            """
            CREATE TABLE b.raw.nbb_regaca38 (
                freq VARCHAR, item VARCHAR, nuts VARCHAR, branch VARCHAR, unit VARCHAR,
                sector VARCHAR, time_period VARCHAR, obs_value DOUBLE, obs_status VARCHAR,
                series_key VARCHAR, is_modelled BOOLEAN, source_id VARCHAR,
                file_sha256 VARCHAR, retrieved_at TIMESTAMP
            )
            """
        )
        con.executemany(
            "INSERT INTO b.raw.nbb_regaca38 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            raw_rows(),
        )
        con.execute(
            """
            CREATE TABLE b.raw.source_files (
                source_id VARCHAR, raw_table VARCHAR, path VARCHAR, format VARCHAR,
                url VARCHAR, sha256 VARCHAR, bytes BIGINT, retrieved_at TIMESTAMP,
                licence VARCHAR, attribution VARCHAR, rows_loaded BIGINT, loaded_at TIMESTAMP
            )
            """
        )
        for sha, retrieved in ((SHA, RETRIEVED), (OLD_SHA, OLD_RETRIEVED)):
            con.execute(
                "INSERT INTO b.raw.source_files VALUES (?, 'nbb_regaca38', ?, 'sdmx-json-2.0', "
                "'https://example.invalid/nbb', ?, 1, ?, 'test', 'Source: NBB.Stat', 1, ?)",
                [SOURCE_ID, f"nbb/{sha[:8]}.json", sha, retrieved, retrieved],
            )
        con.execute("CHECKPOINT b")
        con.execute("DETACH b")
    finally:
        con.close()


def close_dbt_connections() -> None:
    """dbt-duckdb keeps its DuckDB instance open after an in-process run: close it, so the
    file can be reopened here."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    from dbt.adapters.factory import reset_adapters

    with contextlib.suppress(Exception):
        reset_adapters()
    with DuckDBConnectionManager._LOCK:
        env, DuckDBConnectionManager._ENV = DuckDBConnectionManager._ENV, None
    if env is not None:
        with contextlib.suppress(Exception):
            env.close()
    gc.collect()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    from dbt.cli.main import dbtRunner

    work = tmp_path_factory.mktemp("dbt_build")
    build_file = work / PUBLISHED_BASENAME
    write_raw_fixture(build_file)
    args = [
        "build",
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
        "--no-use-colors",
    ]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
        mp.setenv("DO_NOT_TRACK", "1")
        mp.setenv("LIMWH_BUILD_PATH", str(build_file))
        try:
            result = dbtRunner().invoke(args)
        finally:
            close_dbt_connections()
    statuses = {r.node.unique_id: str(r.status) for r in (result.result or [])}
    yield {"result": result, "statuses": statuses, "file": build_file}


@pytest.fixture(scope="module")
def con(built: dict) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(built["file"]), read_only=True)
    yield connection
    connection.close()


def one(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    rows = con.execute(sql, params or []).fetchall()
    assert len(rows) == 1, (sql, params, rows)
    return rows[0]


def test_build_succeeds(built: dict) -> None:
    failed = {k: v for k, v in built["statuses"].items() if v not in ("success", "pass", "warn")}
    # Exposures (the report, the BI exports) are part of the build but run nothing.
    failed = {k: v for k, v in failed.items() if not (k.startswith("exposure.") and v == "no-op")}
    assert built["result"].exception is None
    assert not failed, failed
    assert built["result"].success
    # The merged cell CD_CE is unknown to the warehouse: a warning, not an error.
    warned = [k for k, v in built["statuses"].items() if v == "warn"]
    assert any("relationships_stg_nbb__regional_accounts_branch_code" in k for k in warned)


def test_everything_is_a_table_in_the_agreed_schemas(con: duckdb.DuckDBPyConnection) -> None:
    views = con.execute(
        "SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal"
    ).fetchall()
    assert views == []
    schemas = {
        r[0] for r in con.execute("SELECT DISTINCT schema_name FROM duckdb_tables()").fetchall()
    }
    assert {"raw", "seeds", "staging", "intermediate", "marts"} <= schemas
    marts = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'"
        ).fetchall()
    }
    assert {
        "fct_indicator_values",
        "fct_indicator_values_all_sources",
        "fct_indicator_changes",
        "fct_gap_to_region",
        "dim_region",
        "dim_sector",
        "dim_indicator",
        "article_table_2_employment_by_sector",
    } <= marts


def test_staging_filters_and_maps_statuses(con: duckdb.DuckDBPyConnection) -> None:
    statuses = dict(
        con.execute(
            "SELECT obs_status, count(*) FROM staging.stg_nbb__regional_accounts GROUP BY 1"
        ).fetchall()
    )
    assert set(statuses) == {"official", "provisional", "modelled"}
    (n_quarterly,) = one(
        con,
        "SELECT count(*) FROM staging.stg_nbb__regional_accounts WHERE year = 2013 "
        "AND item = 'EMPLOY' AND nuts_code = '220' AND branch_code = 'TOT' AND value = 1",
    )
    assert n_quarterly == 0


def test_cluster_is_the_sum_of_its_leaves(con: duckdb.DuckDBPyConnection) -> None:
    expected = sum(employees("220", c, 2023) for c in OTHER_MANUFACTURING)
    value, status = one(
        con,
        "SELECT value, obs_status FROM marts.fct_indicator_values WHERE indicator_id = "
        "'employees' AND region_code = 'BE22' AND sector_code = 'other_manufacturing' "
        "AND year = 2023",
    )
    assert value == pytest.approx(expected)
    assert status == "provisional"
    # Table 3's "other" is C less the eight named subsectors: CB, 30 and CM only.
    (value,) = one(
        con,
        "SELECT value FROM marts.fct_indicator_values WHERE indicator_id = 'employees' "
        "AND region_code = 'BE2' AND sector_code = 'other_manufacturing_subsectors' "
        "AND year = 2013",
    )
    assert value == pytest.approx(sum(employees("200", c, 2013) for c in ("CB", "30", "CM")))


def test_table_2_clusters_partition_total(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        """
        SELECT f.region_code, f.year, sum(f.value), any_value(t.value)
        FROM marts.fct_indicator_values f
        JOIN marts.dim_sector s USING (sector_code)
        JOIN marts.fct_indicator_values t
          ON t.indicator_id = f.indicator_id AND t.region_code = f.region_code
         AND t.year = f.year AND t.sector_code = 'TOTAL'
        WHERE f.indicator_id = 'employees' AND s.table_2_row_order BETWEEN 1 AND 18
        GROUP BY 1, 2
        """
    ).fetchall()
    assert len(rows) == len(NUTS) * len(YEARS)
    for region, year, clusters, total in rows:
        assert clusters == pytest.approx(total), (region, year)


def test_latest_vintage_wins_and_partial_vintages_form_no_cluster(
    con: duckdb.DuckDBPyConnection,
) -> None:
    value, vintage = one(
        con,
        "SELECT value, vintage FROM marts.fct_indicator_values WHERE indicator_id = "
        "'employees' AND region_code = 'BE22' AND sector_code = 'TOTAL' AND year = 2013",
    )
    assert value == pytest.approx(leaf_values("220", 2013)["EMPLOY"]["TOT"])
    assert str(vintage) == "2026-11-27"
    vintages = con.execute(
        "SELECT DISTINCT vintage::VARCHAR FROM marts.fct_indicator_values_all_sources "
        "WHERE region_code = 'BE22' AND year = 2013 AND indicator_id = 'employees' "
        "AND sector_code IN ('TOTAL', 'CA', 'food_industry') ORDER BY 1"
    ).fetchall()
    assert vintages == [("2026-01-10",), ("2026-11-27",)]
    (n_old_clusters,) = one(
        con,
        "SELECT count(*) FROM intermediate.int_regional_accounts__indicator_values "
        "WHERE vintage = DATE '2026-01-10' AND sector_code <> 'food_industry' "
        "AND sector_code IN (SELECT sector_code FROM seeds.sector_mapping)",
    )
    assert n_old_clusters == 0


def test_gva_per_hour_and_shares(con: duckdb.DuckDBPyConnection) -> None:
    series = leaf_values("220", 2022)
    value, unit = one(
        con,
        "SELECT value, unit FROM marts.fct_indicator_values WHERE indicator_id = "
        "'gva_per_hour' AND region_code = 'BE22' AND sector_code = 'TOTAL' AND year = 2022",
    )
    assert value == pytest.approx(1000 * series["B1G000"]["TOT"] / series["HRWTOT"]["TOT"])
    assert unit == "EUR per hour"
    (share,) = one(
        con,
        "SELECT value FROM marts.fct_indicator_values WHERE indicator_id = "
        "'manufacturing_share_of_employees' AND region_code = 'BE22' AND year = 2022",
    )
    assert share == pytest.approx(100 * series["EMPLOY"]["C"] / series["EMPLOY"]["TOT"])
    (c_share,) = one(
        con,
        "SELECT value FROM marts.fct_indicator_values WHERE indicator_id = "
        "'share_of_manufacturing_employees' AND region_code = 'BE2' AND sector_code = 'C' "
        "AND year = 2013",
    )
    assert c_share == pytest.approx(100.0)


def test_changes_and_gaps(con: duckdb.DuckDBPyConnection) -> None:
    start = leaf_values("220", 2013)["EMPLOY"]["TOT"]
    end = leaf_values("220", 2023)["EMPLOY"]["TOT"]
    change_abs, change_pct, change_ppt, cagr_pct, status = one(
        con,
        "SELECT change_abs, change_pct, change_ppt, cagr_pct, obs_status "
        "FROM marts.fct_indicator_changes WHERE indicator_id = 'employees' "
        "AND region_code = 'BE22' AND sector_code = 'TOTAL' AND from_year = 2013 "
        "AND to_year = 2023",
    )
    assert change_abs == pytest.approx(end - start)
    assert change_pct == pytest.approx(100 * (end / start - 1))
    assert change_ppt is None
    assert cagr_pct == pytest.approx(100 * ((end / start) ** (1 / 10) - 1))
    assert status == "provisional"
    gva_hour = {
        nuts: 1000
        * leaf_values(nuts, 2022)["B1G000"]["TOT"]
        / leaf_values(nuts, 2022)["HRWTOT"]["TOT"]
        for nuts in NUTS
    }
    gap_pct, reference = one(
        con,
        "SELECT gap_pct, reference_region_code FROM marts.fct_gap_to_region "
        "WHERE indicator_id = 'gva_per_hour' AND region_code = 'BE22' "
        "AND sector_code = 'TOTAL' AND year = 2022",
    )
    assert reference == "BE2"
    assert gap_pct == pytest.approx(100 * (gva_hour["220"] / gva_hour["200"] - 1))


def test_article_table_2(con: duckdb.DuckDBPyConnection) -> None:
    (n_rows,) = one(con, "SELECT count(*) FROM marts.article_table_2_employment_by_sector")
    assert n_rows == len(REGION_ROWS) * TABLE_2_SECTORS
    rows = con.execute(
        "SELECT sector_code, row_order, label_nl FROM marts.article_table_2_employment_by_sector "
        "WHERE region_code = 'BE22' ORDER BY row_order"
    ).fetchall()
    assert rows[0] == ("admin_support", 1, "Administratieve en ondersteunende diensten")
    assert rows[-1] == ("TOTAL", 19, "Totaal")
    assert rows[17] == ("automotive", 18, "Automobielindustrie")
    (leaves,) = one(
        con,
        "SELECT leaf_branch_codes FROM marts.dim_sector WHERE sector_code = 'other_manufacturing'",
    )
    assert leaves == "CB CC CD CE CF CG CH CI CJ CK 30 CM"  # NACE order

    (
        base,
        end,
        change_abs,
        change_pct,
        flemish_pct,
        end_status,
        change_status,
        flemish_status,
    ) = one(
        con,
        "SELECT employees_base, employees_end, change_abs, change_pct, flemish_change_pct, "
        "employees_end_status, change_status, flemish_change_status "
        "FROM marts.article_table_2_employment_by_sector "
        "WHERE region_code = 'BE22' AND sector_code = 'automotive'",
    )
    assert (base, end, change_abs) == (9679.0, 2798.0, 2798.0 - 9679.0)
    assert change_pct == pytest.approx(100 * (2798 / 9679 - 1))
    be2 = {y: employees("200", "29", y) for y in (2013, 2023)}
    assert flemish_pct == pytest.approx(100 * (be2[2023] / be2[2013] - 1))
    assert (end_status, change_status, flemish_status) == ("provisional", "provisional", "official")

    # The Flemish NN series is modelled, so the Flemish comparison of admin_support is too.
    (flemish_status,) = one(
        con,
        "SELECT flemish_change_status FROM marts.article_table_2_employment_by_sector "
        "WHERE region_code = 'BE22' AND sector_code = 'admin_support'",
    )
    assert flemish_status == "modelled"

    # A province without data keeps its rows, with NULL values and statuses.
    (n_filled,) = one(
        con,
        "SELECT count(employees_end) + count(change_status) "
        "FROM marts.article_table_2_employment_by_sector WHERE region_code = 'BE21'",
    )
    assert n_filled == 0


def test_article_figures_map_onto_sectors(con: duckdb.DuckDBPyConnection) -> None:
    """The golden checks read the article's labels through the built seeds: the two different
    "Overige maakindustrie" rows, and a share of manufacturing under Table 3's labels."""
    reader = BuildReader(con)
    reference, _ = load_reference(reader)
    labels = sector_labels(reader)
    by_id = {r.figure_id: r for r in reference.itertuples(index=False)}

    def sector(figure_id: str) -> str | None:
        r = by_id[figure_id]
        return labels.get((label_family(r.published_in, r.indicator), r.sector))

    assert sector("T2.Overige maakindustrie.2023") == "other_manufacturing"
    assert sector("T3.Overige maakindustrie.2023") == "other_manufacturing_subsectors"
    assert sector("X.automotive_share_of_manufacturing.2003") == "automotive"
    change = by_id["T1.job_seekers_rate.change"]
    parsed = parse_indicator(change.indicator, change.unit)
    assert (parsed.indicator_id, parsed.measure.name, parsed.fact_column) == (
        "job_seekers_rate_18_64",
        "change",
        "change_ppt",
    )
    assert change.period == "2013-2023"


def test_a_broken_sector_mapping_fails_the_build(
    built: dict, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The partition tests can fail: drop NACE 30 from Table 3 and move food to 'other'."""
    from dbt.cli.main import dbtRunner

    work = tmp_path_factory.mktemp("dbt_broken")
    project = work / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    mapping = project / "seeds" / "sector_mapping.csv"
    lines = mapping.read_text(encoding="utf-8").splitlines(keepends=True)
    lines = [
        line.replace(
            "table_3_subsector,CA,food_industry", "table_3_subsector,CA,other_manufacturing"
        )
        for line in lines
        if not line.startswith("table_3_subsector,30,")
    ]
    mapping.write_text("".join(lines), encoding="utf-8")
    tests = ["assert_sector_mapping_partitions", "assert_article_rows_match_sector_mapping"]
    args = [
        "build",
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project),
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
        "--no-use-colors",
        "--select",
        "nbb_branches",
        "sectors",
        "sector_mapping",
        *tests,
    ]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LIMWH_BUILD_PATH", str(work / PUBLISHED_BASENAME))
        try:
            result = dbtRunner().invoke(args)
        finally:
            close_dbt_connections()
    statuses = {r.node.name: str(r.status) for r in (result.result or [])}
    assert not result.success
    assert {statuses[t] for t in tests} == {"fail"}
