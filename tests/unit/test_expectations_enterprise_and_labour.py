"""The checks of the Statbel, RSZ, VDAB and Eurostat indicators on a small build: a consistent
one passes, and each deliberate break fails exactly the check meant to catch it, naming it."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from expectations import CheckReport, run_checks
from expectations.runner import ENTERPRISE_AND_LABOUR_CHECKS as CHECK_NAMES
from warehouse.config import DBT_PROJECT_DIR

SEEDS_DIR = DBT_PROJECT_DIR / "seeds"
PROVINCES = ("BE21", "BE22", "BE23", "BE24", "BE25")
OTHERS = {"BE21": 0.34, "BE23": 0.27, "BE24": 0.19, "BE25": 0.20}
SPANS = ((2013, 2018), (2018, 2023), (2013, 2023))
RATES = ("job_seekers_rate_18_64", "employment_rate_20_64")


def _path(anchors: dict[int, float], years: range, geometric: bool) -> dict[int, float]:
    points = sorted(anchors.items())
    out = {}
    for year in years:
        if year <= points[0][0]:
            pair = points[0], points[1]
        elif year >= points[-1][0]:
            pair = points[-2], points[-1]
        else:
            pair = next((a, b) for a, b in pairwise(points) if a[0] <= year <= b[0])
        (y0, v0), (y1, v1) = pair
        t = (year - y0) / (y1 - y0)
        out[year] = v0 * (v1 / v0) ** t if geometric else v0 + t * (v1 - v0)
        if year in anchors:
            out[year] = anchors[year]
    return out


def _counts(
    limburg: dict[int, float], flanders: dict[int, float], years: range
) -> dict[str, dict[int, float]]:
    """A count series per region: Limburg and the Flemish Region through their anchors, the
    other provinces share the rest, so the provinces add up to BE2 exactly."""
    be22 = _path(limburg, years, geometric=True)
    be2 = _path(flanders, years, geometric=True)
    out = {"BE22": be22, "BE2": be2}
    for region, share in OTHERS.items():
        out[region] = {y: share * (be2[y] - be22[y]) for y in years}
    out["BE2"] = {y: sum(out[p][y] for p in PROVINCES) for y in years}
    return out


def _series() -> dict[tuple[str, str], dict[str, dict[int, float]]]:
    """(indicator, sector) -> region -> year -> value, at the article's printed figures."""
    stock_years = [y for y in range(2008, 2025) if y != 2022]
    series = {}
    for sector, (l13, l23, pct) in {"TOTAL": (64070, 92672, 47.8), "C": (4345, 5245, 23.8)}.items():
        full = _counts(
            {2013: l13, 2023: l23},
            {2013: 5 * l13, 2023: 5 * l13 * (1 + pct / 100)},
            range(2008, 2025),
        )
        series[("vat_enterprises", sector)] = {
            r: {y: v for y, v in values.items() if y in stock_years} for r, values in full.items()
        }
    s13, f13 = 5000.0, 40000.0
    series[("vat_starters", "TOTAL")] = _counts(
        {2013: s13, 2018: s13 * 1.092**5, 2023: s13 * 1.092**5 * 1.046**5},
        {2013: f13, 2018: f13 * 1.092**5, 2023: f13 * 1.092**5 * 1.05**5},
        range(2008, 2026),
    )
    for sector, (l13, l23, pct) in {"TOTAL": (20700, 22635, 10.6), "C": (1698, 1636, -5.8)}.items():
        series[("establishments_with_staff", sector)] = _counts(
            {2013: l13, 2023: l23},
            {2013: 8 * l13, 2023: 8 * l13 * (1 + pct / 100)},
            range(2008, 2025),
        )
    years = range(2012, 2025)
    js = {
        "BE22": {2012: 8.4, 2013: 9.0, 2015: 9.3, 2023: 6.2, 2024: 6.3},
        "BE2": {2012: 7.9, 2013: 8.4, 2023: 6.4, 2024: 6.6},
    }
    er = {
        "BE22": {2012: 69.1, 2013: 69.2, 2014: 69.1, 2015: 68.7, 2023: 76.4, 2024: 75.7},
        "BE2": {2012: 71.8, 2013: 71.9, 2023: 76.8, 2024: 77.0},
    }
    for indicator, anchors in (("job_seekers_rate_18_64", js), ("employment_rate_20_64", er)):
        regions = {r: _path(a, years, geometric=False) for r, a in anchors.items()}
        for k, region in enumerate(OTHERS):
            regions[region] = {y: v + 0.3 * (k - 1.5) for y, v in regions["BE2"].items()}
        series[(indicator, "TOTAL")] = regions
    return series


def _facts(series) -> pd.DataFrame:
    rows = []
    for (indicator, sector), regions in series.items():
        for region, values in regions.items():
            for year, value in values.items():
                rows.append(
                    {
                        "indicator_id": indicator,
                        "region_code": region,
                        "sector_code": sector,
                        "year": year,
                        "value": float(value),
                        "unit": "%" if indicator in RATES else "enterprises",
                        "obs_status": "modelled",
                        "source_id": "test",
                        "vintage": "2026-11-27",
                    }
                )
    return pd.DataFrame(rows)


def _changes(facts: pd.DataFrame) -> pd.DataFrame:
    values = facts.set_index(["indicator_id", "region_code", "sector_code", "year"])["value"]
    rows = []
    for (indicator, region, sector), _ in facts.groupby(
        ["indicator_id", "region_code", "sector_code"]
    ):
        for a, b in SPANS:
            if (indicator, region, sector, a) not in values or (
                indicator,
                region,
                sector,
                b,
            ) not in values:
                continue
            va, vb = values[(indicator, region, sector, a)], values[(indicator, region, sector, b)]
            rate = indicator in RATES
            rows.append(
                {
                    "indicator_id": indicator,
                    "region_code": region,
                    "sector_code": sector,
                    "from_year": a,
                    "to_year": b,
                    "value_from": va,
                    "value_to": vb,
                    "change_abs": None if rate else vb - va,
                    "change_pct": 100 * (vb / va - 1),
                    "change_ppt": vb - va if rate else None,
                    "cagr_pct": 100 * ((vb / va) ** (1 / (b - a)) - 1),
                    "unit": "x",
                    "obs_status": "modelled",
                }
            )
    return pd.DataFrame(rows)


def _gaps(facts: pd.DataFrame) -> pd.DataFrame:
    rates = facts[facts["indicator_id"].isin(RATES)]
    ref = rates[rates["region_code"] == "BE2"][["indicator_id", "sector_code", "year", "value"]]
    ref = ref.rename(columns={"value": "reference_value"})
    out = rates[rates["region_code"] != "BE2"].merge(
        ref, on=["indicator_id", "sector_code", "year"]
    )
    out["reference_region_code"] = "BE2"
    out["gap_pct"] = 100 * (out["value"] / out["reference_value"] - 1)
    return out[
        [
            "indicator_id",
            "region_code",
            "sector_code",
            "year",
            "value",
            "reference_region_code",
            "reference_value",
            "gap_pct",
            "obs_status",
        ]
    ]


def _figure_2(facts: pd.DataFrame) -> pd.DataFrame:
    """The Figure 2 mart: both rates side by side per region and year."""
    rates = facts[facts["indicator_id"].isin(["job_seekers_rate_18_64", "employment_rate_20_64"])]
    wide = rates.pivot_table(
        index=["region_code", "year"], columns="indicator_id", values="value"
    ).reset_index()
    return wide[["region_code", "year", "job_seekers_rate_18_64", "employment_rate_20_64"]]


@dataclass
class Build:
    facts: pd.DataFrame
    breaks: pd.DataFrame

    def write(self, path: Path) -> Path:
        con = duckdb.connect(str(path))
        tables = {
            ("marts", "fct_indicator_values"): self.facts,
            ("marts", "fct_indicator_changes"): _changes(self.facts),
            ("marts", "fct_gap_to_region"): _gaps(self.facts),
            ("marts", "article_figure_2_labour_market_rates"): _figure_2(self.facts),
            ("seeds", "ref_article_figures"): pd.read_csv(
                SEEDS_DIR / "ref_article_figures.csv", dtype={"period": str}
            ),
            ("seeds", "article_sector_labels"): pd.read_csv(
                SEEDS_DIR / "article_sector_labels.csv"
            ),
            ("meta", "known_series_breaks"): self.breaks,
        }
        for (schema, name), frame in tables.items():
            con.execute(f'create schema if not exists "{schema}"')
            con.register("frame", frame)
            con.execute(f'create table "{schema}"."{name}" as select * from frame')
            con.unregister("frame")
        con.close()
        return path


def make_build() -> Build:
    breaks = pd.read_csv(SEEDS_DIR / "known_series_breaks.csv", dtype=str, keep_default_na=False)
    return Build(facts=_facts(_series()), breaks=breaks)


def _run(build: Build, path: Path) -> CheckReport:
    return run_checks(build.write(path), only=list(CHECK_NAMES))


def _failing(report: CheckReport) -> list[str]:
    return [result.name for result in report.failed]


def _cell(facts: pd.DataFrame, indicator: str, region: str, sector: str, year: int) -> pd.Series:
    hit = (facts["indicator_id"] == indicator) & (facts["region_code"] == region)
    hit &= (facts["sector_code"] == sector) & (facts["year"] == year)
    assert hit.sum() == 1
    return hit


@pytest.fixture
def build_path(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"


def test_consistent_build_passes(build_path: Path) -> None:
    report = _run(make_build(), build_path)
    assert report.success, report.summary()
    assert [r.name for r in report.results] == list(CHECK_NAMES)
    assert all(r.rows_checked > 0 for r in report.results)
    assert (
        "40 published figures checked, all pass"
        in report["golden_enterprises_and_labour_market"].details
    )


def test_rate_above_100_fails_the_rate_check(build_path: Path) -> None:
    build = make_build()
    build.facts.loc[_cell(build.facts, "employment_rate_20_64", "BE23", "TOTAL", 2019), "value"] = (
        101.0
    )
    report = _run(build, build_path)
    assert _failing(report) == ["labour_market_rates_within_bounds"]
    result = report["labour_market_rates_within_bounds"]
    assert "employment_rate_20_64 BE23 2019" in result.details
    assert "rate within 0-100" in result.failed_rows[0]["failed_expectations"]


def _jump(build: Build, year: int) -> None:
    facts = build.facts
    hit = (facts["indicator_id"] == "employment_rate_20_64") & (facts["region_code"] == "BE21")
    facts.loc[hit & (facts["year"] >= year), "value"] += 4.0


def test_rate_jump_outside_a_break_fails(build_path: Path) -> None:
    build = make_build()
    _jump(build, 2019)
    report = _run(build, build_path)
    assert _failing(report) == ["labour_market_rates_within_bounds"]
    result = report["labour_market_rates_within_bounds"]
    assert [(r["region_code"], r["year"]) for r in result.failed_rows] == [("BE21", 2019)]
    assert result.failed_rows[0]["failed_expectations"] == ["year-on-year move within bounds"]


def test_rate_jump_at_a_seeded_break_passes(build_path: Path) -> None:
    build = make_build()
    _jump(build, 2017)  # the Labour Force Survey's 2017 redesign
    report = _run(build, build_path)
    assert report.success, report.summary()


def test_starters_above_the_stock_fail(build_path: Path) -> None:
    build = make_build()
    build.facts.loc[_cell(build.facts, "vat_starters", "BE24", "TOTAL", 2016), "value"] = 1e6
    report = _run(build, build_path)
    assert "vat_starters_within_stock" in _failing(report)
    result = report["vat_starters_within_stock"]
    assert [(r["region_code"], r["year"]) for r in result.failed_rows] == [("BE24", 2016)]


def test_changed_province_fails_the_provinces_sum(build_path: Path) -> None:
    build = make_build()
    build.facts.loc[
        _cell(build.facts, "establishments_with_staff", "BE25", "C", 2011), "value"
    ] += 40
    report = _run(build, build_path)
    assert _failing(report) == ["counts_provinces_sum_to_flemish_region"]
    result = report["counts_provinces_sum_to_flemish_region"]
    assert "establishments_with_staff C 2011" in result.details


def test_missing_year_fails_completeness(build_path: Path) -> None:
    build = make_build()
    gone = _cell(build.facts, "establishments_with_staff", "BE23", "TOTAL", 2016)
    build.facts = build.facts[~gone]
    report = _run(build, build_path)
    assert "series_complete" in _failing(report)
    result = report["series_complete"]
    assert "establishments_with_staff BE23 TOTAL 2008-2024: missing 2016" in result.details


def test_the_vat_gap_needs_its_seed_row(build_path: Path) -> None:
    build = make_build()
    build.breaks = build.breaks[build.breaks["flag_id"] != "vat_stock_2022_missing"]
    report = _run(build, build_path)
    assert _failing(report) == ["series_complete"]
    result = report["series_complete"]
    assert result.failed_row_count == 12  # 6 regions x TOTAL and C
    assert "missing 2022" in result.details


@pytest.mark.parametrize(
    ("indicator", "region", "year", "delta", "figure"),
    [
        ("employment_rate_20_64", "BE22", 2014, 0.2, "F2.employment_rate.2014"),
        ("job_seekers_rate_18_64", "BE2", 2024, 0.2, "F2.job_seekers_rate.2024.BE2"),
        ("vat_enterprises", "BE22", 2013, 1.0, "T1.vat_enterprises.TOTAL.2013"),
    ],
)
def test_a_wrong_value_fails_the_golden_check(
    build_path: Path, indicator: str, region: str, year: int, delta: float, figure: str
) -> None:
    build = make_build()
    build.facts.loc[_cell(build.facts, indicator, region, "TOTAL", year), "value"] += delta
    report = _run(build, build_path)
    assert "golden_enterprises_and_labour_market" in _failing(report)
    assert figure in report["golden_enterprises_and_labour_market"].details


def test_a_wrong_point_in_the_figure_2_mart_fails_its_golden_check(build_path: Path) -> None:
    """The facts are right, but the mart the report draws Figure 2 from is not."""
    make_build().write(build_path)
    con = duckdb.connect(str(build_path))
    con.execute(
        "update marts.article_figure_2_labour_market_rates "
        "set job_seekers_rate_18_64 = job_seekers_rate_18_64 * 1.5 "
        "where region_code = 'BE22' and year = 2015"
    )
    con.close()
    report = run_checks(build_path, only=list(CHECK_NAMES))
    assert _failing(report) == ["golden_figure_2"]
    assert "F2.job_seekers_rate.2015" in report["golden_figure_2"].details


def test_starters_growth_is_reconciled(build_path: Path) -> None:
    build = make_build()
    hit = (build.facts["indicator_id"] == "vat_starters") & (build.facts["region_code"] == "BE22")
    build.facts.loc[hit & (build.facts["year"] == 2023), "value"] *= 1.02
    report = _run(build, build_path)
    assert "golden_enterprises_and_labour_market" in _failing(report)
    details = report["golden_enterprises_and_labour_market"].details
    assert "X.vat_starters_growth.2018-2023 " in details
