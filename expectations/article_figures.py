"""The article's published figures (seed `ref_article_figures`, a copy of the reference the
article prints) and the grammar of their indicator names: the one place that reads it.

An article indicator is a warehouse indicator id with a suffix that says which measure of it
the article prints: none (the level in a year), `_change` (change over a span: in percentage
points for a rate, else in the indicator's unit), `_change_pct`, `_avg_annual_growth` (the
compound annual growth, %) or `_gap_to_BE2` (the gap to the Flemish Region in a year, %).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from expectations.reader import SEEDS, BuildReader
from expectations.sectors import TABLE_2_LABELS, TABLE_3_LABELS
from extract.catalog import load_catalog
from warehouse.config import DBT_PROJECT_DIR

REFERENCE_SEED = "ref_article_figures"
REFERENCE_CSV = DBT_PROJECT_DIR / "seeds" / f"{REFERENCE_SEED}.csv"
LABELS_SEED = "article_sector_labels"
FLEMISH_REGION = "BE2"
PERCENTAGE_POINTS = "percentage points"

FigureKey = tuple[str, str, str, str]  # (indicator, region, sector_id, period)


@dataclass(frozen=True)
class Measure:
    name: str  # level, change, change_pct, avg_annual_growth, gap_to_BE2
    suffix: str
    fact_table: str  # the mart of the contract that holds it
    fact_column: str | None  # None: change_ppt for a rate, else change_abs


# Longest suffix first: "_change_pct" must not be read as "_change".
MEASURES = (
    Measure("avg_annual_growth", "_avg_annual_growth", "fct_indicator_changes", "cagr_pct"),
    Measure(
        f"gap_to_{FLEMISH_REGION}", f"_gap_to_{FLEMISH_REGION}", "fct_gap_to_region", "gap_pct"
    ),
    Measure("change_pct", "_change_pct", "fct_indicator_changes", "change_pct"),
    Measure("change", "_change", "fct_indicator_changes", None),
    Measure("level", "", "fct_indicator_values", "value"),
)


@dataclass(frozen=True)
class ArticleIndicator:
    """An article indicator name read by the grammar."""

    indicator_id: str
    measure: Measure
    fact_column: str

    @property
    def fact_table(self) -> str:
        return self.measure.fact_table


def parse_indicator(indicator: str, unit: str | None = None) -> ArticleIndicator:
    """Article indicator -> the warehouse's indicator id, the measure, where it is found."""
    for measure in MEASURES:
        if measure.suffix and not indicator.endswith(measure.suffix):
            continue
        base = indicator[: len(indicator) - len(measure.suffix)] if measure.suffix else indicator
        column = measure.fact_column
        if column is None:
            column = "change_ppt" if unit == PERCENTAGE_POINTS else "change_abs"
        return ArticleIndicator(base, measure, column)
    raise AssertionError("unreachable: the empty suffix matches everything")


def article_indicator(indicator_id: str, measure: str) -> str:
    """The article's name of a measure of an indicator (the inverse of parse_indicator)."""
    for m in MEASURES:
        if m.name == measure:
            return indicator_id + m.suffix
    raise KeyError(f"no measure {measure!r} (known: {', '.join(m.name for m in MEASURES)})")


def regional_accounts_indicators() -> frozenset[str]:
    """The indicators NBB's regional accounts answer (the catalog's nbb_regaca38)."""
    return frozenset(load_catalog().get("nbb_regaca38").indicators)


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
