"""The check that binds NBB's (modelled) employees by Eurostat's real employment: employees at
or below employment in every group, and moving with it in TOTAL and C."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from expectations import run_checks
from expectations.employment_bounds import GROWTH_GAP_PPT

CHECK = "employees_within_employment"


def _build(path: Path, rows: list[tuple]) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(
        """create table marts.fct_employment_by_nace_group (
               region_code varchar, nace_group_code varchar, year integer,
               employment_vintage date, employment double, employees double,
               employees_status varchar)"""
    )
    con.executemany(
        "insert into marts.fct_employment_by_nace_group values (?, ?, ?, ?, ?, ?, ?)", rows
    )
    con.close()
    return path


def _series(group: str, employment: list[float], employees: list[float]) -> list[tuple]:
    return [
        ("BE22", group, 2003 + i, "2020-09-02", emp, sal, "modelled")
        for i, (emp, sal) in enumerate(zip(employment, employees, strict=True))
    ]


GOOD_C = _series("C", [64300, 60000, 58800], [61000, 57100, 56000])
GOOD_A = _series("A", [8000, 7900, 7800], [5100, 5000, 4950])


def test_employees_below_and_along_employment_pass(tmp_path: Path) -> None:
    report = run_checks(_build(tmp_path / "w.duckdb", GOOD_C + GOOD_A), only=[CHECK])
    assert report.success, report.summary()
    assert report[CHECK].rows_checked == 6


def test_employees_above_employment_fail_and_are_named(tmp_path: Path) -> None:
    rows = GOOD_C + _series("A", [8000, 7900, 7800], [5100, 8100, 4950])
    result = run_checks(_build(tmp_path / "w.duckdb", rows), only=[CHECK])[CHECK]
    assert not result.success
    assert "BE22 A 2004: employees 8,100 (modelled) against employment 7,900" in result.details
    assert "employees <= employment" in result.details


@pytest.mark.parametrize("group", ["C", "TOTAL"])
def test_employees_straying_from_employments_path_fail(tmp_path: Path, group: str) -> None:
    # employment falls 1.9%, employees 6.9%: a gap beyond the bound
    assert GROWTH_GAP_PPT < 5.0
    rows = _series(group, [64300, 63100, 62000], [60000, 55860, 55000])
    result = run_checks(_build(tmp_path / "w.duckdb", rows), only=[CHECK])[CHECK]
    assert not result.success
    assert f"BE22 {group} 2004" in result.details
    assert "growth of employees within" in result.details


def test_a_sections_path_is_not_bound(tmp_path: Path) -> None:
    # outside TOTAL and C only the level is bound: small groups swing with rounding
    rows = _series("A", [8000, 7900, 7800], [5100, 4500, 4950])
    assert run_checks(_build(tmp_path / "w.duckdb", rows), only=[CHECK]).success


def test_a_build_without_the_mart_fails(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    duckdb.connect(str(path)).close()
    result = run_checks(path, only=[CHECK])[CHECK]
    assert not result.success
    assert "fct_employment_by_nace_group" in result.details
