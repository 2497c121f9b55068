"""Totals are the sum of their parts: the raw totals NBB publishes (never recomputed downstream)
against the article's clusters and the provinces; and, for the counts of Statbel and RSZ,
the provinces against the Flemish Region."""

from __future__ import annotations

from typing import Any

import great_expectations.expectations as gxe

from expectations.reader import FLEMISH_REGIONS, MARTS, RAW, BuildReader
from expectations.report import CheckResult
from expectations.sectors import (
    FLEMISH_PROVINCE_NUTS,
    FLEMISH_REGION_NUTS,
    NBB_NUTS_TO_REGION,
    TABLE_2_CLUSTERS,
    TABLE_3_SUBSECTORS,
)
from expectations.validation import GxValidator, Rule, fmt

RAW_TABLE = "nbb_regaca38"
FACT_TABLE = "fct_indicator_values"
RELATIVE_TOLERANCE = 0.001  # 0.1 %

# Items whose provinces must add up to the Flemish Region, with their additive unit and the
# absolute slack that five rounded provincial figures may leave.
PROVINCE_ITEMS = {
    "EMPLOY": ("NP", 3.0),
    "B1G000": ("CU", 0.3),
    "HRWTOT": ("AB", 3.0),
}


def _latest_raw(raw: str) -> str:
    """The raw rows of the newest file only, annual and total-economy: the raw table may hold
    several vintages, and summing across them would double-count."""
    return f"""(
        select * from {raw}
        where upper(freq) = 'A' and upper(sector) = 'S1'
          and file_sha256 = (
              select file_sha256 from {raw} order by retrieved_at desc, file_sha256 limit 1)
    )"""


def _nuts_values() -> str:
    return ", ".join(f"('{nuts}', '{region}')" for nuts, region in NBB_NUTS_TO_REGION.items())


def check_parts_sum_to_raw_total(
    reader: BuildReader,
    validator: GxValidator,
    *,
    name: str,
    parts: tuple[str, ...],
    raw_branch: str,
    parts_noun: str,
) -> CheckResult:
    """Employees: for each region and year the parts in the fact table sum to the raw series."""
    raw = reader.table(RAW_TABLE, RAW)
    fact = reader.table(FACT_TABLE, MARTS)
    sql = f"""
        with nuts(nuts, region_code) as (values {_nuts_values()}),
        raw_total as (
            select n.region_code, try_cast(r.time_period as integer) as year,
                   sum(r.obs_value) as raw_total
            from {_latest_raw(raw)} r join nuts n on r.nuts = n.nuts
            where upper(r.item) = 'EMPLOY' and upper(r.branch) = ?
              and r.obs_value is not null
            group by all
        ),
        parts as (
            select region_code, year, sum(value) as parts_sum,
                   count(distinct sector_code) as n_parts,
                   string_agg(distinct sector_code, ',' order by sector_code) as parts_present
            from {fact}
            where indicator_id = 'employees' and list_contains(?, sector_code)
              and value is not null
            group by all
        )
        select t.region_code, t.year, t.raw_total, p.parts_sum, coalesce(p.n_parts, 0) as n_parts,
               p.parts_present,
               (p.parts_sum - t.raw_total) / nullif(t.raw_total, 0) as rel_diff
        from raw_total t left join parts p using (region_code, year)
        order by t.region_code, t.year
    """
    df = reader.df(sql, [raw_branch, list(parts)])
    rules = [
        Rule("raw totals present", gxe.ExpectTableRowCountToBeBetween(min_value=1)),
        Rule(
            f"the {len(parts)} {parts_noun} present",
            gxe.ExpectColumnValuesToBeBetween(
                column="n_parts", min_value=len(parts), max_value=len(parts)
            ),
        ),
        Rule("sum of parts computed", gxe.ExpectColumnValuesToNotBeNull(column="parts_sum")),
        Rule(
            f"relative difference within ±{RELATIVE_TOLERANCE:.1%}",
            gxe.ExpectColumnValuesToBeBetween(
                column="rel_diff", min_value=-RELATIVE_TOLERANCE, max_value=RELATIVE_TOLERANCE
            ),
        ),
    ]

    def describe(row: dict[str, Any]) -> str:
        rel = row["rel_diff"]
        return (
            f"{row['region_code']} {row['year']}: {parts_noun} sum {fmt(row['parts_sum'], 0)}"
            f" vs raw {raw_branch} {fmt(row['raw_total'], 0)}"
            f" (rel_diff {fmt(None if rel is None else 100 * rel, 3, pct=True)},"
            f" {row['n_parts']} parts)"
        )

    return validator.validate(name, df, rules, describe, noun="region-years")


def check_table_2_clusters(reader: BuildReader, validator: GxValidator) -> CheckResult:
    return check_parts_sum_to_raw_total(
        reader,
        validator,
        name="table_2_clusters_sum_to_total",
        parts=TABLE_2_CLUSTERS,
        raw_branch="TOT",
        parts_noun="clusters",
    )


def check_table_3_subsectors(reader: BuildReader, validator: GxValidator) -> CheckResult:
    return check_parts_sum_to_raw_total(
        reader,
        validator,
        name="table_3_subsectors_sum_to_manufacturing",
        parts=TABLE_3_SUBSECTORS,
        raw_branch="C",
        parts_noun="subsectors",
    )


def check_provinces_sum_to_flemish_region(
    reader: BuildReader, validator: GxValidator
) -> CheckResult:
    """Raw NBB: the five provinces add up to the Flemish Region per item, branch and year."""
    raw = reader.table(RAW_TABLE, RAW)
    items = ", ".join(
        f"('{item}', '{unit}', {slack})" for item, (unit, slack) in PROVINCE_ITEMS.items()
    )
    provinces = ", ".join(f"'{nuts}'" for nuts in FLEMISH_PROVINCE_NUTS)
    sql = f"""
        with items(item, unit, abs_slack) as (values {items}),
        cells as (
            select upper(r.item) as item, upper(r.branch) as branch, upper(r.sector) as sector,
                   try_cast(r.time_period as integer) as year,
                   sum(r.obs_value) filter (where r.nuts = '{FLEMISH_REGION_NUTS}')
                       as region_value,
                   count(r.obs_value) filter (where r.nuts = '{FLEMISH_REGION_NUTS}') as n_region,
                   sum(r.obs_value) filter (where r.nuts in ({provinces})) as provinces_sum,
                   count(r.obs_value) filter (where r.nuts in ({provinces})) as n_provinces,
                   any_value(i.abs_slack) as abs_slack
            from {_latest_raw(raw)} r
            join items i on upper(r.item) = i.item and upper(r.unit) = i.unit
            where r.nuts in ('{FLEMISH_REGION_NUTS}', {provinces})
            group by all
        )
        select item, branch, sector, year, region_value, provinces_sum, n_provinces, n_region,
               provinces_sum - region_value as diff,
               abs(provinces_sum - region_value) as abs_diff,
               greatest({RELATIVE_TOLERANCE} * abs(region_value), abs_slack) as allowed_diff,
               (provinces_sum - region_value) / nullif(region_value, 0) as rel_diff
        from cells
        order by item, branch, sector, year
    """
    cells = reader.df(sql)
    # A cell the publisher left empty cannot be verified: counted, not failed.
    complete = (cells["n_region"] == 1) & (cells["n_provinces"] == len(FLEMISH_PROVINCE_NUTS))
    df = cells[complete]
    skipped = int((~complete).sum())
    rules = [
        Rule("complete cells present", gxe.ExpectTableRowCountToBeBetween(min_value=1)),
        Rule(
            f"|provinces - BE2| within max({RELATIVE_TOLERANCE:.1%}, rounding slack)",
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="allowed_diff", column_B="abs_diff", or_equal=True
            ),
        ),
    ]

    def describe(row: dict[str, Any]) -> str:
        rel = row["rel_diff"]
        return (
            f"{row['item']} branch {row['branch']} {row['year']}: provinces"
            f" {fmt(row['provinces_sum'], 1)} vs BE2 {fmt(row['region_value'], 1)}"
            f" (diff {fmt(row['diff'], 1)}, rel_diff"
            f" {fmt(None if rel is None else 100 * rel, 3, pct=True)})"
        )

    note = f"({skipped} cells with a missing province or region value skipped.)" if skipped else ""
    return validator.validate(
        "provinces_sum_to_flemish_region",
        df,
        rules,
        describe,
        noun="item-branch-years",
        note=note,
    )


# --- counts: provinces against the Flemish Region -------------------------------------------

COUNTS = ("vat_enterprises", "vat_starters", "establishments_with_staff")

# Counts are whole numbers: provinces and region may only differ by rounding noise.
COUNT_SLACK = 0.5


def check_counts_provinces_sum_to_region(
    reader: BuildReader, validator: GxValidator
) -> CheckResult:
    fact = reader.table(FACT_TABLE, MARTS)
    region, *province_codes = FLEMISH_REGIONS
    provinces = ", ".join(f"'{p}'" for p in province_codes)
    df = reader.df(
        f"""select indicator_id, sector_code, year,
                   sum(value) filter (where region_code = '{region}') as region_value,
                   count(value) filter (where region_code = '{region}') as n_region,
                   coalesce(sum(value) filter (where region_code in ({provinces})), 0)
                       as provinces_sum,
                   count(value) filter (where region_code in ({provinces})) as n_provinces
            from {fact}
            where list_contains(?, indicator_id)
            group by all
            order by indicator_id, sector_code, year""",
        [list(COUNTS)],
    )
    for column in ("region_value", "provinces_sum"):
        df[column] = df[column].astype("float64")
    df["abs_diff"] = (df["provinces_sum"] - df["region_value"]).abs()
    df["allowed_diff"] = COUNT_SLACK
    rules = [
        Rule(
            "every count indicator present",
            gxe.ExpectColumnDistinctValuesToEqualSet(column="indicator_id", value_set=list(COUNTS)),
        ),
        Rule(
            "the Flemish Region has a value",
            gxe.ExpectColumnValuesToBeBetween(column="n_region", min_value=1, max_value=1),
        ),
        Rule(
            f"|provinces - BE2| <= {COUNT_SLACK}",
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="allowed_diff", column_B="abs_diff", or_equal=True
            ),
        ),
    ]

    def describe(row: dict[str, Any]) -> str:
        return (
            f"{row['indicator_id']} {row['sector_code']} {row['year']}: provinces"
            f" {fmt(row['provinces_sum'], 0)} ({row['n_provinces']} with a value) vs BE2"
            f" {fmt(row['region_value'], 0)}"
        )

    return validator.validate(
        "counts_provinces_sum_to_flemish_region",
        df,
        rules,
        describe,
        noun="indicator-sector-years",
    )
