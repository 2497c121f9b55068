"""The article's statements in words (comparisons, turning points, rankings), each checked on
the build: a statement the data no longer supports fails the check and names itself.

The ids follow the reference list of the article's claims (C01-C15). Each statement is
written in the form it is tested in; `observed` says what the data shows, pass or fail.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import great_expectations.expectations as gxe
import pandas as pd

from expectations.reader import MARTS, BuildReader
from expectations.report import CheckResult
from expectations.validation import GxValidator, Rule

PROVINCES = ("BE21", "BE22", "BE23", "BE24", "BE25")
LIMBURG, FLANDERS = "BE22", "BE2"


class Facts:
    """The marts' values a statement is about, read once per build."""

    def __init__(self, reader: BuildReader) -> None:
        # Only the regions the statements are about: the marts may hold many more.
        values = reader.df(
            f"select indicator_id, region_code, sector_code, year, value "
            f"from {reader.table('fct_indicator_values', MARTS)} "
            f"where value is not null and list_contains(?, region_code)",
            [[FLANDERS, *PROVINCES]],
        )
        columns = (values[c].tolist() for c in values.columns)
        self.values = {
            (indicator, region, sector, int(year)): float(value)
            for indicator, region, sector, year, value in zip(*columns, strict=True)
            if not pd.isna(value)
        }
        gaps = reader.df(
            f"select indicator_id, region_code, year, gap_pct "
            f"from {reader.table('fct_gap_to_region', MARTS)} "
            f"where sector_code = 'TOTAL' and reference_region_code = '{FLANDERS}'"
        )
        self.gaps = {
            (r.indicator_id, r.region_code, int(r.year)): float(r.gap_pct)
            for r in gaps.itertuples()
            if not pd.isna(r.gap_pct)
        }
        self.table_2 = reader.df(
            f"select region_code, row_order, sector_code, change_abs, change_pct "
            f"from {reader.table('article_table_2_employment_by_sector', MARTS)} "
            f"order by region_code, row_order"
        )

    def value(self, indicator: str, region: str, year: int, sector: str = "TOTAL") -> float:
        try:
            return self.values[(indicator, region, sector, year)]
        except KeyError:
            raise LookupError(f"no {indicator} {region} {sector} {year}") from None

    def change(self, indicator: str, region: str, start: int, end: int, sector: str) -> float:
        """The change in points (rates, shares) from start to end."""
        return self.value(indicator, region, end, sector) - self.value(
            indicator, region, start, sector
        )

    def growth_pct(self, indicator: str, region: str, start: int, end: int) -> float:
        return 100 * (self.value(indicator, region, end) / self.value(indicator, region, start) - 1)

    def cagr_pct(self, indicator: str, region: str, start: int, end: int) -> float:
        ratio = self.value(indicator, region, end) / self.value(indicator, region, start)
        return 100 * (ratio ** (1 / (end - start)) - 1)

    def gap(self, indicator: str, year: int) -> float:
        try:
            return self.gaps[(indicator, LIMBURG, year)]
        except KeyError:
            raise LookupError(f"no gap of {indicator} {LIMBURG} to {FLANDERS} in {year}") from None

    def table_2_change_pct(self, region: str, sector: str) -> float:
        t = self.table_2
        rows = t[(t.region_code == region) & (t.sector_code == sector)]
        if rows.empty:
            raise LookupError(f"no Table 2 row {region} {sector}")
        return float(rows.change_pct.iloc[0])


Test = Callable[[Facts], tuple[bool, str]]


@dataclass(frozen=True)
class Claim:
    claim_id: str
    statement: str
    test: Test


def _peak_2015(f: Facts) -> tuple[bool, str]:
    rates = {y: f.value("job_seekers_rate_18_64", LIMBURG, y) for y in range(2012, 2025)}
    peak = max(rates, key=rates.__getitem__)
    return peak == 2015, f"highest in {peak} ({rates[peak]:.1f}%)"


def _below(indicator: str, year: int) -> Test:
    def test(f: Facts) -> tuple[bool, str]:
        mine, theirs = f.value(indicator, LIMBURG, year), f.value(indicator, FLANDERS, year)
        return mine < theirs, f"BE22 {mine:.1f} against BE2 {theirs:.1f}"

    return test


def _fell(indicator: str, start: int, end: int) -> Test:
    def test(f: Facts) -> tuple[bool, str]:
        before, after = f.value(indicator, LIMBURG, start), f.value(indicator, LIMBURG, end)
        return after < before, f"{start} {before:.1f}, {end} {after:.1f}"

    return test


def _rose_more(f: Facts) -> tuple[bool, str]:
    ind = "employment_rate_20_64"
    mine = f.change(ind, LIMBURG, 2015, 2023, "TOTAL")
    theirs = f.change(ind, FLANDERS, 2015, 2023, "TOTAL")
    return mine > theirs, f"BE22 {mine:+.1f} points against BE2 {theirs:+.1f}"


def _gap_widened(indicator: str, years: tuple[int, ...]) -> Test:
    def test(f: Facts) -> tuple[bool, str]:
        gaps = [f.gap(indicator, y) for y in years]  # newest first: ever more negative
        seen = ", ".join(f"{y} {g:.1f}%" for y, g in zip(years, gaps, strict=True))
        return all(a < b for a, b in itertools.pairwise(gaps)), seen

    return test


def _fell_most(indicator: str, every_province_fell: bool = False) -> Test:
    def test(f: Facts) -> tuple[bool, str]:
        change = {r: f.change(indicator, r, 2003, 2023, "C") for r in PROVINCES}
        most = min(change, key=change.__getitem__)
        holds = most == LIMBURG and (not every_province_fell or max(change.values()) < 0)
        return holds, ", ".join(f"{r} {c:+.1f}" for r, c in change.items())

    return test


def _share_above(f: Facts) -> tuple[bool, str]:
    ind = "manufacturing_share_of_employees"
    mine, theirs = f.value(ind, LIMBURG, 2023, "C"), f.value(ind, FLANDERS, 2023, "C")
    return mine > theirs, f"BE22 {mine:.1f}% against BE2 {theirs:.1f}%"


def _sharpest_fall_2015(f: Facts) -> tuple[bool, str]:
    ind = "manufacturing_share_of_employees"
    steps = {y: f.change(ind, LIMBURG, y - 1, y, "C") for y in range(2004, 2024)}
    worst = min(steps, key=steps.__getitem__)
    return worst == 2015, f"sharpest fall {worst - 1}-{worst} ({steps[worst]:+.2f} points)"


def _tourism_faster(f: Facts) -> tuple[bool, str]:
    seen, holds = [], True
    for sector in ("hospitality", "arts_recreation"):
        mine = f.table_2_change_pct(LIMBURG, sector)
        theirs = f.table_2_change_pct(FLANDERS, sector)
        holds &= mine > theirs
        seen.append(f"{sector} BE22 {mine:+.1f}% against BE2 {theirs:+.1f}%")
    return holds, "; ".join(seen)


def _table_2_sorted(f: Facts) -> tuple[bool, str]:
    rows = f.table_2[f.table_2.region_code == LIMBURG]
    sectors = rows[rows.sector_code != "TOTAL"].change_abs.tolist()
    last = rows.sector_code.iloc[-1] if len(rows) else None
    ordered = all(a >= b for a, b in itertools.pairwise(sectors))
    return ordered and last == "TOTAL", f"{len(sectors)} sectors, last row {last}"


def _starters_pace(f: Facts) -> tuple[bool, str]:
    early = [round(f.cagr_pct("vat_starters", r, 2013, 2018), 1) for r in (LIMBURG, FLANDERS)]
    late = [f.cagr_pct("vat_starters", r, 2018, 2023) for r in (LIMBURG, FLANDERS)]
    holds = early[0] == early[1] and late[0] < late[1]
    return holds, (
        f"2013-2018 BE22 {early[0]:.1f}% BE2 {early[1]:.1f}% a year; "
        f"2018-2023 BE22 {late[0]:.2f}% BE2 {late[1]:.2f}%"
    )


def _grew_less(f: Facts) -> tuple[bool, str]:
    seen, holds = [], True
    for ind in ("vat_enterprises", "establishments_with_staff"):
        mine, theirs = (f.growth_pct(ind, r, 2013, 2023) for r in (LIMBURG, FLANDERS))
        holds &= mine < theirs
        seen.append(f"{ind} BE22 {mine:+.1f}% against BE2 {theirs:+.1f}%")
    return holds, "; ".join(seen)


CLAIMS = (
    Claim("C01", "Limburg's job-seekers rate is highest of 2012-2024 in 2015", _peak_2015),
    Claim(
        "C02",
        "In 2024 Limburg's job-seekers rate is below the Flemish Region's",
        _below("job_seekers_rate_18_64", 2024),
    ),
    Claim(
        "C03",
        "Limburg's employment rate fell from 2014 to 2015",
        _fell("employment_rate_20_64", 2014, 2015),
    ),
    Claim(
        "C04",
        "From 2015 to 2023 Limburg's employment rate rose more than the Flemish Region's",
        _rose_more,
    ),
    Claim(
        "C05",
        "Limburg's employment rate fell from 2023 to 2024",
        _fell("employment_rate_20_64", 2023, 2024),
    ),
    Claim(
        "C06",
        "Limburg's productivity gap to the Flemish Region widened: 2022 < 2013 < 2003",
        _gap_widened("gva_per_hour", (2022, 2013, 2003)),
    ),
    Claim(
        "C07",
        "Limburg's GDP-per-inhabitant gap to the Flemish Region widened from 2013 to 2023",
        _gap_widened("gdp_per_inhabitant", (2023, 2013)),
    ),
    Claim(
        "C08",
        "Limburg's manufacturing share of employees fell most of the five provinces, 2003-2023",
        _fell_most("manufacturing_share_of_employees"),
    ),
    Claim(
        "C09",
        "In 2023 Limburg's manufacturing share of employees is above the Flemish Region's",
        _share_above,
    ),
    Claim(
        "C10",
        "Limburg's manufacturing share of employees fell most from 2014 to 2015",
        _sharpest_fall_2015,
    ),
    Claim(
        "C11",
        "Manufacturing's share of value added fell in every province 2003-2023, most in Limburg",
        _fell_most("manufacturing_share_of_gva", every_province_fell=True),
    ),
    Claim(
        "C12",
        "Limburg's hospitality and arts and recreation grew faster than the Flemish Region's",
        _tourism_faster,
    ),
    Claim(
        "C13",
        "Table 2 lists Limburg's sectors by decreasing change in employees, the total last",
        _table_2_sorted,
    ),
    Claim(
        "C14",
        "Starters grew at the same pace as in Flanders 2013-2018 and slower 2018-2023",
        _starters_pace,
    ),
    Claim(
        "C15",
        "Enterprises and establishments with staff grew less in Limburg than in Flanders",
        _grew_less,
    ),
)


def claims_frame(reader: BuildReader) -> pd.DataFrame:
    """One row per claim: whether the build supports it and what it shows."""
    facts = Facts(reader)
    rows = []
    for claim in CLAIMS:
        try:
            holds, observed = claim.test(facts)
        except (LookupError, ZeroDivisionError) as error:
            holds, observed = False, f"cannot be tested: {error}"
        rows.append(
            {
                "claim_id": claim.claim_id,
                "statement": claim.statement,
                "holds": bool(holds),
                "observed": observed,
            }
        )
    return pd.DataFrame(rows)


def check_article_claims(reader: BuildReader, validator: GxValidator) -> CheckResult:
    df = claims_frame(reader)
    rules = [
        Rule("every claim tested", gxe.ExpectTableRowCountToEqual(value=len(CLAIMS))),
        Rule("claim holds", gxe.ExpectColumnValuesToBeInSet(column="holds", value_set=[True])),
    ]

    def describe(row: dict) -> str:
        return f"{row['claim_id']} {row['statement']}: {row['observed']}"

    return validator.validate(
        "article_claims_hold",
        df,
        rules,
        describe,
        noun="statements of the article",
        note="(the article's statements in words, expectations/claims.py)",
    )
