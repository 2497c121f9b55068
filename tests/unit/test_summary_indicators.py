"""The summary's lines on the Statbel, RSZ, VDAB and Eurostat indicators."""

from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse.read.summary import summarize


def _warehouse(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(
        """
        create table marts.fct_indicator_values as
        select * from (values
            ('vat_enterprises', 'BE22', 'TOTAL', 2024, 94292.0, 'official'),
            ('vat_enterprises', 'BE2', 'TOTAL', 2024, 747395.0, 'official'),
            ('vat_enterprises', 'BE22', 'TOTAL', 2023, 92672.0, 'official'),
            ('vat_starters', 'BE22', 'TOTAL', 2025, 9000.0, 'provisional'),
            ('vat_starters', 'BE22', 'TOTAL', 2024, 8792.0, 'official'),
            ('vat_starters', 'BE2', 'TOTAL', 2024, 70712.0, 'official'),
            ('job_seekers_rate_18_64', 'BE22', 'TOTAL', 2024, 6.2999, 'modelled'),
            ('job_seekers_rate_18_64', 'BE2', 'TOTAL', 2024, 6.6, 'modelled'),
            ('employment_rate_20_64', 'BE22', 'TOTAL', 2024, 75.7, 'official'),
            ('employment_rate_20_64', 'BE2', 'TOTAL', 2024, 77.0, 'modelled')
        ) v(indicator_id, region_code, sector_code, year, value, obs_status)
        """
    )
    con.close()
    return path


def test_summary_shows_the_latest_year_of_each_indicator(tmp_path: Path) -> None:
    text = summarize(_warehouse(tmp_path / "w.duckdb"))
    lines = text.splitlines()
    assert "Other indicators, latest year: BE22 against the Flemish Region" in lines
    vat = next(line for line in lines if line.startswith("VAT-liable enterprises"))
    assert "2024" in vat and "94,292" in vat and "747,395" in vat and vat.endswith("official")
    # The provisional 2025 starters are not the headline: the latest final year is.
    starters = next(line for line in lines if line.startswith("VAT starters"))
    assert "2024" in starters and "8,792" in starters
    rate = next(line for line in lines if line.startswith("job-seekers rate"))
    assert "6.3%" in rate and "6.6%" in rate and rate.endswith("modelled")
    employment = next(line for line in lines if line.startswith("employment rate"))
    assert employment.endswith("modelled")  # the weaker of official (BE22) and modelled (BE2)
    missing = next(line for line in lines if line.startswith("establishments with staff"))
    assert missing.split()[-1] == "-"
    assert "not official statistics" in lines[-1]
