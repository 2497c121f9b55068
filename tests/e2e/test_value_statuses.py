"""Every value of the article marts has a status beside it, and the source comparison says
where both sides are the same model."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.e2e.conftest import Refresh
from warehouse.config import DataPaths

pytestmark = pytest.mark.e2e

STATUSES = {"official", "provisional", "derived", "modelled"}
# (mart, value column, its status column)
PAIRS = [
    ("article_figure_2_labour_market_rates", "flemish_job_seekers_rate_18_64",
     "flemish_job_seekers_rate_status"),
    ("article_figure_2_labour_market_rates", "flemish_employment_rate_20_64",
     "flemish_employment_rate_status"),
    ("article_table_1_key_figures", "reference_value_base", "reference_value_base_status"),
    ("article_figure_1_employment_vs_salk", "employees_vs_salk_scenario",
     "employees_vs_salk_scenario_status"),
]  # fmt: skip


@pytest.fixture(scope="module")
def con(good_run: Refresh, data_dir: Path):
    assert good_run.returncode == 0, good_run.describe()
    connection = duckdb.connect(str(DataPaths(data_dir).published), read_only=True)
    yield connection
    connection.close()


@pytest.mark.parametrize(("mart", "value", "status"), PAIRS, ids=[p[1] for p in PAIRS])
def test_each_value_has_its_status(con, mart: str, value: str, status: str) -> None:
    rows = con.execute(f"SELECT {value}, {status} FROM marts.{mart}").fetchall()
    with_value = [s for v, s in rows if v is not None]
    assert with_value and set(with_value) <= STATUSES
    assert all(s is None for v, s in rows if v is None)


def test_the_flemish_status_is_the_flemish_rows_own(con) -> None:
    """Figure 2's Flemish columns carry the status of BE2's own row, year by year."""
    mismatched = con.execute(
        "SELECT count(*) FROM marts.article_figure_2_labour_market_rates AS f "
        "JOIN marts.article_figure_2_labour_market_rates AS flanders "
        "ON flanders.region_code = 'BE2' AND f.year = flanders.year "
        "WHERE f.flemish_employment_rate_status IS DISTINCT FROM flanders.employment_rate_status "
        "OR f.flemish_job_seekers_rate_status IS DISTINCT FROM flanders.job_seekers_rate_status"
    ).fetchone()[0]
    assert mismatched == 0


def test_the_source_comparison_flags_the_same_model_on_both_sides(con) -> None:
    rows = con.execute(
        "SELECT shown_status, other_status, both_modelled "
        "FROM marts.fct_indicator_source_comparison"
    ).fetchall()
    assert rows
    assert all(both == (a == "modelled" and b == "modelled") for a, b, both in rows)
    # NBB's modelled B1QCAP against Eurostat's real figures: never the same model twice
    assert not any(both for *_, both in rows)
    assert {b for _, b, _ in rows} <= {"official", "provisional"}


def test_the_modelled_gdp_per_inhabitant_rounds_to_eurostats(con) -> None:
    (largest, regions, years) = con.execute(
        "SELECT max(abs(diff_abs)), count(DISTINCT region_code), count(DISTINCT year) "
        "FROM marts.fct_indicator_source_comparison "
        "WHERE indicator_id = 'gdp_per_inhabitant' AND other_vintage = ("
        "  SELECT max(other_vintage) FROM marts.fct_indicator_source_comparison)"
    ).fetchone()
    assert largest < 50  # Eurostat rounds to EUR 100
    assert (regions, years) == (7, 20)  # BE, BE2 and the provinces, 2003-2022
