"""Golden figures: what the article prints must come out of the build, within its tolerance.

Generic part: `reconcile(reference, lookup)` joins reference rows to computed values keyed by
(indicator, region, sector_id, period); `check_golden` validates the result. Each check only
supplies its reference rows and a lookup built from a mart:
- `golden_table_2`: Table 2 from its article mart;
- `golden_regional_accounts`: every regional-accounts figure from the fact table its name's
  suffix points to (expectations.article_figures);
- `golden_enterprises_and_labour_market`: Table 1, Figure 2 and the starters' growth for the
  VAT, establishments and labour-market indicators;
- `golden_figure_2`: Figure 2's points from the Figure 2 mart itself, the one the report draws.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import great_expectations.expectations as gxe
import pandas as pd

from expectations.article_figures import (
    FLEMISH_REGION,
    REFERENCE_CSV,
    FigureKey,
    article_indicator,
    label_family,
    load_reference,
    parse_indicator,
    regional_accounts_indicators,
    sector_labels,
)
from expectations.reader import MARTS, BuildReader
from expectations.report import CheckResult
from expectations.sectors import ENTERPRISE_AND_LABOUR_INDICATORS
from expectations.validation import GxValidator, Rule, fmt

FOCUS_REGION = "BE22"
FACTS = "fct_indicator_values"
CHANGES = "fct_indicator_changes"
GAPS = "fct_gap_to_region"
FIGURE_2 = "article_figure_2_labour_market_rates"
FIGURE_2_RATES = ("job_seekers_rate_18_64", "employment_rate_20_64")
# Float noise must not turn "exactly at the tolerance" into a failure.
EPSILON = 1e-9


def reconcile(reference: pd.DataFrame, lookup: Mapping[FigureKey, float | None]) -> pd.DataFrame:
    """Reference rows (with sector_id) side by side with the computed value and the gap.

    A key missing from the lookup gives computed = NaN: a failure downstream, never a skip.
    """
    frame = reference.reset_index(drop=True).copy()
    computed = []
    for row in frame.itertuples(index=False):
        key = (row.indicator, row.region, row.sector_id, row.period)
        value = lookup.get(key) if isinstance(row.sector_id, str) else None
        computed.append(math.nan if value is None else float(value))
    frame["computed"] = pd.Series(computed, dtype="float64")
    frame["diff"] = frame["computed"] - frame["value"]
    frame["abs_diff"] = frame["diff"].abs()
    frame["allowed_diff"] = frame["tolerance"] + EPSILON
    return frame


def check_golden(
    name: str,
    reference: pd.DataFrame,
    lookup: Mapping[FigureKey, float | None],
    validator: GxValidator,
    note: str = "",
) -> CheckResult:
    df = reconcile(reference, lookup)
    keep = [
        "figure_id",
        "indicator",
        "region",
        "sector",
        "sector_id",
        "period",
        "value",
        "tolerance",
        "computed",
        "diff",
        "abs_diff",
        "allowed_diff",
    ]
    df = df[keep]
    rules = [
        Rule("reference figures present", gxe.ExpectTableRowCountToBeBetween(min_value=1)),
        Rule("label mapped to a sector", gxe.ExpectColumnValuesToNotBeNull(column="sector_id")),
        Rule("computed value present", gxe.ExpectColumnValuesToNotBeNull(column="computed")),
        Rule(
            "|computed - published| <= tolerance",
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="allowed_diff", column_B="abs_diff", or_equal=True
            ),
        ),
    ]

    def describe(row: dict[str, Any]) -> str:
        return (
            f"{row['figure_id']} ({row['region']} {row['sector_id']} {row['indicator']}"
            f" {row['period']}): computed {fmt(row['computed'], 2)} vs published"
            f" {fmt(row['value'], 2)} (tolerance {fmt(row['tolerance'], 2)})"
        )

    return validator.validate(name, df, rules, describe, noun="published figures", note=note)


def published_rows(
    reader: BuildReader, published_in: str, csv_path: Path = REFERENCE_CSV
) -> tuple[pd.DataFrame, str]:
    """The checkable reference rows of one table (an empty tolerance is context, not a check)."""
    reference, origin = load_reference(reader, csv_path)
    rows = reference[
        (reference["published_in"] == published_in) & reference["tolerance"].notna()
    ].copy()
    labels = sector_labels(reader)
    rows["sector_id"] = [
        labels.get((label_family(r.published_in, r.indicator), r.sector))
        for r in rows.itertuples(index=False)
    ]
    return rows, origin


def _year(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(int(value))


def _number(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)


def table_2_lookup(reader: BuildReader) -> dict[FigureKey, float | None]:
    """Computed Table 2 figures from the article mart, keyed like the reference rows."""
    mart = reader.table("article_table_2_employment_by_sector", MARTS)
    rows = reader.df(
        f"""select region_code, sector_code, base_year, end_year, employees_base,
                   employees_end, change_abs, change_pct, flemish_change_pct
            from {mart}"""
    )
    lookup: dict[FigureKey, float | None] = {}
    flemish: dict[FigureKey, float | None] = {}
    for r in rows.itertuples(index=False):
        base, end = _year(r.base_year), _year(r.end_year)
        span = f"{base}-{end}"
        region, sector = r.region_code, r.sector_code
        lookup[("employees", region, sector, end)] = _number(r.employees_end)
        lookup.setdefault(("employees", region, sector, base), _number(r.employees_base))
        lookup[("employees_change", region, sector, span)] = _number(r.change_abs)
        lookup[("employees_change_pct", region, sector, span)] = _number(r.change_pct)
        if region == FOCUS_REGION:
            # The article's Flemish column is the focus row's comparison, as printed.
            flemish[("employees_change_pct", FLEMISH_REGION, sector, span)] = _number(
                r.flemish_change_pct
            )
    lookup.update(flemish)
    return lookup


def check_golden_table_2(
    reader: BuildReader, validator: GxValidator, csv_path: Path = REFERENCE_CSV
) -> CheckResult:
    reference, origin = published_rows(reader, "table_2", csv_path)
    return check_golden(
        "golden_table_2",
        reference,
        table_2_lookup(reader),
        validator,
        note=f"(Reference: {origin}.)",
    )


# --- Every figure through the contract's three fact tables -------------------------------------


def figure_rows(
    reader: BuildReader, indicator_ids: frozenset[str], csv_path: Path = REFERENCE_CSV
) -> tuple[pd.DataFrame, str]:
    """Every checkable reference row (a tolerance is given) of the given indicators, whatever
    table or text of the article prints it, with sector_id and where its value is found."""
    reference, origin = load_reference(reader, csv_path)
    rows = reference[reference["tolerance"].notna()].copy()
    parsed = [parse_indicator(r.indicator, str(r.unit)) for r in rows.itertuples(index=False)]
    rows["indicator_id"] = [p.indicator_id for p in parsed]
    rows["fact_table"] = [p.fact_table for p in parsed]
    rows["fact_column"] = [p.fact_column for p in parsed]
    rows = rows[rows["indicator_id"].isin(indicator_ids)].copy()
    labels = sector_labels(reader)
    rows["sector_id"] = [
        labels.get((label_family(r.published_in, r.indicator), r.sector))
        for r in rows.itertuples(index=False)
    ]
    return rows.reset_index(drop=True), origin


def fact_lookup(reader: BuildReader, rows: pd.DataFrame) -> dict[FigureKey, float | None]:
    """The computed value of each reference row, read from the fact table its suffix names."""
    lookup: dict[FigureKey, float | None] = {}
    for (table_name, column), group in rows.groupby(["fact_table", "fact_column"]):
        table = reader.table(str(table_name), MARTS)
        for r in group.itertuples(index=False):
            if not isinstance(r.sector_id, str):
                continue
            params: list[object] = [r.indicator_id, r.region, r.sector_id]
            if table_name == "fct_indicator_changes":
                from_year, to_year = (int(y) for y in str(r.period).split("-"))
                where = "from_year = ? and to_year = ?"
                params += [from_year, to_year]
            else:
                where = "year = ?"
                params.append(int(r.period))
                if table_name == "fct_gap_to_region":
                    where += f" and reference_region_code = '{FLEMISH_REGION}'"
            found = reader.df(
                f"select {column} as v from {table} where indicator_id = ? and region_code = ?"
                f" and sector_code = ? and {where}",
                params,
            )
            key = (r.indicator, r.region, r.sector_id, r.period)
            lookup[key] = _number(found["v"].iloc[0]) if len(found) == 1 else None
    return lookup


def check_golden_indicators(
    name: str,
    indicator_ids: frozenset[str],
    reader: BuildReader,
    validator: GxValidator,
    csv_path: Path = REFERENCE_CSV,
) -> CheckResult:
    rows, origin = figure_rows(reader, indicator_ids, csv_path)
    note = (
        f"({len(rows)} published figures with a tolerance, read from fct_indicator_values,"
        f" fct_indicator_changes and fct_gap_to_region. Reference: {origin}.)"
    )
    return check_golden(name, rows, fact_lookup(reader, rows), validator, note=note)


def check_golden_regional_accounts(
    reader: BuildReader, validator: GxValidator, csv_path: Path = REFERENCE_CSV
) -> CheckResult:
    return check_golden_indicators(
        "golden_regional_accounts", regional_accounts_indicators(), reader, validator, csv_path
    )


# --- The enterprise and labour-market indicators -----------------------------------------------


def golden_lookup(reader: BuildReader) -> dict[FigureKey, float | None]:
    """Computed values of these indicators keyed like the reference rows: the level by year,
    the changes by span (`_change` is change_ppt for a rate, else change_abs; `_change_pct`,
    `_avg_annual_growth`), and the gap to the Flemish Region by year."""
    indicators = list(ENTERPRISE_AND_LABOUR_INDICATORS)
    lookup: dict[FigureKey, float | None] = {}
    facts = reader.df(
        f"""select indicator_id, region_code, sector_code, year, value
            from {reader.table(FACTS, MARTS)} where list_contains(?, indicator_id)""",
        [indicators],
    )
    for r in facts.itertuples(index=False):
        key = (r.region_code, r.sector_code, str(int(r.year)))
        lookup[(article_indicator(r.indicator_id, "level"), *key)] = _number(r.value)
    changes = reader.df(
        f"""select indicator_id, region_code, sector_code, from_year, to_year, change_abs,
                   change_ppt, change_pct, cagr_pct
            from {reader.table(CHANGES, MARTS)} where list_contains(?, indicator_id)""",
        [indicators],
    )
    for r in changes.itertuples(index=False):
        key = (r.region_code, r.sector_code, f"{int(r.from_year)}-{int(r.to_year)}")
        change = _number(r.change_ppt)
        lookup[(article_indicator(r.indicator_id, "change"), *key)] = (
            change if change is not None else _number(r.change_abs)
        )
        lookup[(article_indicator(r.indicator_id, "change_pct"), *key)] = _number(r.change_pct)
        lookup[(article_indicator(r.indicator_id, "avg_annual_growth"), *key)] = _number(r.cagr_pct)
    gaps = reader.df(
        f"""select indicator_id, region_code, sector_code, year, gap_pct
            from {reader.table(GAPS, MARTS)}
            where list_contains(?, indicator_id) and reference_region_code = ?""",
        [indicators, FLEMISH_REGION],
    )
    for r in gaps.itertuples(index=False):
        key = (r.region_code, r.sector_code, str(int(r.year)))
        lookup[(article_indicator(r.indicator_id, "gap_to_BE2"), *key)] = _number(r.gap_pct)
    return lookup


def golden_rows(reader: BuildReader, csv_path: Path = REFERENCE_CSV) -> tuple[pd.DataFrame, str]:
    """The article's checkable rows of Table 1, Figure 2 and the text for these indicators."""
    reference, origin = load_reference(reader, csv_path)
    base = reference["indicator"].map(lambda name: parse_indicator(name).indicator_id)
    rows = reference[
        reference["published_in"].isin(["table_1", "figure_2", "text"])
        & base.isin(ENTERPRISE_AND_LABOUR_INDICATORS)
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


def check_golden_enterprises_and_labour_market(
    reader: BuildReader, validator: GxValidator, csv_path: Path = REFERENCE_CSV
) -> CheckResult:
    reference, origin = golden_rows(reader, csv_path)
    return check_golden(
        "golden_enterprises_and_labour_market",
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
