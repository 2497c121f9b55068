"""Prefect flow `nightly_refresh`: extract -> load -> dbt build -> checks -> publish, then the
summary and the report of the new warehouse.

Write-audit-publish: everything is built in a new file under data/builds/<run_id>/ and swapped
over the published warehouse only when every stage passed. Any failure leaves the published
file untouched, keeps the build folder for inspection and raises RefreshError.

Each stage is one call into its package (extract, warehouse.load, warehouse.build,
expectations, warehouse.publish); the tasks only wrap them, so tests call them (or `task.fn`)
without Prefect.
"""

from __future__ import annotations

import contextlib
import os
import traceback
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from extract.extraction import extract_sources
from extract.live_config import read_live_config_file
from extract.paths import SNAPSHOT_DIR
from extract.results import Extracted
from warehouse.build.dbt_project import required_raw_tables
from warehouse.build.dbt_runner import run_dbt_build
from warehouse.config import DataPaths, disable_telemetry
from warehouse.faults import fault_point
from warehouse.files import check_storage_version
from warehouse.load.stage import LoadPlan, load_build, plan_load
from warehouse.meta.record import write_check_results
from warehouse.meta.run_log import (
    RUNNING,
    RunInfo,
    StageTiming,
    append_record,
    append_run_log,
    git_sha,
    lock_file_sha256,
    new_run_id,
    run_log_path,
)
from warehouse.publish.lock import run_lock
from warehouse.publish.recovery import prepare_run
from warehouse.publish.release import publish_release
from warehouse.publish.swap import PublishResult, prune_builds
from warehouse.read.report import DEFAULT_REGION, default_out_dir, write_report
from warehouse.read.summary import summarize

VERBOSE_ENV = "LIMWH_VERBOSE"  # set by `limwh -v`: dbt's full per-node output
# Before Prefect starts its ephemeral API server (which inherits this environment).
disable_telemetry()
STAGES = ("extract", "load", "dbt_build", "expectations", "publish", "summary", "report")


class RefreshError(RuntimeError):
    """A run failed at `stage`; the published warehouse is unchanged."""

    def __init__(self, stage: str, reason: str, run_id: str, build_dir: Path | None) -> None:
        self.stage = stage
        self.reason = reason
        self.run_id = run_id
        self.build_dir = build_dir
        super().__init__(f"refresh {run_id} failed at stage {stage}: {reason}")

    def one_line(self) -> str:
        first = (self.reason.strip().splitlines() or ["(no message)"])[0]
        where = f"; build kept in {self.build_dir}" if self.build_dir else ""
        return (
            f"refresh {self.run_id} failed at stage {self.stage}: {first}; the published "
            f"warehouse is unchanged{where}"
        )


class ChecksFailedError(RuntimeError):
    """The expectations rejected the build."""


# --- tasks: one call each into the stage's package ---------------------------------------

_task = {"retries": 0, "cache_policy": NO_CACHE}


@task(name="extract", **_task)
def extract_task(
    data_dir: str, run_id: str, live: bool, live_config: dict | None, snapshot_dir: str
) -> Extracted:
    """Store the snapshot's files (or fetch every live source) in the raw store, checked."""
    return extract_sources(
        Path(data_dir),
        run_id,
        live=live,
        snapshot_dir=snapshot_dir,
        required_raw_tables=required_raw_tables(),
        live_config=live_config,
        echo=_echo,
    )


@task(name="load", **_task)
def load_task(data_dir: str, run_id: str, extracted: Extracted) -> Path:
    return load_build(DataPaths(Path(data_dir)), run_id, extracted, echo=_echo).path


@task(name="dbt_build", **_task)
def dbt_build_task(build_file: str) -> Any:
    result = run_dbt_build(Path(build_file), echo=_echo, quiet=not verbose())
    check_storage_version(Path(build_file))
    return result


@task(name="expectations", **_task)
def expectations_task(build_file: str, run_id: str) -> Any:
    report = run_checks(Path(build_file))
    write_check_results(Path(build_file), report.to_rows(run_id), run_id)
    print(_indent(str(report)))
    if not report.success:
        names = ", ".join(r.name for r in report.failed) or "(no check ran)"
        raise ChecksFailedError(f"{len(report.failed)} check(s) failed: {names}")
    return report


@task(name="publish", **_task)
def publish_task(build_file: str, data_dir: str, run: RunInfo, plan: LoadPlan) -> PublishResult:
    return publish_release(
        Path(build_file),
        DataPaths(Path(data_dir)),
        run,
        plan.fingerprint.build_inputs(),
        published_run_id=plan.published_run_id,
        echo=_echo,
    )


@task(name="summary", **_task)
def summary_task(published: str) -> str:
    text = summarize(Path(published))
    print(text)
    return text


@task(name="report", **_task)
def report_task(published: str, data_dir: str) -> str:
    """The article's figures and tables for Limburg, in Dutch, redrawn from the new file."""
    out = default_out_dir(Path(data_dir), DEFAULT_REGION, "nl")
    result = write_report(Path(published), out, region_code=DEFAULT_REGION, lang="nl")
    print(f"  report: {result.page} (+ {len(result.pngs)} PNG figures)")
    print(f"  report values: {result.status_line()}")
    return str(result.page)


def run_checks(build_file: Path) -> Any:
    """Run the pre-publish checks; returns an expectations CheckReport (.success, .failed)."""
    import expectations  # imported late: Great Expectations takes seconds to import

    return expectations.run_checks(build_file)


# --- the flow -----------------------------------------------------------------------------


@flow(name="nightly_refresh", retries=0, log_prints=False, validate_parameters=False)
def nightly_refresh(
    data_dir: str | None = None,
    snapshot_dir: str | None = None,
    run_id: str | None = None,
    live: bool = False,
    live_config: dict | None = None,
    force: bool = False,
    live_config_file: str | None = None,
) -> dict:
    """Rebuild the warehouse from the snapshot (or, with `live`, from the publishers) and
    publish it if every check passes.

    `live_config_file` (the served deployment's): a live config read when the run starts,
    so an edit applies from the next night on; `live_config` (a mapping) wins over it.

    Returns the run record (as written to data/runs.jsonl) plus, for a live run,
    `source_faults`: one line per source whose fetch failed (its last good version was used);
    raises RefreshError on failure. When no input changed since the published build (see
    warehouse.load.fingerprint) the run is a no-op (outcome 'noop') unless `force`.
    """
    disable_telemetry()
    if live_config is None and live_config_file:
        live_config = read_live_config_file(live_config_file)
    paths = DataPaths.resolve(data_dir)
    paths.ensure()
    snapshot_dir = str(Path(snapshot_dir or SNAPSHOT_DIR).resolve())
    run = RunInfo(
        run_id=run_id or new_run_id(),
        started_at=datetime.now(UTC),
        data_dir=str(paths.root),
        git_sha=git_sha(),
        lock_sha256=lock_file_sha256(),
    )
    with run_lock(paths, run.run_id):
        return _run(run, paths, snapshot_dir, live, live_config, force=force)


def _run(
    run: RunInfo,
    paths: DataPaths,
    snapshot_dir: str,
    live: bool = False,
    live_config: dict | None = None,
    force: bool = False,
) -> dict:
    build_dir = paths.build_file(run.run_id).parent
    origin = "live publishers" if live else f"snapshot {snapshot_dir}"
    _echo(f"refresh {run.run_id}: data {paths.root}, {origin}")
    faults: list[str] = []
    try:
        published_run_id = prepare_run(paths, run.run_id, echo=_echo)
        append_record(
            run_log_path(paths),
            {"run_id": run.run_id, "started_at": run.started_at.isoformat(), "outcome": RUNNING},
        )
        with _stage(run, "extract"):
            extracted = extract_task(str(paths.root), run.run_id, live, live_config, snapshot_dir)
            faults = extracted.fault_lines()
            run.source_faults = faults
            run.snapshot_id = extracted.snapshot_id
            fault_point("extract")
            plan = plan_load(
                paths, extracted, run.lock_sha256, published_run_id=published_run_id, force=force
            )
        if plan.noop:
            return {**_noop(run, paths, plan), "source_faults": faults}
        _echo(f"  inputs changed since the published build: {'; '.join(plan.reasons)}")
        with _stage(run, "load"):
            build_file = load_task(str(paths.root), run.run_id, extracted)
        with _stage(run, "dbt_build"):
            dbt_build_task(str(build_file))
        with _stage(run, "expectations"):
            expectations_task(str(build_file), run.run_id)
            fault_point("expectations")
        with _stage(run, "publish"):
            result = publish_task(str(build_file), str(paths.root), run, plan)
            run.published_sha256 = result.sha256
    except Exception as exc:
        raise _failed(run, build_dir, exc, faults) from exc
    run.outcome = "published"
    _after_publish(run, paths)
    _echo(f"refresh {run.run_id}: published in {_seconds(run):.1f} s")
    for line in faults:
        _echo(f"  STALE SOURCE {line}")
    return {**run.to_json(), "source_faults": faults}


def _after_publish(run: RunInfo, paths: DataPaths) -> None:
    """The summary and the report of the published warehouse; neither can fail the run."""
    try:
        with _stage(run, "summary"):
            summary_task(str(paths.published))
    except Exception as exc:
        _echo(f"  (no summary: {type(exc).__name__}: {exc})")
    try:
        with _stage(run, "report"):
            report_task(str(paths.published), str(paths.root))
    except Exception as exc:
        # The previous report stays in place; `limwh report` can retry.
        _echo(f"  WARNING: report not written: {type(exc).__name__}: {exc}")
    run.finished_at = datetime.now(UTC)
    append_run_log(run_log_path(paths), run)
    prune_builds(paths, spare=run.run_id)


def _failed(run: RunInfo, build_dir: Path, exc: Exception, faults: list[str]) -> RefreshError:
    stage = run.stages[-1].stage if run.stages else "setup"
    run.outcome = "failed"
    run.failed_stage = stage
    run.reason = str(exc).strip() or type(exc).__name__
    if faults:
        run.reason += " (stale sources: " + "; ".join(faults) + ")"
    run.finished_at = datetime.now(UTC)
    # A full disk may be why the run failed: recording it must not hide what happened.
    unrecorded = []
    try:
        append_run_log(run_log_path(DataPaths(Path(run.data_dir))), run)
    except OSError as error:
        unrecorded.append(f"the run log ({error.strerror})")
    if build_dir.exists():
        try:
            (build_dir / "error.txt").write_text(
                "".join(traceback.format_exception(exc)), encoding="utf-8"
            )
        except OSError as error:
            unrecorded.append(f"error.txt ({error.strerror})")
    _echo(f"refresh {run.run_id}: FAILED at stage {run.failed_stage}")
    _echo(_indent(run.reason or ""))
    _echo("  the published warehouse is unchanged")
    if unrecorded:
        _echo(f"  could not write {' or '.join(unrecorded)}")
    if build_dir.exists():
        _echo(f"  build kept for inspection: {build_dir} (traceback in error.txt)")
    return RefreshError(stage, run.reason, run.run_id, build_dir if build_dir.exists() else None)


def _noop(run: RunInfo, paths: DataPaths, plan: LoadPlan) -> dict:
    run.outcome = "noop"
    run.reason = (
        f"no input changed since published run {plan.published_run_id} "
        f"(fingerprint {plan.fingerprint.digest[:12]}…: same raw files, code, seeds and lock "
        "file); nothing rebuilt"
    )
    run.finished_at = datetime.now(UTC)
    append_run_log(run_log_path(paths), run)
    _echo(f"refresh {run.run_id}: no-op: {run.reason}")
    _echo("  the published warehouse is unchanged; `limwh refresh --force` rebuilds anyway")
    return run.to_json()


@contextlib.contextmanager
def _stage(run: RunInfo, name: str) -> Iterator[None]:
    number = STAGES.index(name) + 1
    _echo(f"[{number}/{len(STAGES)}] {name} ...")
    started = datetime.now(UTC)
    outcome = "failed"
    try:
        yield
        outcome = "ok"
    finally:
        finished = datetime.now(UTC)
        run.stages.append(StageTiming(name, started, finished, outcome))
        seconds = (finished - started).total_seconds()
        _echo(f"[{number}/{len(STAGES)}] {name} {outcome} ({seconds:.1f} s)")


def _seconds(run: RunInfo) -> float:
    return ((run.finished_at or datetime.now(UTC)) - run.started_at).total_seconds()


def verbose() -> bool:
    return os.environ.get(VERBOSE_ENV, "") not in ("", "0", "false")


def _echo(message: str) -> None:
    print(message, flush=True)


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.splitlines())
