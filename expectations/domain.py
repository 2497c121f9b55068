"""Every indicator value in its domain, before publishing: counts, levels and ratios not
negative, rates within 0-100, no year before 1995 or after the year of the build; and every
level series (TOTAL and manufacturing, every region) moving year on year within bounds, except
where a growth-exceptions seed row says why. Checked over every source and vintage
(`fct_indicator_values_all_sources`), so a wrong value cannot hide in a non-preferred source,
and over the published facts themselves (`fct_indicator_values`), so a value that strays
from its source on the way is caught too.

Employees have their own growth check (`employees_growth_within_bounds`)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import great_expectations.expectations as gxe
import pandas as pd

from expectations.known_exceptions import (
    EXCEPTIONS_CSV,
    load_growth_exceptions,
    with_growth_bounds,
)
from expectations.reader import MARTS, BuildReader
from expectations.report import CheckResult
from expectations.validation import GxValidator, Rule, fmt, growth_bound_rules

__all__ = [
    "FIRST_YEAR",
    "LEVEL_GROWTH_BOUNDS",
    "check_levels_growth_within_bounds",
    "check_values_in_domain",
]

FIRST_YEAR = 1995  # the ESA 2010 regional accounts start here; nothing the warehouse reads is older

# Year-on-year growth bounds (%) of each level series, TOTAL and C. Wide enough for 2009 and
# 2020; a real jump beyond them is a growth_exceptions seed row with its reason.
LEVEL_GROWTH_BOUNDS = {
    "population": (-5.0, 5.0),
    "hours_worked": (-25.0, 25.0),
    "employees_hours_worked": (-25.0, 25.0),
    "gross_value_added": (-25.0, 30.0),
    "gdp_per_inhabitant": (-20.0, 25.0),
    "vat_enterprises": (-20.0, 20.0),
    "establishments_with_staff": (-20.0, 20.0),
    "vat_starters": (-50.0, 75.0),
}
LEVEL_SECTORS = ("TOTAL", "C")
ALL_SOURCES = "fct_indicator_values_all_sources"
PUBLISHED = "fct_indicator_values"
_KEY = "indicator_id, region_code, sector_code, year, value, source_id, vintage"


def _series(reader: BuildReader) -> pd.DataFrame:
    """One row per series (indicator, region, sector, source, vintage) with its extremes, the
    years they fall in and its value count: a series is in its domain exactly when its
    extremes are, so millions of values reach GX as thousands of rows."""
    every_source = reader.table(ALL_SOURCES, MARTS)
    published = reader.table(PUBLISHED, MARTS)
    indicators = reader.table("dim_indicator", MARTS)
    # union all: a published value equal to its source's is counted twice but judged the same
    df = reader.df(
        f"""select f.indicator_id, f.region_code, f.sector_code, f.source_id,
                   cast(f.vintage as varchar) as vintage, any_value(i.unit) as unit,
                   count(*) filter (where f.is_source) as n_values,
                   count(*) - count(f.value) as n_unknown,
                   min(f.value) as min_value, arg_min(f.year, f.value) as year_of_min,
                   max(f.value) as max_value, arg_max(f.year, f.value) as year_of_max,
                   min(f.year) as first_year, arg_min(f.value, f.year) as value_of_first,
                   max(f.year) as last_year, arg_max(f.value, f.year) as value_of_last,
                   min(f.year) filter (where f.value is null) as year_of_unknown
            from (
                select {_KEY}, true as is_source from {every_source}
                union all
                select {_KEY}, false as is_source from {published}
            ) as f
            join {indicators} as i on f.indicator_id = i.indicator_id
            group by all
            order by all"""
    )
    for column in ("min_value", "max_value", "value_of_first", "value_of_last"):
        df[column] = df[column].astype("float64")
    for column in ("first_year", "last_year", "n_values", "n_unknown"):
        df[column] = df[column].astype("int64")
    return df


def check_values_in_domain(
    reader: BuildReader, validator: GxValidator, now: datetime | None = None
) -> CheckResult:
    df = _series(reader)
    last_year = (now or datetime.now(UTC)).year
    is_rate = df["unit"] == "%"
    df["max_allowed"] = is_rate.map({True: 100.0, False: float("inf")}).astype("float64")
    df["all_known"] = df["n_unknown"] == 0
    df["above_min"] = df["min_value"].isna() | (df["min_value"] >= 0.0)
    df["below_max"] = df["max_value"].isna() | (df["max_value"] <= df["max_allowed"])
    year_rule = f"year within {FIRST_YEAR}-{last_year} (no future year)"
    rules = [
        Rule("values present", gxe.ExpectTableRowCountToBeBetween(min_value=1)),
        Rule("value known", gxe.ExpectColumnValuesToBeInSet(column="all_known", value_set=[True])),
        Rule(
            "not negative (counts, levels, ratios, rates)",
            gxe.ExpectColumnValuesToBeInSet(column="above_min", value_set=[True]),
        ),
        Rule(
            "a rate is at most 100%",
            gxe.ExpectColumnValuesToBeInSet(column="below_max", value_set=[True]),
        ),
        Rule(
            year_rule, gxe.ExpectColumnValuesToBeBetween(column="first_year", min_value=FIRST_YEAR)
        ),
        Rule(year_rule, gxe.ExpectColumnValuesToBeBetween(column="last_year", max_value=last_year)),
    ]

    def describe(row: dict[str, Any]) -> str:
        # the value that breaks the domain, where one does
        if row["n_unknown"]:
            year, value = row["year_of_unknown"], None
        elif not row["above_min"]:
            year, value = row["year_of_min"], row["min_value"]
        elif not row["below_max"]:
            year, value = row["year_of_max"], row["max_value"]
        elif row["first_year"] < FIRST_YEAR:
            year, value = row["first_year"], row["value_of_first"]
        else:
            year, value = row["last_year"], row["value_of_last"]
        return (
            f"{row['indicator_id']} {row['region_code']} {row['sector_code']} {year}:"
            f" {fmt(value, 2)} {row['unit']} ({row['source_id']}, vintage {row['vintage']})"
        )

    note = (
        f"({int(df['n_values'].sum()):,} values in {len(df):,} series; rates in % within 0-100,"
        f" everything else >= 0; years {FIRST_YEAR}-{last_year}.)"
    )
    return validator.validate(
        "indicator_values_in_domain", df, rules, describe, noun="series", note=note
    )


def growth_frame(reader: BuildReader, exceptions: pd.DataFrame) -> pd.DataFrame:
    facts = reader.table(ALL_SOURCES, MARTS)
    sql = f"""
        with v as (
            select indicator_id, region_code, sector_code, source_id, vintage, year, value
            from {facts}
            where list_contains(?, indicator_id) and list_contains(?, sector_code)
        ),
        g as (
            select *, lag(value) over w as prev_value, lag(year) over w as prev_year
            from v
            window w as (
                partition by indicator_id, region_code, sector_code, source_id, vintage
                order by year
            )
        )
        select indicator_id, region_code, sector_code, year, source_id,
               cast(vintage as varchar) as vintage, prev_value, value,
               case when prev_value = 0 and value = 0 then 0.0
                    when prev_value = 0 then null
                    else 100 * (value / prev_value - 1) end as growth_pct
        from g
        where prev_year = year - 1
        order by all
    """
    df = reader.df(sql, [list(LEVEL_GROWTH_BOUNDS), list(LEVEL_SECTORS)])
    return with_growth_bounds(df, exceptions, LEVEL_GROWTH_BOUNDS)


def check_levels_growth_within_bounds(
    reader: BuildReader, validator: GxValidator, csv_path: Path = EXCEPTIONS_CSV
) -> CheckResult:
    exceptions, origin = load_growth_exceptions(reader, csv_path)
    df = growth_frame(reader, exceptions)
    rules = growth_bound_rules()

    def describe(row: dict[str, Any]) -> str:
        return (
            f"{row['indicator_id']} {row['region_code']} {row['sector_code']} {row['year']}"
            f" ({row['source_id']}): {fmt(row['prev_value'], 1)} -> {fmt(row['value'], 1)}"
            f" ({fmt(row['growth_pct'], 1, pct=True)}, bounds"
            f" {fmt(row['min_growth_pct'], 0)}..{fmt(row['max_growth_pct'], 0)}%)"
        )

    bounds = ", ".join(f"{k} {lo:+g}..{hi:+g}%" for k, (lo, hi) in LEVEL_GROWTH_BOUNDS.items())
    note = f"(TOTAL and C; {bounds}; exceptions from {origin}.)"
    return validator.validate(
        "level_growth_within_bounds", df, rules, describe, noun="year-on-year changes", note=note
    )
