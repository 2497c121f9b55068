"""Results of the pre-publish checks: one CheckResult per check, gathered in a CheckReport."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# Column order of `meta.check_results` (the orchestrator creates and fills the table).
CHECK_RESULTS_COLUMNS = (
    "run_id",
    "check_name",
    "success",
    "rows_checked",
    "failed_row_count",
    "details",
    "failed_rows_json",
    "build_path",
    "checked_at",
)


@dataclass
class CheckResult:
    """One check: its stable name, the verdict, a readable explanation and the rows that fail."""

    name: str
    success: bool
    details: str
    failed_rows: list[dict[str, Any]] = field(default_factory=list)
    rows_checked: int = 0
    # Failing rows in total; failed_rows may be capped.
    failed_row_count: int = 0

    def line(self) -> str:
        return f"{'PASS' if self.success else 'FAIL'}  {self.name}: {self.details}"


@dataclass
class CheckReport:
    """Every check of one build. `success` only if every check passed (and there was one)."""

    build_path: Path
    results: list[CheckResult]
    checked_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def success(self) -> bool:
        return bool(self.results) and all(result.success for result in self.results)

    @property
    def failed(self) -> list[CheckResult]:
        return [result for result in self.results if not result.success]

    def __getitem__(self, name: str) -> CheckResult:
        for result in self.results:
            if result.name == name:
                return result
        raise KeyError(name)

    def to_rows(self, run_id: str | None = None) -> list[dict[str, Any]]:
        """Rows for `meta.check_results`, keys in CHECK_RESULTS_COLUMNS order."""
        return [
            {
                "run_id": run_id,
                "check_name": result.name,
                "success": result.success,
                "rows_checked": result.rows_checked,
                "failed_row_count": result.failed_row_count,
                "details": result.details,
                "failed_rows_json": json.dumps(_jsonable(result.failed_rows), ensure_ascii=False),
                "build_path": str(self.build_path),
                "checked_at": self.checked_at,
            }
            for result in self.results
        ]

    def summary(self) -> str:
        passed = sum(result.success for result in self.results)
        verdict = "PASSED" if self.success else "FAILED"
        lines = [
            f"Checks {verdict}: {passed} of {len(self.results)} passed ({self.build_path})",
            *(f"  {result.line()}" for result in self.results),
        ]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _jsonable(value: Any) -> Any:
    """Plain JSON types: NaN becomes null, numpy scalars become Python numbers."""
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
