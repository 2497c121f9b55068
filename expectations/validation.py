"""Great Expectations 1.x over pandas DataFrames: one ephemeral context per run.

GX 1.24 over DuckDB through SQLAlchemy computes nothing (DESIGN.md), so every check reads its
DataFrame from DuckDB first and GX validates the DataFrame.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from expectations.report import CheckResult
from warehouse.config import disable_telemetry

MAX_FAILED_ROWS = 500
NAMED_IN_DETAILS = 10


@dataclass(frozen=True)
class Rule:
    """One expectation with the wording used in the details of a failure."""

    label: str
    expectation: Any


class GxValidator:
    def __init__(self) -> None:
        disable_telemetry()
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self._gx = gx
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(
            globally=False, metric_calculations=False
        )
        self._datasource = self.context.data_sources.add_pandas("build_checks")

    def validate(
        self,
        name: str,
        df: pd.DataFrame,
        rules: Sequence[Rule],
        describe: Callable[[dict[str, Any]], str],
        noun: str = "rows",
        note: str = "",
    ) -> CheckResult:
        """Validate `df` against a suite made of `rules`; name the failing rows in the details."""
        df = df.reset_index(drop=True)
        suite = self._gx.ExpectationSuite(name=f"{name}_suite")
        for rule in rules:
            # The label travels in meta, so each result finds its wording again.
            rule.expectation.meta = {**(rule.expectation.meta or {}), "rule_label": rule.label}
            suite.add_expectation(rule.expectation)
        asset = self._datasource.add_dataframe_asset(name=name)
        batch_definition = asset.add_batch_definition_whole_dataframe(f"{name}_whole")
        batch = batch_definition.get_batch(batch_parameters={"dataframe": df})
        outcome = batch.validate(suite, result_format="COMPLETE")

        failures_by_row: dict[int, list[str]] = {}
        table_failures: list[str] = []
        if len(outcome.results) != len(rules):
            table_failures.append(f"GX returned {len(outcome.results)} of {len(rules)} results")
        for result in outcome.results:
            config = result.expectation_config
            label = (config.meta or {}).get("rule_label", config.type)
            errors = _exception_messages(result.exception_info)
            if errors:
                table_failures.append(f"{label}: GX error {'; '.join(errors)}")
                continue
            if result.success:
                continue
            indexes = (result.result or {}).get("unexpected_index_list")
            if indexes:
                for index in indexes:
                    failures_by_row.setdefault(int(index), []).append(label)
            else:
                observed = (result.result or {}).get("observed_value")
                table_failures.append(f"{label} (observed {observed})")

        failed_rows = []
        for index in sorted(failures_by_row):
            row = _plain(df.iloc[index].to_dict())
            row["failed_expectations"] = failures_by_row[index]
            failed_rows.append(row)

        success = bool(outcome.success) and not table_failures and not failed_rows
        details = _details(len(df), noun, rules, failed_rows, table_failures, describe, success)
        if note:
            details = f"{details} {note}"
        return CheckResult(
            name=name,
            success=success,
            details=details,
            failed_rows=failed_rows[:MAX_FAILED_ROWS],
            rows_checked=len(df),
            failed_row_count=len(failed_rows),
        )


def _exception_messages(info: Any) -> list[str]:
    """GX reports errors flat ({raised_exception, exception_message}) or keyed by metric."""
    if not isinstance(info, dict):
        return []
    if "raised_exception" in info:
        if info.get("raised_exception"):
            return [str(info.get("exception_message") or "unknown error").rstrip(".")]
        return []
    return sorted({m for value in info.values() for m in _exception_messages(value)})


def _details(
    n_rows: int,
    noun: str,
    rules: Sequence[Rule],
    failed_rows: list[dict[str, Any]],
    table_failures: list[str],
    describe: Callable[[dict[str, Any]], str],
    success: bool,
) -> str:
    if success:
        return f"{n_rows} {noun} checked, all pass ({'; '.join(rule.label for rule in rules)})."
    parts = []
    if table_failures:
        parts.append("; ".join(table_failures))
    if failed_rows:
        named = [
            f"{describe(row)} [{', '.join(row['failed_expectations'])}]"
            for row in failed_rows[:NAMED_IN_DETAILS]
        ]
        more = len(failed_rows) - len(named)
        tail = f"; and {more} more" if more > 0 else ""
        parts.append(f"{len(failed_rows)} of {n_rows} {noun} fail: {'; '.join(named)}{tail}")
    return " ".join(parts) + "."


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """JSON-friendly values: numpy scalars to Python, NaN/NA to None."""
    plain: dict[str, Any] = {}
    for key, value in row.items():
        if value is pd.NA or value is pd.NaT:
            value = None
        elif hasattr(value, "item") and not isinstance(value, str | bytes):
            value = value.item()
        if isinstance(value, float) and not math.isfinite(value):
            value = None
        plain[str(key)] = value
    return plain


def fmt(value: Any, digits: int = 1, pct: bool = False) -> str:
    """A number for the details text (n/a when missing)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    text = f"{value:+,.{digits}f}" if pct else f"{value:,.{digits}f}"
    return f"{text}%" if pct else text


def growth_bound_rules() -> list[Rule]:
    """The rules of a year-on-year growth check on a frame with growth_pct and its bounds
    min_growth_pct and max_growth_pct (NULL growth: the previous year was zero)."""
    import great_expectations.expectations as gxe

    return [
        Rule("growth rates present", gxe.ExpectTableRowCountToBeBetween(min_value=1)),
        Rule(
            "growth computable (previous year not zero)",
            gxe.ExpectColumnValuesToNotBeNull(column="growth_pct"),
        ),
        Rule(
            "growth >= lower bound",
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="growth_pct", column_B="min_growth_pct", or_equal=True
            ),
        ),
        Rule(
            "growth <= upper bound",
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="max_growth_pct", column_B="growth_pct", or_equal=True
            ),
        ),
    ]
