"""Wrong values never publish: every indicator value is checked for its domain (not negative,
rates within 0-100, no year in the future) and every level series for its year-on-year move,
over every source and vintage. Each broken case fails the check, naming indicator, region and
year; the good case passes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from expectations import run_checks

CHECKS = ["indicator_values_in_domain", "level_growth_within_bounds"]
UNITS = {
    "population": ("persons", "level"),
    "gross_value_added": ("million EUR, current prices", "level"),
    "job_seekers_rate_18_64": ("%", "rate"),
    "vat_starters": ("enterprises", "level"),
}


def _good() -> pd.DataFrame:
    rows = []
    for year in range(2003, 2024):
        grow = 1.005 ** (year - 2003)
        rows += [
            ("population", "BE", "TOTAL", year, 10_400_000 * grow),
            ("population", "BE22", "TOTAL", year, 800_000 * grow),
            ("gross_value_added", "BE22", "C", year, 5_000 * 1.02 ** (year - 2003)),
            ("job_seekers_rate_18_64", "BE22", "TOTAL", year, 8.0),
            ("vat_starters", "BE22", "TOTAL", year, 6_000 * 1.03 ** (year - 2003)),
        ]
    df = pd.DataFrame(rows, columns=["indicator_id", "region_code", "sector_code", "year", "value"])
    df["source_id"] = "nbb_regaca38"
    df["vintage"] = pd.Timestamp("2026-11-27").date()
    return df


def _build(tmp_path: Path, values: pd.DataFrame) -> Path:
    path = tmp_path / "build.duckdb"
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        con.register("v", values)
        con.execute("create table marts.fct_indicator_values_all_sources as select * from v")
        con.execute("create table marts.fct_indicator_values as select * from v")
        units = pd.DataFrame(
            [(k, u, kind) for k, (u, kind) in UNITS.items()],
            columns=["indicator_id", "unit", "indicator_kind"],
        )
        con.register("u", units)
        con.execute("create table marts.dim_indicator as select * from u")
    finally:
        con.close()
    return path


def _failing(path: Path) -> dict[str, str]:
    report = run_checks(path, only=CHECKS)
    return {r.name: r.details for r in report.results if not r.success}


def test_a_consistent_build_passes(tmp_path: Path) -> None:
    assert _failing(_build(tmp_path, _good())) == {}


def test_a_published_value_that_strays_from_its_source_fails(tmp_path: Path) -> None:
    """Broken in the published facts only, the sources intact: still caught."""
    path = _build(tmp_path, _good())
    con = duckdb.connect(str(path))
    try:
        con.execute(
            "update marts.fct_indicator_values set value = -5 where indicator_id = 'population' "
            "and region_code = 'BE22' and year = 2010"
        )
    finally:
        con.close()
    details = _failing(path)["indicator_values_in_domain"]
    assert "population BE22 TOTAL 2010" in details


def test_a_negative_population_fails_naming_indicator_region_and_year(tmp_path: Path) -> None:
    values = _good()
    row = (
        (values["indicator_id"] == "population")
        & (values["region_code"] == "BE")
        & (values["year"] == 2005)
    )
    values.loc[row, "value"] = -values.loc[row, "value"]
    failing = _failing(_build(tmp_path, values))
    assert "population BE TOTAL 2005" in failing["indicator_values_in_domain"]
    assert "not negative" in failing["indicator_values_in_domain"]
    assert "level_growth_within_bounds" in failing  # the sign flip is also a jump


def test_a_future_year_fails(tmp_path: Path) -> None:
    future = pd.DataFrame(
        [("population", "BE", "TOTAL", 2099, 99_999_999.0, "nbb_regaca38", _good()["vintage"][0])],
        columns=_good().columns,
    )
    failing = _failing(_build(tmp_path, pd.concat([_good(), future])))
    details = failing["indicator_values_in_domain"]
    assert "population BE TOTAL 2099" in details
    assert f"year within 1995-{datetime.now(UTC).year}" in details


def test_a_rate_above_100_fails(tmp_path: Path) -> None:
    values = _good()
    values.loc[values["indicator_id"] == "job_seekers_rate_18_64", "value"] = 120.0
    assert (
        "a rate is at most 100%" in _failing(_build(tmp_path, values))["indicator_values_in_domain"]
    )


@pytest.mark.parametrize(
    ("indicator", "region", "sector", "factor"),
    [
        ("population", "BE22", "TOTAL", 1.2),  # +20% in a year
        ("gross_value_added", "BE22", "C", 0.5),  # halved
        ("vat_starters", "BE22", "TOTAL", 3.0),
    ],
)
def test_a_level_jump_fails_the_growth_check(tmp_path, indicator, region, sector, factor) -> None:
    values = _good()
    row = (
        (values["indicator_id"] == indicator)
        & (values["region_code"] == region)
        & (values["year"] >= 2015)
    )
    values.loc[row, "value"] *= factor
    details = _failing(_build(tmp_path, values))["level_growth_within_bounds"]
    assert f"{indicator} {region} {sector} 2015" in details
