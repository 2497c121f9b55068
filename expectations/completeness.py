"""Series are complete: no year is missing inside a series of the enterprise and labour-market
indicators (the totals and manufacturing), except a year the seed names as a known gap."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import great_expectations.expectations as gxe
import pandas as pd

from expectations.known_exceptions import BREAKS_CSV, flagged, load_breaks
from expectations.reader import BuildReader, indicator_values
from expectations.report import CheckResult
from expectations.sectors import ENTERPRISE_AND_LABOUR_INDICATORS
from expectations.validation import GxValidator, Rule

# Series checked for completeness: the totals and manufacturing (sections may be sparse).
COMPLETE_SECTORS = ("TOTAL", "C")


def completeness_frame(reader: BuildReader, breaks: pd.DataFrame) -> pd.DataFrame:
    facts = indicator_values(reader, ENTERPRISE_AND_LABOUR_INDICATORS)
    facts = facts[facts["sector_code"].isin(COMPLETE_SECTORS)]
    rows = []
    for (indicator, region, sector), series in facts.groupby(
        ["indicator_id", "region_code", "sector_code"], sort=True
    ):
        years = set(series["year"])
        expected = set(range(min(years), max(years) + 1))
        missing = sorted(expected - years)
        gaps = flagged(breaks, "gap", indicator, region, sector)
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
                column="indicator_id", value_set=list(ENTERPRISE_AND_LABOUR_INDICATORS)
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
        "series_complete",
        df,
        rules,
        describe,
        noun="series",
        note=f"(Known gaps from {origin}.)",
    )
