"""Prefect flow `nightly_refresh`: extract -> load -> dbt build -> checks -> publish -> summary
-> report.

Write-audit-publish: everything is built in a new file under data/builds/<run_id>/ and swapped
over the published warehouse only when every stage passed. Any failure leaves the published
file untouched, keeps the build folder for inspection and raises RefreshError.

The work itself lives in plain functions (warehouse.*, extract.*, expectations.*); the tasks
only wrap them, so tests call them (or `task.fn`) without Prefect.
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

from extract.snapshot import Snapshot, load_manifest
from warehouse import build as wb
from warehouse import exports as wx
from warehouse import fingerprint as wfp
from warehouse import operations as ops
from warehouse.config import SNAPSHOT_DIR, DataPaths, disable_telemetry
from warehouse.dbt_runner import run_dbt_build
from warehouse.faults import fault_point
from warehouse.load import load_snapshot_into
from warehouse.publish import PublishResult, prune_builds, publish, run_lock
from warehouse.raw_store import store_snapshot
from warehouse.report import DEFAULT_REGION, default_out_dir, write_report
from warehouse.summary import summarize
from warehouse.vintages import write_live_vintages, write_snapshot_vintages

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
        return f"refresh {self.run_id} failed at stage {self.stage}: {first}{where}"


class ChecksFailedError(RuntimeError):
    """The expectations rejected the build."""


# --- tasks: thin wrappers over the plain functions ----------------------------------------

_task = {"retries": 0, "cache_policy": NO_CACHE}


@task(name="extract", **_task)
def extract_task(snapshot_dir: str, raw_store: str, run_id: str) -> Snapshot:
    """Check the snapshot against its manifest and store its files in the raw store."""
    snapshot = load_manifest(snapshot_dir)
    stored = store_snapshot(snapshot, Path(raw_store), run_id)
    print(f"  stored {len(stored.files)} file(s) of snapshot {snapshot.snapshot_id} in {raw_store}")
    return stored


@task(name="extract_live", **_task)
def extract_live_task(
    data_dir: str, run_id: str, live_config: dict | None, snapshot_dir: str
) -> Any:
    """Fetch every live source (or read its inbox), check it, store it in the raw store."""
    from extract.live import LiveConfig, extract_live

    return extract_live(
        data_dir, run_id, config=LiveConfig.from_mapping(live_config), snapshot_dir=snapshot_dir
    )


@task(name="load", **_task)
def load_task(build_file: str, snapshot: Snapshot) -> Any:
    return load_raw(Path(build_file), snapshot)


@task(name="dbt_build", **_task)
def dbt_build_task(build_file: str) -> Any:
    return run_dbt_build(Path(build_file), echo=_echo, quiet=not verbose())


@task(name="expectations", **_task)
def expectations_task(build_file: str, run_id: str) -> Any:
    report = run_checks(Path(build_file))
    wb.write_check_results(Path(build_file), report, run_id)
    print(_indent(str(report)))
    if not report.success:
        names = ", ".join(r.name for r in report.failed) or "(no check ran)"
        raise ChecksFailedError(f"{len(report.failed)} check(s) failed: {names}")
    return report


@task(name="publish", **_task)
def publish_task(
    build_file: str, data_dir: str, run: wb.RunInfo, fingerprint: Any = None
) -> PublishResult:
    paths = DataPaths(Path(data_dir))
    wb.write_run_meta(Path(build_file), run, previous=paths.published)
    _before_publish(Path(build_file), paths, run, fingerprint)
    result = publish(Path(build_file), paths, keep_releases=ops.keep_releases())
    kept = f"; previous kept as {result.release.name}" if result.release else ""
    print(f"  published {result.published} (sha256 {result.sha256[:12]}…){kept}")
    _after_publish(paths, run)
    return result


def _before_publish(build_file: Path, paths: DataPaths, run: wb.RunInfo, fingerprint: Any) -> None:
    """Record the build's inputs and schema diff in its `meta`, and write its BI exports."""
    changes = ops.record_build_meta(
        build_file, run.run_id, fingerprint, paths.published, wb.run_log_path(paths)
    )
    for c in changes:
        column = f".{c['column_name']}" if c["column_name"] else ""
        types = f" ({c['old_type'] or ''} -> {c['new_type'] or ''})" if c["column_name"] else ""
        table = f"{c['table_schema']}.{c['table_name']}"
        print(f"  schema change: {c['change']} {table}{column}{types}")
    folder = wx.write_exports(build_file, paths, run.run_id)
    print(f"  exports written to {folder}")


def _after_publish(paths: DataPaths, run: wb.RunInfo) -> None:
    link = wx.activate(paths, run.run_id)
    from warehouse.rollback import releases

    wx.prune(paths, {run.run_id, *(r.run_id for r in releases(paths))})
    print(f"  BI exports: {link}/ (<mart>.parquet, <mart>.csv, manifest.json)")


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
    return str(result.page)


# --- the stages' work, outside Prefect ----------------------------------------------------


def load_raw(build_file: Path, snapshot: Snapshot) -> Any:
    """Load every raw file into the build's `raw` schema."""
    loaded = load_snapshot_into(build_file, snapshot)
    for item in loaded:
        print(
            f"  raw.{item.raw_table}: {item.rows_loaded:,} rows from {item.source_id}"
            f" (sha256 {item.sha256[:12]}…)"
        )
    return loaded


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
) -> dict:
    """Rebuild the warehouse from the snapshot (or, with `live`, from the publishers) and
    publish it if every check passes.

    Returns the run record (as written to data/runs.jsonl) plus, for a live run,
    `source_faults`: one line per source whose fetch failed (its last good version was used);
    raises RefreshError on failure. When no input changed since the published build (see
    warehouse.fingerprint) the run is a no-op (outcome 'noop') unless `force`.
    """
    disable_telemetry()
    paths = DataPaths.resolve(data_dir)
    paths.ensure()
    snapshot_dir = str(Path(snapshot_dir or SNAPSHOT_DIR).resolve())
    run = wb.RunInfo(
        run_id=run_id or wb.new_run_id(),
        started_at=datetime.now(UTC),
        data_dir=str(paths.root),
        git_sha=wb.git_sha(),
        lock_sha256=wb.lock_file_sha256(),
    )
    with run_lock(paths, run.run_id):
        return _run(run, paths, snapshot_dir, live, live_config, force=force)


def _run(
    run: wb.RunInfo,
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
    stale_sources: list[str] = []
    try:
        _prepare(paths, run.run_id)
        with _stage(run, "extract"):
            if live:
                extracted = extract_live_task(
                    str(paths.root), run.run_id, live_config, snapshot_dir
                )
                faults = [r.describe() for r in extracted.faults]
                stale_sources = [r.source_id for r in extracted.faults]
                snapshot = extracted.snapshot(run.run_id)
            else:
                snapshot = extract_task(snapshot_dir, str(paths.raw_store), run.run_id)
            run.snapshot_id = snapshot.snapshot_id
            fault_point("extract")
            fingerprint = wfp.compute(snapshot.files, run.lock_sha256, stale_sources=stale_sources)
        recorded = ops.published_inputs(paths)
        if not force and recorded and recorded.get("fingerprint") == fingerprint.digest:
            return {**_noop(run, paths, fingerprint, recorded), "source_faults": faults}
        why = ["--force"] if force else fingerprint.differences(recorded)
        _echo(f"  inputs changed since the published build: {'; '.join(why)}")
        with _stage(run, "load"):
            build_file = wb.new_build(paths, run.run_id)
            load_task(str(build_file), snapshot)
            if live:
                write_live_vintages(build_file, extracted, run.run_id)
            else:
                write_snapshot_vintages(build_file, snapshot.files, run.run_id)
        with _stage(run, "dbt_build"):
            dbt_build_task(str(build_file))
            wb.check_storage_version(build_file)
        with _stage(run, "expectations"):
            expectations_task(str(build_file), run.run_id)
            fault_point("expectations")
        with _stage(run, "publish"):
            result = publish_task(str(build_file), str(paths.root), run, fingerprint)
            run.published_sha256 = result.sha256
    except Exception as exc:
        stage = run.stages[-1].stage if run.stages else "setup"
        run.outcome = "failed"
        run.failed_stage = stage
        run.reason = str(exc).strip() or type(exc).__name__
        if faults:
            run.reason += " (stale sources: " + "; ".join(faults) + ")"
        run.finished_at = datetime.now(UTC)
        _record_failure(run, build_dir, exc)
        raise RefreshError(
            stage, run.reason, run.run_id, build_dir if build_dir.exists() else None
        ) from exc

    run.outcome = "published"
    try:
        with _stage(run, "summary"):
            summary_task(str(paths.published))
    except Exception as exc:
        # The warehouse is published by now: a summary that cannot print fails nothing.
        _echo(f"  (no summary: {type(exc).__name__}: {exc})")
    try:
        with _stage(run, "report"):
            report_task(str(paths.published), str(paths.root))
    except Exception as exc:
        # Likewise: the previous report stays in place; `limwh report` can retry.
        _echo(f"  WARNING: report not written: {type(exc).__name__}: {exc}")
    run.finished_at = datetime.now(UTC)
    wb.append_run_log(wb.run_log_path(paths), run)
    prune_builds(paths, spare=run.run_id)
    total = (run.finished_at - run.started_at).total_seconds()
    _echo(f"refresh {run.run_id}: published in {total:.1f} s")
    for line in faults:
        _echo(f"  STALE SOURCE {line}")
    return {**run.to_json(), "source_faults": faults}


def _prepare(paths: DataPaths, run_id: str) -> None:
    """Under the run lock: clear what killed runs left behind, and bring the exports in line
    with the published file (a run killed between the two swaps)."""
    cleanup = ops.cleanup_after_crashes(paths, run_id)
    for line in cleanup.lines():
        _echo(line)
    from warehouse.publish import published_run_id

    if paths.published.is_file() and wx.ensure_current(paths, published_run_id(paths.published)):
        _echo(f"  BI exports brought in line with {paths.published.name}")


def _noop(run: wb.RunInfo, paths: DataPaths, fingerprint: wfp.Fingerprint, recorded: dict) -> dict:
    run.outcome = "noop"
    run.reason = (
        f"no input changed since published run {recorded.get('run_id')} "
        f"(fingerprint {fingerprint.digest[:12]}…: same raw files, code, seeds and lock file); "
        "nothing rebuilt"
    )
    run.finished_at = datetime.now(UTC)
    wb.append_run_log(wb.run_log_path(paths), run)
    _echo(f"refresh {run.run_id}: no-op: {run.reason}")
    _echo("  the published warehouse is unchanged; `limwh refresh --force` rebuilds anyway")
    return run.to_json()


def _record_failure(run: wb.RunInfo, build_dir: Path, exc: BaseException) -> None:
    wb.append_run_log(wb.run_log_path(DataPaths(Path(run.data_dir))), run)
    if build_dir.exists():
        (build_dir / "error.txt").write_text(
            "".join(traceback.format_exception(exc)), encoding="utf-8"
        )
    _echo(f"refresh {run.run_id}: FAILED at stage {run.failed_stage}")
    _echo(_indent(run.reason or ""))
    _echo("  the published warehouse is unchanged")
    if build_dir.exists():
        _echo(f"  build kept for inspection: {build_dir} (traceback in error.txt)")


@contextlib.contextmanager
def _stage(run: wb.RunInfo, name: str) -> Iterator[None]:
    number = STAGES.index(name) + 1
    _echo(f"[{number}/{len(STAGES)}] {name} ...")
    started = datetime.now(UTC)
    outcome = "failed"
    try:
        yield
        outcome = "ok"
    finally:
        finished = datetime.now(UTC)
        run.stages.append(wb.StageTiming(name, started, finished, outcome))
        seconds = (finished - started).total_seconds()
        _echo(f"[{number}/{len(STAGES)}] {name} {outcome} ({seconds:.1f} s)")


def verbose() -> bool:
    return os.environ.get(VERBOSE_ENV, "") not in ("", "0", "false")


def _echo(message: str) -> None:
    print(message, flush=True)


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.splitlines())
