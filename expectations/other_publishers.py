"""Checks of the Statbel, RSZ, VDAB and Eurostat indicators (Great Expectations on pandas
frames read from the build, like every other check).

- `labour_market_rates_within_bounds`: rates lie within 0-100 and move by at most a bounded
  number of percentage points a year, except in a year the seed `known_series_breaks` names.
- `vat_starters_within_stock`: a year's VAT starters never exceed the stock of VAT-liable
  enterprises of the same region, sector and year.
- `counts_provinces_sum_to_flemish_region`: for the counts, the five provinces add up to the
  Flemish Region (a missing province cell counts as zero, as Statbel leaves empty cells out).
- `other_publishers_series_complete`: no year is missing inside a series, except a year the
  seed names as a known gap.
- `golden_other_publishers`: every Table 1, Figure 2 and starters figure of the article for
  these indicators comes out within its tolerance (the generic `check_golden`).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import great_expectations.expectations as gxe
import pandas as pd

from expectations.build import MARTS, META, SEEDS, BuildReader
from expectations.golden import (
    REFERENCE_CSV,
    FigureKey,
    check_golden,
    label_family,
    load_reference,
    sector_labels,
)
from expectations.report import CheckResult
from expectations.validation import GxValidator, Rule, fmt
from warehouse.config import DBT_PROJECT_DIR

FACTS = "fct_indicator_values"
CHANGES = "fct_indicator_changes"
GAPS = "fct_gap_to_region"
BREAKS_SEED = "known_series_breaks"
BREAKS_CSV = DBT_PROJECT_DIR / "seeds" / f"{BREAKS_SEED}.csv"
FLEMISH_REGION = "BE2"
PROVINCES = ("BE21", "BE22", "BE23", "BE24", "BE25")
REGIONS = (FLEMISH_REGION, *PROVINCES)

# The indicators this module answers for (the golden check reconciles only these).
INDICATORS = (
    "vat_enterprises",
    "vat_starters",
    "establishments_with_staff",
    "job_seekers_rate_18_64",
    "employment_rate_20_64",
)
COUNTS = ("vat_enterprises", "vat_starters", "establishments_with_staff")
# Largest year-on-year move of a rate, in percentage points, outside a series break. The
# job-seekers rate is an administrative count; the employment rate comes from a sample survey
# whose provincial figures move by up to about 3 points in a normal year.
RATE_MAX_JUMP_PPT = {"job_seekers_rate_18_64": 1.5, "employment_rate_20_64": 3.5}
BREAK_MAX_JUMP_PPT = 8.0
# Counts are whole numbers: provinces and region may only differ by rounding noise.
COUNT_SLACK = 0.5
# Series checked for completeness: the totals and manufacturing (sections may be sparse).
COMPLETE_SECTORS = ("TOTAL", "C")
EPSILON = 1e-9

CHECK_NAMES = (
    "labour_market_rates_within_bounds",
    "vat_starters_within_stock",
    "counts_provinces_sum_to_flemish_region",
    "other_publishers_series_complete",
    "golden_other_publishers",
    "golden_figure_2",
)
FIGURE_2 = "article_figure_2_labour_market_rates"
FIGURE_2_RATES = ("job_seekers_rate_18_64", "employment_rate_20_64")


def load_breaks(reader: BuildReader, csv_path: Path = BREAKS_CSV) -> tuple[pd.DataFrame, str]:
    """The seed as built; its CSV when the build lacks it."""
    table = reader.find(BREAKS_SEED, META + SEEDS)
    if table is not None:
        frame = reader.df(f"select * from {table}")
        origin = f"build table {table}"
    elif csv_path.exists():
        frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
        origin = f"{csv_path.name} (not in the build)"
    else:
        raise FileNotFoundError(f"{BREAKS_SEED} is neither in the build nor at {csv_path}")
    for column in (
        "flag_id",
        "flag_kind",
        "indicator_id",
        "source_id",
        "region_code",
        "sector_code",
    ):
        frame[column] = frame[column].astype("string").str.strip().replace("", pd.NA)
    frame["year"] = pd.to_numeric(frame["year"]).astype("int64")
    return frame, origin


def _flagged(breaks: pd.DataFrame, kind: str, indicator: str, region: str, sector: str) -> set[int]:
    rows = breaks[(breaks["flag_kind"] == kind) & (breaks["indicator_id"] == indicator)]
    rows = rows[rows["region_code"].isna() | (rows["region_code"] == region)]
    rows = rows[rows["sector_code"].isna() | (rows["sector_code"] == sector)]
    return {int(y) for y in rows["year"]}


def _facts(reader: BuildReader, indicators: tuple[str, ...]) -> pd.DataFrame:
    fact = reader.table(FACTS, MARTS)
    frame = reader.df(
        f"""select indicator_id, region_code, sector_code, year, value, obs_status, source_id
            from {fact}
            where list_contains(?, indicator_id) and list_contains(?, region_code)
            order by indicator_id, region_code, sector_code, year""",
        [list(indicators), list(REGIONS)],
    )
    frame["year"] = frame["year"].astype("int64")
    frame["value"] = frame["value"].astype("float64")
    return frame


# --- rates ----------------------------------------------------------------------------------


def rates_frame(reader: BuildReader, breaks: pd.DataFrame) -> pd.DataFrame:
    facts = _facts(reader, tuple(RATE_MAX_JUMP_PPT))
    facts = facts.sort_values(["indicator_id", "region_code", "sector_code", "year"])
    group = facts.groupby(["indicator_id", "region_code", "sector_code"], sort=False)
    facts["prev_year"] = group["year"].shift(1)
    facts["prev_value"] = group["value"].shift(1)
    consecutive = facts["prev_year"] == facts["year"] - 1
    facts["jump_ppt"] = (facts["value"] - facts["prev_value"]).where(consecutive)
    facts["abs_jump_ppt"] = facts["jump_ppt"].abs().fillna(0.0)
    at_break = [
        int(r.year) in _flagged(breaks, "break", r.indicator_id, r.region_code, r.sector_code)
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


# --- provinces against the Flemish Region ---------------------------------------------------


def check_counts_provinces_sum_to_region(
    reader: BuildReader, validator: GxValidator
) -> CheckResult:
    fact = reader.table(FACTS, MARTS)
    provinces = ", ".join(f"'{p}'" for p in PROVINCES)
    df = reader.df(
        f"""select indicator_id, sector_code, year,
                   sum(value) filter (where region_code = '{FLEMISH_REGION}') as region_value,
                   count(value) filter (where region_code = '{FLEMISH_REGION}') as n_region,
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


# --- completeness ---------------------------------------------------------------------------


def completeness_frame(reader: BuildReader, breaks: pd.DataFrame) -> pd.DataFrame:
    facts = _facts(reader, INDICATORS)
    facts = facts[facts["sector_code"].isin(COMPLETE_SECTORS)]
    rows = []
    for (indicator, region, sector), series in facts.groupby(
        ["indicator_id", "region_code", "sector_code"], sort=True
    ):
        years = set(series["year"])
        expected = set(range(min(years), max(years) + 1))
        missing = sorted(expected - years)
        gaps = _flagged(breaks, "gap", indicator, region, sector)
        unexcused = [y for y in missing if y not in gaps]
        rows.append(
            {
                "indicator_id": indicator,
                "region_code": region,
                "sector_code": sector,
                "first_year": min(years),
                "last_year": max(years),
                "n_years": len(years),
                "missing_years": ", ".join(map(str, missing)),
                "unexcused_missing": ", ".join(map(str, unexcused)),
                "n_unexcused_missing": len(unexcused),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "indicator_id",
            "region_code",
            "sector_code",
            "first_year",
            "last_year",
            "n_years",
            "missing_years",
            "unexcused_missing",
            "n_unexcused_missing",
        ],
    )


def check_series_complete(
    reader: BuildReader, validator: GxValidator, csv_path: Path = BREAKS_CSV
) -> CheckResult:
    breaks, origin = load_breaks(reader, csv_path)
    df = completeness_frame(reader, breaks)
    rules = [
        Rule(
            "every indicator has series",
            gxe.ExpectColumnDistinctValuesToEqualSet(
                column="indicator_id", value_set=list(INDICATORS)
            ),
        ),
        Rule(
            "no missing year except a seeded gap",
            gxe.ExpectColumnValuesToBeBetween(
                column="n_unexcused_missing", min_value=0, max_value=0
            ),
        ),
    ]

    def describe(row: dict[str, Any]) -> str:
        return (
            f"{row['indicator_id']} {row['region_code']} {row['sector_code']}"
            f" {row['first_year']}-{row['last_year']}: missing {row['unexcused_missing']}"
        )

    return validator.validate(
        "other_publishers_series_complete",
        df,
        rules,
        describe,
        noun="series",
        note=f"(Known gaps from {origin}.)",
    )


# --- golden ---------------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return None
    return float(value)


def golden_lookup(reader: BuildReader) -> dict[FigureKey, float | None]:
    """Computed values of these indicators keyed like the reference rows: the level by year,
    the changes by span (`_change` is change_ppt for a rate, else change_abs; `_change_pct`,
    `_avg_annual_growth`), and the gap to the Flemish Region by year."""
    indicators = list(INDICATORS)
    lookup: dict[FigureKey, float | None] = {}
    facts = reader.df(
        f"""select indicator_id, region_code, sector_code, year, value
            from {reader.table(FACTS, MARTS)} where list_contains(?, indicator_id)""",
        [indicators],
    )
    for r in facts.itertuples(index=False):
        lookup[(r.indicator_id, r.region_code, r.sector_code, str(int(r.year)))] = _number(r.value)
    changes = reader.df(
        f"""select indicator_id, region_code, sector_code, from_year, to_year, change_abs,
                   change_ppt, change_pct, cagr_pct
            from {reader.table(CHANGES, MARTS)} where list_contains(?, indicator_id)""",
        [indicators],
    )
    for r in changes.itertuples(index=False):
        span = f"{int(r.from_year)}-{int(r.to_year)}"
        key = (r.region_code, r.sector_code, span)
        change = _number(r.change_ppt)
        lookup[(f"{r.indicator_id}_change", *key)] = (
            change if change is not None else _number(r.change_abs)
        )
        lookup[(f"{r.indicator_id}_change_pct", *key)] = _number(r.change_pct)
        lookup[(f"{r.indicator_id}_avg_annual_growth", *key)] = _number(r.cagr_pct)
    gaps = reader.df(
        f"""select indicator_id, region_code, sector_code, year, gap_pct
            from {reader.table(GAPS, MARTS)}
            where list_contains(?, indicator_id) and reference_region_code = ?""",
        [indicators, FLEMISH_REGION],
    )
    for r in gaps.itertuples(index=False):
        key = (f"{r.indicator_id}_gap_to_{FLEMISH_REGION}", r.region_code, r.sector_code)
        lookup[(*key, str(int(r.year)))] = _number(r.gap_pct)
    return lookup


def _base_indicator(indicator: str) -> str:
    for suffix in ("_avg_annual_growth", "_change_pct", "_change", f"_gap_to_{FLEMISH_REGION}"):
        if indicator.endswith(suffix):
            return indicator[: -len(suffix)]
    return indicator


def golden_rows(reader: BuildReader, csv_path: Path = REFERENCE_CSV) -> tuple[pd.DataFrame, str]:
    """The article's checkable rows of Table 1, Figure 2 and the text for these indicators."""
    reference, origin = load_reference(reader, csv_path)
    base = reference["indicator"].map(_base_indicator)
    rows = reference[
        reference["published_in"].isin(["table_1", "figure_2", "text"])
        & base.isin(INDICATORS)
        & reference["tolerance"].notna()
    ].copy()
    labels = sector_labels(reader)
    rows["sector_id"] = [
        labels.get((label_family(r.published_in, r.indicator), r.sector), r.sector)
        if r.sector in ("TOTAL", "C")
        else labels.get((label_family(r.published_in, r.indicator), r.sector))
        for r in rows.itertuples(index=False)
    ]
    return rows, origin


def check_golden_other_publishers(
    reader: BuildReader, validator: GxValidator, csv_path: Path = REFERENCE_CSV
) -> CheckResult:
    reference, origin = golden_rows(reader, csv_path)
    return check_golden(
        "golden_other_publishers",
        reference,
        golden_lookup(reader),
        validator,
        note=f"(Reference: {origin}; Table 1, Figure 2 and the starters' growth.)",
    )


def figure_2_lookup(reader: BuildReader) -> dict[FigureKey, float | None]:
    """Figure 2's points as the article mart (the one the report draws) holds them."""
    rows = reader.df(
        f"select region_code, year, {', '.join(FIGURE_2_RATES)} "
        f"from {reader.table(FIGURE_2, MARTS)}"
    )
    lookup: dict[FigureKey, float | None] = {}
    for r in rows.to_dict("records"):
        for rate in FIGURE_2_RATES:
            lookup[(rate, r["region_code"], "TOTAL", str(int(r["year"])))] = _number(r[rate])
    return lookup


def check_golden_figure_2(
    reader: BuildReader, validator: GxValidator, csv_path: Path = REFERENCE_CSV
) -> CheckResult:
    """The article's Figure 2 points out of the Figure 2 mart itself, not only the facts."""
    reference, origin = golden_rows(reader, csv_path)
    return check_golden(
        "golden_figure_2",
        reference[reference["published_in"] == "figure_2"],
        figure_2_lookup(reader),
        validator,
        note=f"(Reference: {origin}; marts.{FIGURE_2}.)",
    )
