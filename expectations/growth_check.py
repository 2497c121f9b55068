"""Year-on-year growth of employees stays within bounds, except where a seed says why not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import great_expectations.expectations as gxe
import pandas as pd

from expectations.build import MARTS, META, SEEDS, BuildReader
from expectations.report import CheckResult
from expectations.sectors import GROWTH_CHECKED_SECTORS
from expectations.validation import GxValidator, Rule, fmt
from warehouse.config import DBT_PROJECT_DIR

NAME = "employees_growth_within_bounds"
INDICATOR = "employees"
DEFAULT_MIN_GROWTH_PCT = -25.0
DEFAULT_MAX_GROWTH_PCT = 25.0
EXCEPTIONS_SEED = "growth_exceptions"
EXCEPTIONS_CSV = DBT_PROJECT_DIR / "seeds" / f"{EXCEPTIONS_SEED}.csv"
EXCEPTION_KEY = ["indicator_id", "region_code", "sector_code", "year"]
EXCEPTION_COLUMNS = [*EXCEPTION_KEY, "min_growth_pct", "max_growth_pct", "reason"]


def load_growth_exceptions(
    reader: BuildReader, csv_path: Path = EXCEPTIONS_CSV
) -> tuple[pd.DataFrame, str]:
    """The seed as built (what was checked is what was built); the CSV only if it is absent."""
    table = reader.find(EXCEPTIONS_SEED, META + SEEDS)
    if table is not None:
        frame = reader.df(f"select * from {table}")
        origin = f"build table {table}"
    elif csv_path.exists():
        frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
        origin = f"{csv_path.name} (not in the build)"
    else:
        frame = pd.DataFrame(columns=EXCEPTION_COLUMNS)
        origin = "no exceptions seed found"
    missing = [column for column in EXCEPTION_COLUMNS if column not in frame.columns]
    if missing:
        raise ValueError(f"{EXCEPTIONS_SEED} lacks columns {missing}")
    frame = frame[EXCEPTION_COLUMNS].copy()
    for column in ("indicator_id", "region_code", "sector_code", "reason"):
        frame[column] = frame[column].astype("string").str.strip()
    numeric = {"year": "Int64", "min_growth_pct": "Float64", "max_growth_pct": "Float64"}
    for column, dtype in numeric.items():
        text = frame[column].astype("string").str.strip().replace("", pd.NA)
        frame[column] = pd.to_numeric(text).astype(dtype)
    duplicated = frame[frame.duplicated(EXCEPTION_KEY, keep=False)]
    if not duplicated.empty:
        keys = sorted({tuple(map(str, key)) for key in duplicated[EXCEPTION_KEY].to_numpy()})
        raise ValueError(f"{EXCEPTIONS_SEED} repeats keys {keys}")
    return frame, origin


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
    growth["year"] = growth["year"].astype("Int64")
    for column in ("indicator_id", "region_code", "sector_code"):
        growth[column] = growth[column].astype("string")
    merged = growth.merge(exceptions, on=EXCEPTION_KEY, how="left")
    merged["min_growth_pct"] = merged["min_growth_pct"].fillna(DEFAULT_MIN_GROWTH_PCT)
    merged["max_growth_pct"] = merged["max_growth_pct"].fillna(DEFAULT_MAX_GROWTH_PCT)
    merged = merged.rename(columns={"reason": "exception_reason"})
    # GX compares plain floats; nullable extension types would come back as NA objects.
    for column in ("prev_value", "value", "growth_pct", "min_growth_pct", "max_growth_pct"):
        merged[column] = merged[column].astype("float64")
    return merged


def check_growth_within_bounds(
    reader: BuildReader, validator: GxValidator, csv_path: Path = EXCEPTIONS_CSV
) -> CheckResult:
    exceptions, origin = load_growth_exceptions(reader, csv_path)
    df = growth_frame(reader, exceptions)
    applied = df["exception_reason"].notna()
    used = df.loc[applied, EXCEPTION_KEY].drop_duplicates()
    unused = exceptions.merge(used, on=EXCEPTION_KEY, how="left", indicator=True)
    unused = unused[unused["_merge"] == "left_only"]
    rules = [
        Rule("growth rates present", gxe.ExpectTableRowCountToBeBetween(min_value=1)),
        Rule(
            "growth computable (previous year not zero)",
            gxe.ExpectColumnValuesToNotBeNull(column="growth_pct"),
        ),
        Rule(
            "growth >= lower bound",
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="growth_pct", column_B="min_growth_pct", or_equal=True
            ),
        ),
        Rule(
            "growth <= upper bound",
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="max_growth_pct", column_B="growth_pct", or_equal=True
            ),
        ),
    ]

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
    return validator.validate(NAME, df, rules, describe, noun="year-on-year changes", note=note)
