"""Golden figures: what the article prints must come out of the build, within its tolerance.

Generic part: `reconcile(reference, lookup)` joins reference rows to computed values keyed by
(indicator, region, sector_id, period); `check_golden` validates the result. Each table only
supplies a lookup built from its mart (Table 2 here; Tables 1 and 3 follow the same shape).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import great_expectations.expectations as gxe
import pandas as pd

from expectations.build import MARTS, SEEDS, BuildReader
from expectations.report import CheckResult
from expectations.sectors import TABLE_2_LABELS, TABLE_3_LABELS
from expectations.validation import GxValidator, Rule, fmt
from warehouse.config import DBT_PROJECT_DIR

REFERENCE_SEED = "ref_article_figures"
REFERENCE_CSV = DBT_PROJECT_DIR / "seeds" / f"{REFERENCE_SEED}.csv"
LABELS_SEED = "article_sector_labels"
FOCUS_REGION = "BE22"
FLEMISH_REGION = "BE2"
# Float noise must not turn "exactly at the tolerance" into a failure.
EPSILON = 1e-9

FigureKey = tuple[str, str, str, str]  # (indicator, region, sector_id, period)


def load_reference(reader: BuildReader, csv_path: Path = REFERENCE_CSV) -> tuple[pd.DataFrame, str]:
    table = reader.find(REFERENCE_SEED, SEEDS)
    if table is not None:
        frame = reader.df(f"select * from {table}")
        origin = f"build table {table}"
    elif csv_path.exists():
        frame = pd.read_csv(csv_path, dtype={"period": str})
        origin = f"{csv_path.name} (not in the build)"
    else:
        raise FileNotFoundError(f"{REFERENCE_SEED} is neither in the build nor at {csv_path}")
    for column in ("figure_id", "published_in", "indicator", "region", "sector", "period"):
        frame[column] = frame[column].astype("string").str.strip()
    for column in ("value", "tolerance"):
        frame[column] = pd.to_numeric(frame[column]).astype("float64")
    return frame, origin


def sector_labels(reader: BuildReader) -> dict[tuple[str, str], str]:
    """(label family, Dutch label) -> sector id: the dbt seed if built, else our own copy."""
    table = reader.find(LABELS_SEED, SEEDS)
    if table is not None:
        rows = reader.df(f"select label_family, label_nl, sector_code from {table}")
        return {(r.label_family, r.label_nl): r.sector_code for r in rows.itertuples()}
    labels = {("table_2", label): code for label, code in TABLE_2_LABELS.items()}
    labels.update({("table_3", label): code for label, code in TABLE_3_LABELS.items()})
    return labels


def label_family(published_in: str, indicator: str) -> str:
    # Reference README: Table 3 rows and the manufacturing shares use Table 3's labels.
    if published_in == "table_3" or indicator.startswith("share_of_manufacturing_employees"):
        return "table_3"
    return "table_2"


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

# The article's indicator suffixes (reference README) -> the fact table and column holding it.
# Longest suffix first: "_change_pct" must not be read as "_change".
MEASURES = (
    ("_avg_annual_growth", "fct_indicator_changes", "cagr_pct"),
    ("_gap_to_BE2", "fct_gap_to_region", "gap_pct"),
    ("_change_pct", "fct_indicator_changes", "change_pct"),
    ("_change", "fct_indicator_changes", None),  # change_abs, or change_ppt for rates
    ("", "fct_indicator_values", "value"),
)
PERCENTAGE_POINTS = "percentage points"

# What the NBB regional accounts answer (issue scope: employment, value added, hours, ratios).
REGIONAL_ACCOUNTS_INDICATORS = frozenset(
    {
        "employees",
        "hours_worked",
        "gross_value_added",
        "gva_per_hour",
        "gdp_per_inhabitant",
        "manufacturing_share_of_employees",
        "manufacturing_share_of_gva",
        "share_of_manufacturing_employees",
    }
)


def split_indicator(indicator: str, unit: str) -> tuple[str, str, str]:
    """Article indicator -> (indicator_id, fact table, column)."""
    for suffix, table, column in MEASURES:
        if suffix and not indicator.endswith(suffix):
            continue
        base = indicator[: len(indicator) - len(suffix)] if suffix else indicator
        if column is None:
            column = "change_ppt" if unit == PERCENTAGE_POINTS else "change_abs"
        return base, table, column
    raise AssertionError("unreachable: the empty suffix matches everything")


def figure_rows(
    reader: BuildReader, indicator_ids: frozenset[str], csv_path: Path = REFERENCE_CSV
) -> tuple[pd.DataFrame, str]:
    """Every checkable reference row (a tolerance is given) of the given indicators, whatever
    table or text of the article prints it, with sector_id and where its value is found."""
    reference, origin = load_reference(reader, csv_path)
    rows = reference[reference["tolerance"].notna()].copy()
    parts = [split_indicator(r.indicator, str(r.unit)) for r in rows.itertuples(index=False)]
    rows["indicator_id"] = [p[0] for p in parts]
    rows["fact_table"] = [p[1] for p in parts]
    rows["fact_column"] = [p[2] for p in parts]
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
        "golden_regional_accounts", REGIONAL_ACCOUNTS_INDICATORS, reader, validator, csv_path
    )
