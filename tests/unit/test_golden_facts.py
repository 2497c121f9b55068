"""golden_regional_accounts: every regional-accounts figure of the article with a tolerance must
come out of fct_indicator_values, fct_indicator_changes or fct_gap_to_region, as its suffix
says. A build holding exactly the published figures passes; a figure moved beyond its tolerance,
or missing, fails and is named."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from expectations import run_checks
from expectations.article_figures import parse_indicator, regional_accounts_indicators
from warehouse.config import DBT_PROJECT_DIR

SEEDS_DIR = DBT_PROJECT_DIR / "seeds"
CHECK = "golden_regional_accounts"

REGIONAL_ACCOUNTS_INDICATORS = regional_accounts_indicators()


def split_indicator(indicator: str, unit: str) -> tuple[str, str, str]:
    """The article indicator's id, fact table and column, as the golden checks read it."""
    parsed = parse_indicator(indicator, unit)
    return parsed.indicator_id, parsed.fact_table, parsed.fact_column


def test_split_indicator_reads_the_suffixes() -> None:
    assert split_indicator("employees", "persons") == (
        "employees",
        "fct_indicator_values",
        "value",
    )
    assert split_indicator("employees_change", "persons")[2] == "change_abs"
    assert split_indicator("job_seekers_rate_18_64_change", "percentage points")[2] == (
        "change_ppt"
    )
    assert split_indicator("employees_change_pct", "%") == (
        "employees",
        "fct_indicator_changes",
        "change_pct",
    )
    assert split_indicator("gva_per_hour_avg_annual_growth", "% per year")[2] == "cagr_pct"
    assert split_indicator("gva_per_hour_gap_to_BE2", "% vs Flemish Region") == (
        "gva_per_hour",
        "fct_gap_to_region",
        "gap_pct",
    )


def _published_facts() -> dict[str, pd.DataFrame]:
    """Fact tables holding each checked regional-accounts figure at its published value."""
    reference = pd.read_csv(SEEDS_DIR / "ref_article_figures.csv", dtype={"period": str})
    labels = pd.read_csv(SEEDS_DIR / "article_sector_labels.csv")
    to_sector = {(r.label_family, r.label_nl): r.sector_code for r in labels.itertuples()}
    values, changes, gaps = [], [], []
    for r in reference[reference["tolerance"].notna()].itertuples():
        indicator_id, table, column = split_indicator(r.indicator, r.unit)
        if indicator_id not in REGIONAL_ACCOUNTS_INDICATORS:
            continue
        family = (
            "table_3"
            if r.published_in == "table_3" or indicator_id == "share_of_manufacturing_employees"
            else "table_2"
        )
        key = {
            "indicator_id": indicator_id,
            "region_code": r.region,
            "sector_code": to_sector[(family, r.sector)],
        }
        if table == "fct_indicator_values":
            values.append({**key, "year": int(r.period), "value": r.value})
        elif table == "fct_gap_to_region":
            gaps.append(
                {**key, "year": int(r.period), "reference_region_code": "BE2", column: r.value}
            )
        else:
            from_year, to_year = (int(y) for y in r.period.split("-"))
            changes.append({**key, "from_year": from_year, "to_year": to_year, column: r.value})
    change_frame = pd.DataFrame(changes)
    # One row per span, with every measure the article states for it.
    change_frame = change_frame.groupby(
        ["indicator_id", "region_code", "sector_code", "from_year", "to_year"], as_index=False
    ).first()
    for column in ("change_abs", "change_pct", "change_ppt", "cagr_pct"):
        if column not in change_frame:
            change_frame[column] = float("nan")
    return {
        "fct_indicator_values": pd.DataFrame(values).drop_duplicates(
            ["indicator_id", "region_code", "sector_code", "year"]
        ),
        "fct_indicator_changes": change_frame,
        "fct_gap_to_region": pd.DataFrame(gaps),
        "reference": reference,
        "labels": labels,
    }


def _write(path: Path, frames: dict[str, pd.DataFrame]) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute("create schema seeds")
    for name, frame in frames.items():
        schema, table = {
            "reference": ("seeds", "ref_article_figures"),
            "labels": ("seeds", "article_sector_labels"),
        }.get(name, ("marts", name))
        con.register("frame", frame)
        con.execute(f"create table {schema}.{table} as select * from frame")
        con.unregister("frame")
    con.close()
    return path


@pytest.fixture
def facts() -> dict[str, pd.DataFrame]:
    return _published_facts()


def test_published_figures_pass(tmp_path: Path, facts: dict[str, pd.DataFrame]) -> None:
    report = run_checks(_write(tmp_path / "w.duckdb", facts), only=[CHECK])
    result = report[CHECK]
    assert result.success, result.details
    # Every regional-accounts row with a tolerance: Tables 1-3, Figures 1 and 3, the text.
    assert result.rows_checked == 180


def test_a_change_beyond_its_tolerance_fails(
    tmp_path: Path, facts: dict[str, pd.DataFrame]
) -> None:
    changes = facts["fct_indicator_changes"]
    hit = (
        (changes["indicator_id"] == "employees")
        & (changes["region_code"] == "BE22")
        & (changes["sector_code"] == "C")
        & (changes["from_year"] == 2013)
        & (changes["to_year"] == 2023)
    )
    assert hit.sum() == 1
    changes.loc[hit, "change_pct"] = changes.loc[hit, "change_pct"] + 0.06
    report = run_checks(_write(tmp_path / "w.duckdb", facts), only=[CHECK])
    result = report[CHECK]
    assert not result.success
    # Tables 1 and 3 both print this figure: both rows fail.
    assert result.failed_row_count == 2
    assert "T1.employees.C.change_pct (BE22 C employees_change_pct 2013-2023)" in result.details
    assert "T3.Totaal maakindustrie.change_pct (BE22 C" in result.details


def test_a_gap_within_its_tolerance_passes(tmp_path: Path, facts: dict[str, pd.DataFrame]) -> None:
    gaps = facts["fct_gap_to_region"]
    hit = (gaps["indicator_id"] == "gva_per_hour") & (gaps["sector_code"] == "TOTAL")
    gaps.loc[hit & (gaps["year"] == 2022), "gap_pct"] = -14.3 + 0.04
    report = run_checks(_write(tmp_path / "w.duckdb", facts), only=[CHECK])
    assert report[CHECK].success, report[CHECK].details


def test_a_missing_value_fails_instead_of_being_skipped(
    tmp_path: Path, facts: dict[str, pd.DataFrame]
) -> None:
    values = facts["fct_indicator_values"]
    facts["fct_indicator_values"] = values[values["indicator_id"] != "gdp_per_inhabitant"]
    report = run_checks(_write(tmp_path / "w.duckdb", facts), only=[CHECK])
    result = report[CHECK]
    assert not result.success
    assert "T1.gdp_per_inhabitant.2023 (BE22 TOTAL gdp_per_inhabitant 2023): computed n/a" in (
        result.details
    )
