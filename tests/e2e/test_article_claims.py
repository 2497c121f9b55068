"""The article's statements in words hold on the published snapshot build, and each one fails
its check when its data is broken on purpose (on a copy of the build)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from expectations import run_checks
from expectations.claims import CLAIMS, claims_frame
from expectations.reader import BuildReader
from tests.e2e.conftest import Refresh
from warehouse.config import DataPaths

pytestmark = pytest.mark.e2e

FACT = "marts.fct_indicator_values"
GAP = "marts.fct_gap_to_region"
TABLE_2 = "marts.article_table_2_employment_by_sector"


def _set(indicator: str, region: str, year: int, value: str, sector: str = "TOTAL") -> str:
    return (
        f"UPDATE {FACT} SET value = {value} WHERE indicator_id = '{indicator}' "
        f"AND region_code = '{region}' AND sector_code = '{sector}' AND year = {year}"
    )


# One break per claim: the smallest change to the data that makes the statement false.
BREAKS = {
    "C01": _set("job_seekers_rate_18_64", "BE22", 2020, "12.0"),
    "C02": _set("job_seekers_rate_18_64", "BE22", 2024, "7.5"),
    "C03": _set("employment_rate_20_64", "BE22", 2015, "70.0"),
    "C04": _set("employment_rate_20_64", "BE2", 2023, "85.0"),
    "C05": _set("employment_rate_20_64", "BE22", 2024, "80.0"),
    "C06": f"UPDATE {GAP} SET gap_pct = -20 WHERE indicator_id = 'gva_per_hour' "
    "AND region_code = 'BE22' AND sector_code = 'TOTAL' AND year = 2013 "
    "AND reference_region_code = 'BE2'",
    "C07": f"UPDATE {GAP} SET gap_pct = 0 WHERE indicator_id = 'gdp_per_inhabitant' "
    "AND region_code = 'BE22' AND sector_code = 'TOTAL' AND year = 2023 "
    "AND reference_region_code = 'BE2'",
    "C08": _set("manufacturing_share_of_employees", "BE21", 2023, "1.0", "C"),
    "C09": _set("manufacturing_share_of_employees", "BE22", 2023, "14.0", "C"),
    "C10": _set("manufacturing_share_of_employees", "BE22", 2010, "5.0", "C"),
    "C11": _set("manufacturing_share_of_gva", "BE23", 2023, "60.0", "C"),
    "C12": f"UPDATE {TABLE_2} SET change_pct = -50 WHERE region_code = 'BE22' "
    "AND sector_code = 'hospitality'",
    "C13": f"UPDATE {TABLE_2} SET change_abs = -99999 WHERE region_code = 'BE22' AND row_order = 1",
    "C14": f"UPDATE {FACT} SET value = value * 1.5 WHERE indicator_id = 'vat_starters' "
    "AND region_code = 'BE22' AND sector_code = 'TOTAL' AND year = 2018",
    "C15": f"UPDATE {FACT} SET value = value * 3 WHERE indicator_id = 'vat_enterprises' "
    "AND region_code = 'BE22' AND sector_code = 'TOTAL' AND year = 2023",
}


@pytest.fixture(scope="module")
def published(good_run: Refresh, data_dir: Path) -> Path:
    assert good_run.returncode == 0, good_run.describe()
    return DataPaths(data_dir).published


def _broken_copy(published: Path, folder: Path, sql: str) -> Path:
    copy = folder / "warehouse.duckdb"
    shutil.copyfile(published, copy)
    con = duckdb.connect(str(copy))
    try:
        changed = con.execute(sql).fetchone()[0]
        assert changed >= 1, f"the break changed nothing: {sql}"
    finally:
        con.close()
    return copy


def _frame(db: Path):
    reader = BuildReader.open(db)
    try:
        return claims_frame(reader).set_index("claim_id")
    finally:
        reader.close()


def test_every_claim_holds_on_the_published_build(published: Path) -> None:
    frame = _frame(published)
    assert list(frame.index) == [c.claim_id for c in CLAIMS] == sorted(BREAKS)
    failing = frame[~frame.holds]
    assert failing.empty, failing.to_dict("index")


@pytest.mark.parametrize("claim_id", sorted(BREAKS))
def test_a_claim_fails_when_its_data_is_broken(
    published: Path, tmp_path: Path, claim_id: str
) -> None:
    frame = _frame(_broken_copy(published, tmp_path, BREAKS[claim_id]))
    assert not frame.loc[claim_id, "holds"], frame.loc[claim_id, "observed"]
    # The break is this claim's alone.
    assert frame.drop(index=claim_id).holds.all(), frame[~frame.holds].to_dict("index")


def test_the_check_names_the_broken_claim(published: Path, tmp_path: Path) -> None:
    copy = _broken_copy(published, tmp_path, BREAKS["C09"])
    (result,) = run_checks(copy, only=["article_claims_hold"]).results
    assert not result.success
    assert "C09 In 2023 Limburg's manufacturing share of employees" in result.details
    assert "BE22 14.0% against BE2" in result.details
