"""The modelled employees bound by the real employment: NBB's employees (EMPLOY) are a part of
employment (Eurostat's EMP: employees plus self-employed, the regional accounts' own figures),
so in every region, Eurostat NACE group and year where both exist
(fct_employment_by_nace_group), employees stay at or below employment,
and in TOTAL and manufacturing they move with it year on year (within GROWTH_GAP_PPT)."""

from __future__ import annotations

from typing import Any

import great_expectations.expectations as gxe
import pandas as pd

from expectations.reader import MARTS, BuildReader
from expectations.report import CheckResult
from expectations.validation import GxValidator, Rule, fmt

__all__ = ["GROWTH_GAP_PPT", "check_employees_within_employment"]

# How far employees' year-on-year growth may stray from employment's (percentage points): the
# self-employed change too, but slowly.
GROWTH_GAP_PPT = 3.0
PATH_GROUPS = ("TOTAL", "C")


def _pairs(reader: BuildReader) -> pd.DataFrame:
    mart = reader.table("fct_employment_by_nace_group", MARTS)
    df = reader.df(
        f"""select region_code, nace_group_code, year,
                   cast(employment_vintage as varchar) as vintage, employment,
                   employees, employees_status
            from {mart}
            where employees is not null
            order by all"""
    )
    df["employment"] = df["employment"].astype("float64")
    df["employees"] = df["employees"].astype("float64")
    df["within"] = df["employees"] <= df["employment"]
    series = df.groupby(["region_code", "nace_group_code", "vintage"])
    consecutive = series["year"].diff() == 1
    gap = 100 * (series["employees"].pct_change() - series["employment"].pct_change())
    df["growth_gap_ppt"] = gap.where(consecutive & df["nace_group_code"].isin(PATH_GROUPS), 0.0)
    return df


def check_employees_within_employment(reader: BuildReader, validator: GxValidator) -> CheckResult:
    df = _pairs(reader)
    rules = [
        Rule(
            "employees and employment both present", gxe.ExpectTableRowCountToBeBetween(min_value=1)
        ),
        Rule(
            "employees <= employment",
            gxe.ExpectColumnValuesToBeInSet(column="within", value_set=[True]),
        ),
        Rule(
            f"TOTAL and C: growth of employees within ±{GROWTH_GAP_PPT:g} ppt of employment's",
            gxe.ExpectColumnValuesToBeBetween(
                column="growth_gap_ppt", min_value=-GROWTH_GAP_PPT, max_value=GROWTH_GAP_PPT
            ),
        ),
    ]

    def describe(row: dict[str, Any]) -> str:
        return (
            f"{row['region_code']} {row['nace_group_code']} {row['year']}: employees"
            f" {fmt(row['employees'], 0)} ({row['employees_status']}) against employment"
            f" {fmt(row['employment'], 0)} (Eurostat, vintage {row['vintage']}); growth gap"
            f" {fmt(row['growth_gap_ppt'], 1)} ppt"
        )

    note = (
        "(NBB's employees against every vintage of Eurostat's employment, nama_10r_3empers EMP,"
        " in every NACE group where both exist: fct_employment_by_nace_group.)"
    )
    return validator.validate(
        "employees_within_employment", df, rules, describe, noun="region-group-years", note=note
    )
