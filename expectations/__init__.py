"""Great Expectations suites (as code) that a build must pass before it is published.

from expectations import run_checks
report = run_checks(build_path)   # CheckReport: .success, .results, .to_rows(), .summary()
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from expectations.report import CHECK_RESULTS_COLUMNS, CheckReport, CheckResult

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["CHECK_RESULTS_COLUMNS", "CheckReport", "CheckResult", "check_names", "run_checks"]


def run_checks(build_path: Path, only: Iterable[str] | None = None) -> CheckReport:
    """Run the checks on a build file (read-only). Importing GX takes seconds, so it is
    deferred until a run."""
    from expectations.runner import run_checks as _run_checks

    return _run_checks(build_path, only)


def check_names() -> list[str]:
    from expectations.runner import CHECKS

    return list(CHECKS)
