"""`dbt build` (seeds, models, tests) in-process against one build file."""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warehouse.config import DBT_PROJECT_DIR, disable_telemetry
from warehouse.faults import PAUSE_AT_ENV, fault_point

BUILD_PATH_ENV = "LIMWH_BUILD_PATH"  # read by dbt_project/profiles.yml
# Statuses of a node that did not come out right (RunStatus and TestStatus values).
FAILED_STATUSES = {"error", "fail", "runtime error"}


@dataclass(frozen=True)
class NodeFailure:
    unique_id: str
    status: str
    message: str

    def __str__(self) -> str:
        return f"{self.unique_id} [{self.status}]: {self.message}"

    def short(self) -> str:
        """One line: the node and the first line of dbt's message that says what went wrong."""
        lines = [ln.strip() for ln in self.message.splitlines() if ln.strip()]
        # dbt's first line often only repeats the node ("Runtime Error in test x (file)").
        useful = [ln for ln in lines if not re.match(r"^\w+ Error in \w+ ", ln)] or lines
        return f"{self.unique_id} [{self.status}]: {useful[0] if useful else '(no message)'}"


@dataclass(frozen=True)
class DbtBuildResult:
    nodes: int
    skipped: int
    warnings: int
    target_path: Path
    log_path: Path


class DbtBuildError(RuntimeError):
    """dbt build failed; `failures` names every failing node and its message."""

    def __init__(self, message: str, failures: list[NodeFailure] | None = None) -> None:
        self.failures = failures or []
        lines = [message] + [f"  - {f.short()}" for f in self.failures]
        super().__init__("\n".join(lines))


def run_dbt_build(
    build_file: Path,
    *,
    work_dir: Path | None = None,
    project_dir: Path = DBT_PROJECT_DIR,
    select: list[str] | None = None,
    echo: Callable[[str], None] = print,
    quiet: bool = True,
) -> DbtBuildResult:
    """Run `dbt build` (seeds, models, snapshots and tests) into `build_file`.

    dbt's target/ and logs/ go under `work_dir` (default: the build file's folder), so every
    build keeps its own manifest, run_results.json and dbt.log. Raises DbtBuildError listing the
    failing nodes. dbt-duckdb's connections are closed afterwards, whatever happened.

    quiet: instead of dbt's line per node (hundreds of tests), print one line per seed and
    model and only the tests that do not pass; dbt's own error report still shows.
    """
    from dbt.cli.main import dbtRunner  # heavy import, only when a build runs

    disable_telemetry()
    build_file = Path(build_file).resolve()
    work_dir = Path(work_dir or build_file.parent).resolve()
    target_path = work_dir / "dbt_target"
    log_path = work_dir / "dbt_logs"
    args = [
        "build",
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--target-path",
        str(target_path),
        "--log-path",
        str(log_path),
    ]
    if not sys.stdout.isatty():
        args.append("--no-use-colors")
    if select:
        args += ["--select", *select]
    callbacks = [_pause_for_fault_tests]
    if quiet:
        args.append("--quiet")
        callbacks.append(_progress_printer(echo))

    echo(f"dbt build into {build_file}")
    with environment(
        **{BUILD_PATH_ENV: str(build_file), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    ):
        # A log handler that cannot write (a full disk) must not print a traceback per log
        # line on the terminal: the failure itself is reported once, by the caller.
        raised, logging.raiseExceptions = logging.raiseExceptions, False
        try:
            res = dbtRunner(callbacks=callbacks).invoke(args)
        finally:
            logging.raiseExceptions = raised
            close_dbt_connections()

    if res.exception is not None:
        raise DbtBuildError(f"dbt build could not run: {res.exception}") from res.exception
    results = list(getattr(res.result, "results", None) or [])
    failures = [
        NodeFailure(r.node.unique_id, str(r.status), (r.message or "").strip())
        for r in results
        if str(r.status) in FAILED_STATUSES
    ]
    if failures or not res.success:
        raise DbtBuildError(
            f"dbt build failed: {len(failures)} node(s) failed (log: {log_path / 'dbt.log'})",
            failures,
        )
    skipped = sum(1 for r in results if str(r.status) == "skipped")
    warnings = sum(1 for r in results if str(r.status) == "warn")
    kinds = Counter(r.node.resource_type for r in results)
    counted = ", ".join(f"{n} {kind}(s)" for kind, n in sorted(kinds.items()))
    echo(f"dbt build ok: {counted}; {warnings} warning(s), {skipped} skipped")
    return DbtBuildResult(len(results), skipped, warnings, target_path, log_path)


def _progress_printer(echo: Callable[[str], None]) -> Callable[[Any], None]:
    def on_event(event: Any) -> None:
        if event.info.name != "NodeFinished":
            return
        with contextlib.suppress(AttributeError):
            node = event.data.node_info
            result = event.data.run_result
            kind, status = node.resource_type, str(result.status)
            if kind == "test" and status == "pass":
                return
            name = node.unique_id.split(".", 2)[-1] if kind != "test" else node.node_name
            echo(f"  {kind} {name}: {status} ({result.execution_time:.1f} s)")

    return on_event


def _pause_for_fault_tests(event: Any) -> None:
    # With dbt's DuckDB connection open and a model written: the crash tests kill here.
    if event.info.name == "NodeFinished" and os.environ.get(PAUSE_AT_ENV) == "dbt_build":
        with contextlib.suppress(AttributeError):
            if event.data.node_info.resource_type == "model":
                fault_point("dbt_build")


def close_dbt_connections() -> None:
    """Close dbt-duckdb's DuckDB instance so the build file can be reopened in this process.

    dbt-duckdb keeps one environment (and its DuckDB connection) per process after a
    programmatic run; its own close_all_connections only forgets it without closing
    (duckdb/dbt-duckdb#616).
    """
    with contextlib.suppress(Exception):
        from dbt.adapters.factory import cleanup_connections

        cleanup_connections()
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:
        return
    with DuckDBConnectionManager._LOCK:
        env, DuckDBConnectionManager._ENV = DuckDBConnectionManager._ENV, None
    if env is not None:
        with contextlib.suppress(Exception):
            env.close()
    gc.collect()


@contextlib.contextmanager
def environment(**values: str) -> Iterator[None]:
    """Set environment variables for the duration of a dbt invocation."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old
