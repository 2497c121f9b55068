"""Golden: the article's regional-accounts figures come out of the published file, both through
the contract's fact tables and through the article-shaped marts (Tables 1 and 3, Figures 1
and 3)."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from expectations.article_figures import parse_indicator, regional_accounts_indicators
from tests.e2e.conftest import Refresh
from warehouse.config import DBT_PROJECT_DIR, DataPaths

pytestmark = pytest.mark.e2e

SEEDS = DBT_PROJECT_DIR / "seeds"
REGIONS = ("BE2", "BE21", "BE22", "BE23", "BE24", "BE25")

REGIONAL_ACCOUNTS_INDICATORS = regional_accounts_indicators()


def split_indicator(indicator: str, unit: str) -> tuple[str, str, str]:
    """The article indicator's id, fact table and column, as the golden checks read it."""
    parsed = parse_indicator(indicator, unit)
    return parsed.indicator_id, parsed.fact_table, parsed.fact_column


def _csv(name: str) -> list[dict[str, str]]:
    with (SEEDS / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


LABELS = {
    (r["label_family"], r["label_nl"]): r["sector_code"] for r in _csv("article_sector_labels.csv")
}


def _sector(row: dict[str, str]) -> str:
    family = (
        "table_3"
        if row["published_in"] == "table_3"
        or row["indicator"] == "share_of_manufacturing_employees"
        else "table_2"
    )
    return LABELS[(family, row["sector"])]


FIGURES = [
    r
    for r in _csv("ref_article_figures.csv")
    if r["tolerance"]
    and split_indicator(r["indicator"], r["unit"])[0] in REGIONAL_ACCOUNTS_INDICATORS
]


@pytest.fixture(scope="module")
def published(good_run: Refresh, data_dir: Path):
    assert good_run.returncode == 0, good_run.describe()
    con = duckdb.connect(str(DataPaths(data_dir).published), read_only=True)
    yield con
    con.close()


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    rows = con.execute(sql, params or []).fetchall()
    assert len(rows) == 1, f"{len(rows)} rows for {sql} {params}"
    return rows[0]


def _close(computed: float | None, row: dict[str, str]) -> None:
    assert computed is not None, f"{row['figure_id']}: no value"
    printed, tolerance = float(row["value"]), float(row["tolerance"])
    assert abs(computed - printed) <= tolerance + 1e-9, (
        f"{row['figure_id']}: {computed} vs printed {printed} ± {tolerance}"
    )


def test_every_regional_accounts_figure_is_checked() -> None:
    assert len(FIGURES) == 180
    assert len(TABLE_1) == 63  # 13 rows: values, changes, Flemish comparisons and gaps


@pytest.mark.parametrize("row", FIGURES, ids=[r["figure_id"] for r in FIGURES])
def test_figure_comes_out_of_the_fact_tables(published, row):
    indicator_id, table, column = split_indicator(row["indicator"], row["unit"])
    params: list = [indicator_id, row["region"], _sector(row)]
    if table == "fct_indicator_changes":
        where = "from_year = ? and to_year = ?"
        params += [int(y) for y in row["period"].split("-")]
    else:
        where = "year = ?"
        params.append(int(row["period"]))
    (value, status) = _one(
        published,
        f"select {column}, obs_status from marts.{table} where indicator_id = ?"
        f" and region_code = ? and sector_code = ? and {where}",
        params,
    )
    _close(value, row)
    assert status == "modelled"  # the embedded NBB snapshot is modelled throughout


# All 13 rows of Table 1, the enterprise and labour-market rows included.
TABLE_1 = [r for r in _csv("ref_article_figures.csv") if r["published_in"] == "table_1"]


@pytest.mark.parametrize("row", TABLE_1, ids=[r["figure_id"] for r in TABLE_1])
def test_table_1_figure_comes_out_of_the_article_mart(published, row):
    indicator_id, _, column = split_indicator(row["indicator"], row["unit"])
    sector = _sector(row)
    (
        base_year,
        end_year,
        value_base,
        value_end,
        change_abs,
        change_pct,
        change_ppt,
        ref_end,
        ref_pct,
        ref_ppt,
    ) = _one(
        published,
        "select base_year, end_year, value_base, value_end, change_abs, change_pct, change_ppt,"
        " reference_value_end, reference_change_pct, reference_change_ppt"
        " from marts.article_table_1_key_figures"
        " where region_code = 'BE22' and indicator_id = ? and sector_code = ?",
        [indicator_id, sector],
    )
    flemish = row["region"] == "BE2"
    if column == "value":
        year = int(row["period"])
        assert year in (base_year, end_year)
        if flemish:
            assert year == end_year
            computed = ref_end
        else:
            computed = value_base if year == base_year else value_end
    elif column == "change_abs":
        computed = change_abs
    elif column == "change_ppt":
        computed = ref_ppt if flemish else change_ppt
    elif column == "change_pct":
        computed = ref_pct if flemish else change_pct
    else:  # gap_pct
        gap_base, gap_end = _one(
            published,
            "select gap_pct_base, gap_pct_end from marts.article_table_1_key_figures"
            " where region_code = 'BE22' and indicator_id = ? and sector_code = ?",
            [indicator_id, sector],
        )
        computed = gap_base if int(row["period"]) == base_year else gap_end
    _close(computed, row)


TABLE_3 = [r for r in FIGURES if r["published_in"] == "table_3"]


@pytest.mark.parametrize("row", TABLE_3, ids=[r["figure_id"] for r in TABLE_3])
def test_table_3_figure_comes_out_of_the_article_mart(published, row):
    columns = {
        ("employees", "BE22"): "employees_end",
        ("employees_change_pct", "BE22"): "change_pct",
        ("employees_change_pct", "BE2"): "reference_change_pct",
        ("share_of_manufacturing_employees", "BE22"): "share_of_manufacturing_end",
        ("share_of_manufacturing_employees", "BE2"): "reference_share_of_manufacturing_end",
    }
    column = columns[(row["indicator"], row["region"])]
    (computed,) = _one(
        published,
        f"select {column} from marts.article_table_3_manufacturing_subsectors"
        " where region_code = 'BE22' and sector_code = ?",
        [_sector(row)],
    )
    _close(computed, row)


def test_tables_have_their_rows_for_every_region(published):
    for table, rows_per_region in (
        ("article_table_1_key_figures", 13),
        ("article_table_3_manufacturing_subsectors", 10),
    ):
        counts = dict(
            published.execute(
                f"select region_code, count(*) from marts.{table} group by 1"
            ).fetchall()
        )
        assert counts == dict.fromkeys(REGIONS, rows_per_region), table


def test_table_3_subsectors_add_up_to_manufacturing(published):
    for region in REGIONS:
        parts, whole = _one(
            published,
            "select sum(employees_end) filter (where sector_code <> 'C'),"
            " max(employees_end) filter (where sector_code = 'C'),"
            " from marts.article_table_3_manufacturing_subsectors where region_code = ?",
            [region],
        )
        assert parts == pytest.approx(whole, rel=1e-9), region


def test_figure_1_against_the_salk_scenario(published):
    rows = published.execute(
        "select year, employees, salk_scenario_employees, salk_scenario_basis,"
        " employees_status, salk_scenario_status"
        " from marts.article_figure_1_employment_vs_salk where region_code = 'BE22'"
        " order by year"
    ).fetchall()
    years = [r[0] for r in rows]
    assert years == list(range(2012, 2024))
    by_year = {r[0]: r for r in rows}
    base = by_year[2012][1]
    # The plan: 10,000 new jobs by 2017 against 8,000 lost, so net +2,000 on 2012.
    assert by_year[2017][2] == pytest.approx(base + 2000)
    assert by_year[2017][3] == "plan target"
    assert by_year[2012][2] == pytest.approx(base)
    assert by_year[2018][2] is None
    assert {r[4] for r in rows} == {"modelled"} and by_year[2017][5] == "modelled"
    other = _one(
        published,
        "select count(salk_scenario_employees) from marts.article_figure_1_employment_vs_salk"
        " where region_code <> 'BE22'",
    )
    assert other == (0,)


def test_figure_3_covers_every_region_from_2003(published):
    count, first, last, regions = _one(
        published,
        "select count(*), min(year), max(year), count(distinct region_code)"
        " from marts.article_figure_3_manufacturing_share_by_province",
    )
    assert (first, last, regions) == (2003, 2023, 6)
    assert count == 6 * 21
