"""Values move within bounds: employees' year-on-year growth (except where a seed says why not),
the labour-market rates' range and yearly moves (except at a known series break), and VAT
starters never above the stock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import great_expectations.expectations as gxe
import pandas as pd

from expectations.known_exceptions import (
    BREAKS_CSV,
    EXCEPTION_KEY,
    EXCEPTIONS_CSV,
    flagged,
    load_breaks,
    load_growth_exceptions,
    with_growth_bounds,
)
from expectations.reader import MARTS, BuildReader, indicator_values
from expectations.report import CheckResult
from expectations.sectors import GROWTH_CHECKED_SECTORS
from expectations.validation import GxValidator, Rule, fmt, growth_bound_rules

FACTS = "fct_indicator_values"

# --- employees' growth ----------------------------------------------------------------------

INDICATOR = "employees"

DEFAULT_MIN_GROWTH_PCT = -25.0

DEFAULT_MAX_GROWTH_PCT = 25.0


def growth_frame(reader: BuildReader, exceptions: pd.DataFrame) -> pd.DataFrame:
    fact = reader.table("fct_indicator_values", MARTS)
    sql = f"""
        with v as (
            select region_code, sector_code, year, value
            from {fact}
            where indicator_id = ? and list_contains(?, sector_code) and value is not null
        ),
        g as (
            select region_code, sector_code, year, value,
                   lag(value) over w as prev_value, lag(year) over w as prev_year
            from v
            window w as (partition by region_code, sector_code order by year)
        )
        select ? as indicator_id, region_code, sector_code, year, prev_value, value,
               case when prev_value = 0 and value = 0 then 0.0
                    when prev_value = 0 then null
                    else 100 * (value / prev_value - 1) end as growth_pct
        from g
        where prev_year = year - 1
        order by region_code, sector_code, year
    """
    growth = reader.df(sql, [INDICATOR, list(GROWTH_CHECKED_SECTORS), INDICATOR])
    return with_growth_bounds(growth, exceptions, (DEFAULT_MIN_GROWTH_PCT, DEFAULT_MAX_GROWTH_PCT))


def check_growth_within_bounds(
    reader: BuildReader, validator: GxValidator, csv_path: Path = EXCEPTIONS_CSV
) -> CheckResult:
    exceptions, origin = load_growth_exceptions(reader, csv_path)
    df = growth_frame(reader, exceptions)
    applied = df["exception_reason"].notna()
    used = df.loc[applied, EXCEPTION_KEY].drop_duplicates()
    unused = exceptions.merge(used, on=EXCEPTION_KEY, how="left", indicator=True)
    unused = unused[unused["_merge"] == "left_only"]
    rules = growth_bound_rules()

    def describe(row: dict[str, Any]) -> str:
        return (
            f"{row['region_code']} {row['sector_code']} {row['year']}:"
            f" {fmt(row['prev_value'], 0)} -> {fmt(row['value'], 0)}"
            f" ({fmt(row['growth_pct'], 1, pct=True)}, bounds"
            f" {fmt(row['min_growth_pct'], 0)}..{fmt(row['max_growth_pct'], 0)}%)"
        )

    note = (
        f"(Default bounds {DEFAULT_MIN_GROWTH_PCT:+.0f}%..{DEFAULT_MAX_GROWTH_PCT:+.0f}%;"
        f" {int(applied.sum())} exceptions applied from {origin}"
    )
    if not unused.empty:
        names = ", ".join(
            f"{r.region_code} {r.sector_code} {r.year}" for r in unused.itertuples(index=False)
        )
        note += f"; unused exceptions: {names}"
    note += ".)"
    return validator.validate(
        "employees_growth_within_bounds",
        df,
        rules,
        describe,
        noun="year-on-year changes",
        note=note,
    )


# --- labour-market rates --------------------------------------------------------------------

# Largest year-on-year move of a rate, in percentage points, outside a series break. The
# job-seekers rate is an administrative count; the employment rate comes from a sample survey
# whose provincial figures move by up to about 3 points in a normal year.
RATE_MAX_JUMP_PPT = {"job_seekers_rate_18_64": 1.5, "employment_rate_20_64": 3.5}

BREAK_MAX_JUMP_PPT = 8.0

EPSILON = 1e-9


def rates_frame(reader: BuildReader, breaks: pd.DataFrame) -> pd.DataFrame:
    facts = indicator_values(reader, tuple(RATE_MAX_JUMP_PPT))
    facts = facts.sort_values(["indicator_id", "region_code", "sector_code", "year"])
    group = facts.groupby(["indicator_id", "region_code", "sector_code"], sort=False)
    facts["prev_year"] = group["year"].shift(1)
    facts["prev_value"] = group["value"].shift(1)
    consecutive = facts["prev_year"] == facts["year"] - 1
    facts["jump_ppt"] = (facts["value"] - facts["prev_value"]).where(consecutive)
    facts["abs_jump_ppt"] = facts["jump_ppt"].abs().fillna(0.0)
    at_break = [
        int(r.year) in flagged(breaks, "break", r.indicator_id, r.region_code, r.sector_code)
        for r in facts.itertuples(index=False)
    ]
    facts["at_break"] = at_break
    facts["max_jump_ppt"] = [
        BREAK_MAX_JUMP_PPT if brk else RATE_MAX_JUMP_PPT[ind]
        for ind, brk in zip(facts["indicator_id"], facts["at_break"], strict=True)
    ]
    facts["max_jump_ppt"] = facts["max_jump_ppt"].astype("float64") + EPSILON
    return facts.drop(columns=["prev_year"]).reset_index(drop=True)


def check_rates_within_bounds(
    reader: BuildReader, validator: GxValidator, csv_path: Path = BREAKS_CSV
) -> CheckResult:
    breaks, origin = load_breaks(reader, csv_path)
    df = rates_frame(reader, breaks)
    rules = [
        Rule(
            "both rates present",
            gxe.ExpectColumnDistinctValuesToEqualSet(
                column="indicator_id", value_set=list(RATE_MAX_JUMP_PPT)
            ),
        ),
        Rule(
            "rate within 0-100",
            gxe.ExpectColumnValuesToBeBetween(column="value", min_value=0, max_value=100),
        ),
        Rule(
            "year-on-year move within bounds",
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="max_jump_ppt", column_B="abs_jump_ppt", or_equal=True
            ),
        ),
    ]

    def describe(row: dict[str, Any]) -> str:
        return (
            f"{row['indicator_id']} {row['region_code']} {row['year']}: {fmt(row['value'], 1)}%"
            f" (from {fmt(row['prev_value'], 1)}%, move {fmt(row['jump_ppt'], 1)} ppt,"
            f" bound {fmt(row['max_jump_ppt'], 1)}"
            f"{', at a seeded break' if row['at_break'] else ''})"
        )

    bounds = ", ".join(f"{k} ±{v:g} ppt" for k, v in RATE_MAX_JUMP_PPT.items())
    note = f"(Bounds {bounds}; ±{BREAK_MAX_JUMP_PPT:g} ppt at the breaks of {origin}.)"
    return validator.validate(
        "labour_market_rates_within_bounds", df, rules, describe, noun="rate values", note=note
    )


# --- starters against the stock ------------------------------------------------------------


def check_starters_within_stock(reader: BuildReader, validator: GxValidator) -> CheckResult:
    fact = reader.table(FACTS, MARTS)
    df = reader.df(
        f"""select s.region_code, s.sector_code, s.year, s.value as starters,
                   e.value as stock, s.obs_status as starters_status
            from {fact} s
            join {fact} e
              on e.indicator_id = 'vat_enterprises' and s.region_code = e.region_code
             and s.sector_code = e.sector_code and s.year = e.year
            where s.indicator_id = 'vat_starters'
            order by s.region_code, s.sector_code, s.year"""
    )
    for column in ("starters", "stock"):
        df[column] = df[column].astype("float64")
    rules = [
        Rule("starters and stock both present", gxe.ExpectTableRowCountToBeBetween(min_value=1)),
        Rule(
            "starters not negative",
            gxe.ExpectColumnValuesToBeBetween(column="starters", min_value=0),
        ),
        Rule(
            "starters <= stock",
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="stock", column_B="starters", or_equal=True
            ),
        ),
    ]

    def describe(row: dict[str, Any]) -> str:
        return (
            f"{row['region_code']} {row['sector_code']} {row['year']}: starters"
            f" {fmt(row['starters'], 0)} vs stock {fmt(row['stock'], 0)}"
        )

    return validator.validate(
        "vat_starters_within_stock", df, rules, describe, noun="region-sector-years"
    )
