"""The Statbel, RSZ, VDAB and Eurostat indicators in the published file: Figure 2's stated
points, every checked Table 1 / Figure 2 / starters figure, and real values flagged official
and equal to the published statistics the snapshot carries."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from expectations.golden import golden_lookup, golden_rows
from expectations.reader import BuildReader
from expectations.runner import ENTERPRISE_AND_LABOUR_CHECKS as CHECK_NAMES
from tests.e2e.conftest import Refresh
from warehouse.config import DataPaths

pytestmark = pytest.mark.e2e

FACTS_DIR = Path(__file__).resolve().parents[2] / "tools" / "snapshot_generator" / "facts"
REFNIS_TO_NUTS = {10000: "BE21", 20001: "BE24", 30000: "BE25", 40000: "BE23", 70000: "BE22"}

# Figure 2 as the article states it: (column, region, year, printed value).
FIGURE_2 = [
    ("job_seekers_rate_18_64", "BE22", 2012, 8.4),
    ("job_seekers_rate_18_64", "BE22", 2015, 9.3),
    ("job_seekers_rate_18_64", "BE22", 2024, 6.3),
    ("job_seekers_rate_18_64", "BE2", 2024, 6.6),
    ("employment_rate_20_64", "BE22", 2014, 69.1),
    ("employment_rate_20_64", "BE22", 2015, 68.7),
    ("employment_rate_20_64", "BE22", 2023, 76.4),
    ("employment_rate_20_64", "BE2", 2023, 76.8),
    ("employment_rate_20_64", "BE22", 2024, 75.7),
]


@pytest.fixture(scope="module")
def published(good_run: Refresh, data_dir: Path):
    assert good_run.returncode == 0, good_run.describe()
    con = duckdb.connect(str(DataPaths(data_dir).published), read_only=True)
    yield con
    con.close()


@pytest.mark.parametrize(("column", "region", "year", "printed"), FIGURE_2)
def test_figure_2_stated_point(published, column: str, region: str, year: int, printed: float):
    rows = published.execute(
        f"SELECT {column}, row_order FROM marts.article_figure_2_labour_market_rates "
        "WHERE region_code = ? AND year = ?",
        [region, year],
    ).fetchall()
    assert len(rows) == 1
    value, row_order = rows[0]
    assert round(value, 1) == printed, (column, region, year, value)
    assert row_order == year - 2011


def test_figure_2_covers_every_province_and_year(published):
    rows = published.execute(
        "SELECT region_code, count(*), count(job_seekers_rate_18_64), "
        "count(employment_rate_20_64) FROM marts.article_figure_2_labour_market_rates "
        "GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert [r[0] for r in rows] == ["BE2", "BE21", "BE22", "BE23", "BE24", "BE25"]
    assert all(r[1:] == (13, 13, 13) for r in rows), rows


def test_every_checked_figure_of_these_indicators_comes_out(good_run: Refresh, data_dir: Path):
    assert good_run.returncode == 0, good_run.describe()
    reader = BuildReader.open(DataPaths(data_dir).published)
    try:
        reference, _ = golden_rows(reader)
        lookup = golden_lookup(reader)
    finally:
        reader.close()
    assert len(reference) == 40
    misses = []
    for row in reference.itertuples(index=False):
        got = lookup.get((row.indicator, row.region, row.sector_id, row.period))
        if got is None or abs(got - row.value) > row.tolerance + 1e-9:
            misses.append((row.figure_id, got, row.value))
    assert not misses, misses


def test_the_checks_ran_and_passed(published):
    rows = published.execute(
        "SELECT check_name, success FROM meta.check_results WHERE list_contains(?, check_name)",
        [list(CHECK_NAMES)],
    ).fetchall()
    assert sorted(rows) == sorted((name, True) for name in CHECK_NAMES)


def test_vat_stock_is_the_published_statistic_and_official(published):
    totals: dict[tuple[str, str, int], int] = {}
    with (FACTS_DIR / "statbel_vat_enterprises_by_province.csv").open(newline="") as handle:
        for r in csv.DictReader(handle):
            region = REFNIS_TO_NUTS.get(int(r["refnis_province"]))
            if region and r["nace_section"] in ("ALL", "C"):
                sector = "TOTAL" if r["nace_section"] == "ALL" else "C"
                key = (region, sector, int(r["year"]))
                totals[key] = totals.get(key, 0) + int(r["vat_enterprises"])
    rows = published.execute(
        "SELECT region_code, sector_code, year, value, obs_status FROM marts.fct_indicator_values "
        "WHERE indicator_id = 'vat_enterprises' AND sector_code IN ('TOTAL', 'C') "
        "AND region_code <> 'BE2'"
    ).fetchall()
    got = {(r[0], r[1], r[2]): r[3] for r in rows}
    assert got == totals
    assert {r[4] for r in rows} == {"official"}
    assert 2022 not in {r[2] for r in rows}  # the known gap stays a gap


def test_employment_rate_statuses_follow_the_manifest(published):
    real = {}
    with (FACTS_DIR / "eurostat_employment_rate_20_64_nuts2.csv").open(newline="") as handle:
        for r in csv.DictReader(handle):
            status = "estimated" if r["flag"] == "e" else "official"
            real[(r["geo"], int(r["year"]))] = (float(r["value"]), status)
    rows = published.execute(
        "SELECT region_code, year, value, obs_status FROM marts.fct_indicator_values "
        "WHERE indicator_id = 'employment_rate_20_64'"
    ).fetchall()
    for region, year, value, status in rows:
        if (region, year) in real:
            assert (value, status) == real[(region, year)], (region, year)
        else:
            assert status == "modelled", (region, year)
    assert {r[0] for r in rows if r[3] == "modelled"} == {"BE2"}
    assert {(r[0], r[1]) for r in rows if r[3] == "estimated"} == {
        ("BE24", year) for year in range(2021, 2025)
    }


def test_modelled_sources_are_never_official(published):
    rows = published.execute(
        "SELECT indicator_id, string_agg(DISTINCT obs_status, ',' ORDER BY obs_status) "
        "FROM marts.fct_indicator_values "
        "WHERE indicator_id IN ('establishments_with_staff', 'job_seekers_rate_18_64') GROUP BY 1"
    ).fetchall()
    assert dict(rows) == {
        "establishments_with_staff": "modelled",
        # VDAB: modelled before 2014, derived from the real municipal figures from 2014
        "job_seekers_rate_18_64": "derived,modelled",
    }


def test_gdp_per_inhabitant_sources_are_compared(published):
    preferred = published.execute(
        "SELECT preferred_source_id FROM marts.dim_indicator "
        "WHERE indicator_id = 'gdp_per_inhabitant'"
    ).fetchall()
    assert preferred == [("nbb_regaca38",)]
    rows = published.execute(
        "SELECT other_vintage, count(*), max(abs(diff_pct)) "
        "FROM marts.fct_indicator_source_comparison "
        "WHERE indicator_id = 'gdp_per_inhabitant' AND shown_source_id = 'nbb_regaca38' "
        "AND other_source_id = 'eurostat_gdp_per_inhabitant' GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert len(rows) == 2  # the old real vintage and the current one
    old, current = rows
    assert str(old[0]) == "2020-03-06" and old[1] > 0
    assert current[2] < 1  # rounded to EUR 100: well within 1%


def test_breaks_and_gaps_are_flagged(published):
    rows = published.execute(
        "SELECT DISTINCT flag_id FROM marts.fct_indicator_value_flags ORDER BY 1"
    ).fetchall()
    assert {
        "lfs_redesign_2017",
        "lfs_redesign_2021",
        "vat_lawyers_2014",
        "vat_stock_2022_missing",
    } <= {r[0] for r in rows}
    (after_gap,) = published.execute(
        "SELECT DISTINCT year FROM marts.fct_indicator_value_flags "
        "WHERE flag_id = 'vat_stock_2022_missing'"
    ).fetchall()
    assert after_gap == (2023,)


def test_table_1_employment_change_is_flagged_as_crossing_the_lfs_breaks(published):
    rows = published.execute(
        "SELECT flag_id FROM marts.fct_indicator_change_flags "
        "WHERE indicator_id = 'employment_rate_20_64' AND region_code = 'BE22' "
        "AND sector_code = 'TOTAL' AND from_year = 2013 AND to_year = 2023 ORDER BY 1"
    ).fetchall()
    assert rows == [("lfs_redesign_2017",), ("lfs_redesign_2021",)]
