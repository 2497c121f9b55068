"""Writes into a build's `meta` schema, before it is published: the run and its stages, the
check results, the build's inputs and schema changes, the runs that never reached a published
file, and the raw versions the build holds."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from warehouse.meta import tables as t
from warehouse.meta.run_log import RunInfo, read_run_log

__all__ = [
    "BuildInputs",
    "write_build_record",
    "write_check_results",
    "write_run_meta",
    "write_source_vintages",
]


@dataclass(frozen=True)
class BuildInputs:
    """What a build was made from (its fingerprint): the no-op decision compares these."""

    digest: str
    code_sha256: str
    seeds_sha256: str
    lock_sha256: str | None
    sources: tuple[tuple[str, ...], ...]


def write_run_meta(build_file: Path, run: RunInfo, previous: Path | None = None) -> None:
    """Write `meta.runs` and `meta.run_stages` into the build, carrying the published file's
    history forward so the warehouse knows every run that produced it.

    Called just before publishing, so this run's row says outcome 'published' and covers the
    stages so far.
    """
    now = datetime.now(UTC)
    with t.writing(build_file, t.RUNS, t.RUN_STAGES) as con:
        if previous is not None and previous.exists():
            t.carry_history(con, previous, ("runs", "run_stages"))
        con.execute("DELETE FROM b.meta.runs WHERE run_id = ?", [run.run_id])
        con.execute("DELETE FROM b.meta.run_stages WHERE run_id = ?", [run.run_id])
        con.execute(
            "INSERT INTO b.meta.runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run.run_id,
                t.naive_utc(run.started_at),
                t.naive_utc(now),
                "published",
                run.git_sha,
                run.lock_sha256,
                run.snapshot_id,
                json.dumps(run.stage_seconds()),
                round((now - run.started_at).total_seconds(), 3),
            ],
        )
        for s in run.stages:
            con.execute(
                "INSERT INTO b.meta.run_stages VALUES (?, ?, ?, ?, ?, ?)",
                [
                    run.run_id,
                    s.stage,
                    t.naive_utc(s.started_at),
                    t.naive_utc(s.finished_at),
                    s.seconds,
                    s.outcome,
                ],
            )


def write_check_results(build_file: Path, rows: Sequence[Mapping[str, Any]], run_id: str) -> None:
    """Store the checks' results (one mapping per check, as CheckReport.to_rows gives them) in
    `meta.check_results` of the build; failed builds too, they are kept for inspection."""
    with t.writing(build_file, t.CHECK_RESULTS) as con:
        con.execute("DELETE FROM b.meta.check_results WHERE run_id = ?", [run_id])
        for r in rows:
            con.execute(
                "INSERT INTO b.meta.check_results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    r["run_id"],
                    r["check_name"],
                    bool(r["success"]),
                    int(r["rows_checked"] or 0),
                    int(r["failed_row_count"] or 0),
                    r["details"],
                    r["failed_rows_json"],
                    r["build_path"],
                    t.naive_utc(r["checked_at"]),
                ],
            )


def write_build_record(
    build_file: Path,
    run_id: str,
    inputs: BuildInputs | None,
    *,
    schema_changes: Sequence[Mapping[str, Any]] = (),
    previous: Path | None = None,
    previous_run_id: str | None = None,
    run_log: Path | None = None,
) -> None:
    """Write `meta.build_inputs` (the build's fingerprint), `meta.schema_changes` (against the
    published file it replaces) and, in `meta.runs` / `meta.run_failures`, the runs since the
    last publish that never reached a published file (failed, no-op, abandoned, rollbacks).
    History is carried forward from `previous`."""
    now = datetime.now(UTC).replace(tzinfo=None)
    with t.writing(build_file, t.BUILD_INPUTS, t.SCHEMA_CHANGES, t.RUN_FAILURES) as con:
        if previous is not None:
            t.carry_history(con, previous, ("build_inputs", "schema_changes", "run_failures"))
        if inputs is not None:
            con.execute("DELETE FROM b.meta.build_inputs WHERE run_id = ?", [run_id])
            con.execute(
                "INSERT INTO b.meta.build_inputs VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    run_id,
                    inputs.digest,
                    inputs.code_sha256,
                    inputs.seeds_sha256,
                    inputs.lock_sha256,
                    json.dumps([list(s) for s in inputs.sources]),
                    now,
                ],
            )
        con.execute("DELETE FROM b.meta.schema_changes WHERE run_id = ?", [run_id])
        for c in schema_changes:
            con.execute(
                "INSERT INTO b.meta.schema_changes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    run_id,
                    previous_run_id,
                    c["change"],
                    c["table_schema"],
                    c["table_name"],
                    c["column_name"],
                    c["old_type"],
                    c["new_type"],
                    now,
                ],
            )
        if run_log is not None:
            _runs_from_log(con, run_log, run_id)


def _runs_from_log(con: duckdb.DuckDBPyConnection, run_log: Path, current: str) -> None:
    """Runs that never produced a file still belong in meta.runs, for SQL users."""
    if not t.has_table(con, "b", "meta", "runs"):
        return
    known = {r[0] for r in con.execute("SELECT run_id FROM b.meta.runs").fetchall()}
    last: dict[str, dict] = {}  # a run's last line: its outcome after its "running" line
    for r in read_run_log(run_log):
        if r.get("run_id"):
            last[r["run_id"]] = r
    for run_id, r in last.items():
        if run_id == current or run_id in known or r.get("outcome") == "published":
            continue
        known.add(run_id)
        started = _ts(r.get("started_at")) or _ts(r.get("finished_at"))
        finished = _ts(r.get("finished_at"))
        total = (finished - started).total_seconds() if started and finished else None
        con.execute(
            "INSERT INTO b.meta.runs (run_id, started_at, finished_at, outcome, git_sha, "
            "lock_sha256, snapshot_id, stage_seconds, seconds_total) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                started,
                finished,
                r.get("outcome"),
                r.get("git_sha"),
                r.get("lock_sha256"),
                r.get("snapshot_id"),
                json.dumps(r.get("stage_seconds") or {}),
                total,
            ],
        )
        con.execute(
            "INSERT INTO b.meta.run_failures VALUES (?, ?, ?, ?)",
            [run_id, r.get("outcome"), r.get("failed_stage"), r.get("reason")],
        )


def _ts(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def write_source_vintages(
    build_file: Path, vintages: Sequence[list], fetches: Sequence[list]
) -> None:
    """`meta.source_vintages` (one row per raw version) and `meta.source_fetches` (what this
    run's fetch of each source did), replacing any rows the build had."""
    with t.writing(build_file, t.SOURCE_VINTAGES, t.SOURCE_FETCHES) as con:
        if vintages:
            con.executemany(
                "INSERT INTO b.meta.source_vintages VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                list(vintages),
            )
        if fetches:
            con.executemany(
                "INSERT INTO b.meta.source_fetches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                list(fetches),
            )
