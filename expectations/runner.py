"""Run every check on a build file before it is published (write-audit-publish)."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable
from pathlib import Path

from expectations.bounds import (
    check_growth_within_bounds,
    check_rates_within_bounds,
    check_starters_within_stock,
)
from expectations.claims import check_article_claims
from expectations.completeness import check_series_complete
from expectations.domain import check_levels_growth_within_bounds, check_values_in_domain
from expectations.employment_bounds import check_employees_within_employment
from expectations.golden import (
    check_golden_enterprises_and_labour_market,
    check_golden_figure_2,
    check_golden_regional_accounts,
    check_golden_table_2,
)
from expectations.partitions import (
    check_counts_provinces_sum_to_region,
    check_provinces_sum_to_flemish_region,
    check_table_2_clusters,
    check_table_3_subsectors,
)
from expectations.reader import BuildReader
from expectations.report import CheckReport, CheckResult
from expectations.validation import GxValidator

Check = Callable[[BuildReader, GxValidator], CheckResult]

# Stable names (they key meta.check_results) -> check.
CHECKS: dict[str, Check] = {
    "table_2_clusters_sum_to_total": check_table_2_clusters,
    "provinces_sum_to_flemish_region": check_provinces_sum_to_flemish_region,
    "table_3_subsectors_sum_to_manufacturing": check_table_3_subsectors,
    "employees_growth_within_bounds": check_growth_within_bounds,
    "golden_table_2": check_golden_table_2,
    "golden_regional_accounts": check_golden_regional_accounts,
    "labour_market_rates_within_bounds": check_rates_within_bounds,
    "vat_starters_within_stock": check_starters_within_stock,
    "counts_provinces_sum_to_flemish_region": check_counts_provinces_sum_to_region,
    "series_complete": check_series_complete,
    "golden_enterprises_and_labour_market": check_golden_enterprises_and_labour_market,
    "golden_figure_2": check_golden_figure_2,
    "indicator_values_in_domain": check_values_in_domain,
    "level_growth_within_bounds": check_levels_growth_within_bounds,
    "article_claims_hold": check_article_claims,
    "employees_within_employment": check_employees_within_employment,
}


def run_checks(build_path: Path, only: Iterable[str] | None = None) -> CheckReport:
    """Validate the build file read-only. A check that cannot run (a missing table, bad SQL)
    fails with the reason; it never passes by default."""
    build_path = Path(build_path)
    if not build_path.is_file():
        raise FileNotFoundError(f"build file not found: {build_path}")
    names = list(CHECKS) if only is None else list(only)
    unknown = [name for name in names if name not in CHECKS]
    if unknown:
        raise ValueError(f"unknown checks {unknown}; known: {list(CHECKS)}")
    validator = GxValidator()
    reader = BuildReader.open(build_path)
    try:
        results = [_run_one(name, CHECKS[name], reader, validator) for name in names]
    finally:
        reader.close()
    return CheckReport(build_path=build_path, results=results)


def _run_one(name: str, check: Check, reader: BuildReader, validator: GxValidator) -> CheckResult:
    try:
        return check(reader, validator)
    except Exception as error:  # any error is a failed check, reported, not a crash
        where = traceback.extract_tb(error.__traceback__)[-1]
        return CheckResult(
            name=name,
            success=False,
            details=(
                f"could not run: {type(error).__name__}: {error}"
                f" ({Path(where.filename).name}:{where.lineno})"
            ),
        )


# The domain checks of every indicator, over every source and vintage.
DOMAIN_CHECKS = ("indicator_values_in_domain", "level_growth_within_bounds")

# The article's statements in words: they need every article mart.
CLAIM_CHECKS = ("article_claims_hold",)

# The modelled employees against Eurostat's real employment, group by group.
REAL_EMPLOYMENT_CHECKS = ("employees_within_employment",)

# The checks of the enterprise and labour-market indicators (Statbel, RSZ, VDAB, Eurostat).
ENTERPRISE_AND_LABOUR_CHECKS = (
    "labour_market_rates_within_bounds",
    "vat_starters_within_stock",
    "counts_provinces_sum_to_flemish_region",
    "series_complete",
    "golden_enterprises_and_labour_market",
    "golden_figure_2",
)
