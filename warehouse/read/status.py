"""What an operator needs at a glance: the last run, each source's freshness against its release
cadence, and how many published values are official, provisional or modelled.

`limwh status` prints it; `limwh status --check` exits non-zero on any problem (stale source,
failed or killed last run, no published file) so cron or monitoring can alert.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from extract.catalog import STALE_AFTER_DAYS, load_catalog
from warehouse.config import DataPaths
from warehouse.files import file_sha256, unreadable_tables_of_copy
from warehouse.meta import read as meta_read
from warehouse.meta.published_record import readable_record
from warehouse.meta.run_log import RUNNING, read_run_log, run_log_path
from warehouse.publish import exports
from warehouse.publish.lock import running_refresh
from warehouse.publish.swap import list_releases
from warehouse.read.report import DEFAULT_REGION, PAGE, default_out_dir, report_run_id

# A source is stale when its newest file is older than its cadence plus a grace period
# (extract/catalog.py, the same limits dbt's source freshness uses).
MAX_AGE = {cadence: timedelta(days=days) for cadence, days in STALE_AFTER_DAYS.items()}
BAD_OUTCOMES = {"failed", "abandoned"}
STATUSES = ("official", "provisional", "estimated", "derived", "modelled")


@dataclass(frozen=True)
class SourceFreshness:
    source_id: str
    retrieved_at: datetime | None
    cadence: str | None
    age: timedelta | None
    max_age: timedelta | None

    @property
    def stale(self) -> bool:
        return self.age is not None and self.max_age is not None and self.age > self.max_age

    def line(self) -> str:
        if self.retrieved_at is None or self.age is None:
            return f"  {self.source_id}: no retrieval time known"
        cadence = self.cadence or "unknown cadence"
        limit = f", stale after {self.max_age.days} d" if self.max_age else ""
        verdict = "STALE" if self.stale else "fresh"
        return (
            f"  {self.source_id}: retrieved {self.retrieved_at:%Y-%m-%d %H:%M} UTC, "
            f"{self.age.days} d old ({cadence}{limit}): {verdict}"
        )


@dataclass
class Status:
    published: Path
    last_run: dict[str, Any] | None
    published_run: dict[str, Any] | None
    sources: list[SourceFreshness] = field(default_factory=list)
    status_counts: dict[str, int] = field(default_factory=dict)
    exports_run_id: str | None = None
    schema_changes: list[tuple] = field(default_factory=list)  # of the published release
    published_run_id: str | None = None
    running: str | None = None  # the lock holder's line, while a refresh runs
    report_page: Path | None = None  # the nightly report (Limburg, Dutch), if written
    report_run_id: str | None = None
    damaged: list[str] = field(default_factory=list)  # tables of the published file unreadable
    file_facts: dict[str, Any] = field(default_factory=dict)  # from the record (_file_facts)

    def problems(self) -> list[str]:
        out = []
        if not self.published.is_file():
            out.append(f"no published warehouse at {self.published}")
        for table in self.damaged:
            out.append(
                f"the published file is damaged: {table} (`limwh rollback` restores a release)"
            )
        if self.last_run and self.last_run.get("outcome") in BAD_OUTCOMES:
            stage = self.last_run.get("failed_stage")
            where = f" at stage {stage}" if stage else ""
            out.append(
                f"last run {self.last_run.get('run_id')} {self.last_run.get('outcome')}{where}: "
                f"{_first_line(self.last_run.get('reason'))}"
            )
        if self.last_run and self.last_run.get("outcome") == RUNNING and not self.running:
            out.append(
                f"last run {self.last_run.get('run_id')} did not finish: it was killed or "
                "crashed (the next refresh records it as abandoned)"
            )
        faults = (self.last_run or {}).get("source_faults") or []
        if faults:
            out.append(
                f"last run {self.last_run.get('run_id')}: {len(faults)} source(s) fell back on "
                f"an older version: {'; '.join(faults)}"
            )
        if (
            self.published_run_id
            and self.exports_run_id
            and self.exports_run_id != self.published_run_id
            and not self.running
        ):
            out.append(
                f"the BI exports are of run {self.exports_run_id}, the warehouse of run "
                f"{self.published_run_id} (the next refresh re-exports)"
            )
        for s in self.sources:
            if s.stale:
                out.append(
                    f"source {s.source_id} is stale: {s.age.days if s.age else '?'} d old, "
                    f"its {s.cadence} cadence allows {s.max_age.days if s.max_age else '?'} d"
                )
        return out

    def lines(self) -> list[str]:
        out = []
        if self.running:
            out.append(f"running:    a refresh holds the lock ({self.running})")
        r = self.last_run
        if r:
            out.append(f"last run:   {r.get('run_id')}: {r.get('outcome')}")
            if r.get("outcome") == "noop":
                out.append("            no-op: nothing rebuilt, the inputs had not changed")
            if r.get("reason"):
                out.append(f"            {_first_line(r.get('reason'))}")
            if r.get("git_sha"):
                out.append(f"            git {r.get('git_sha')}")
            if r.get("started_at"):
                out.append(
                    f"            started {r.get('started_at')}, finished "
                    f"{r.get('finished_at') or '-'}"
                )
            stages = r.get("stage_seconds") or {}
            if stages:
                timing = ", ".join(f"{k} {v:.1f} s" for k, v in stages.items())
                out.append(f"            stages: {timing}")
        else:
            out.append("last run:   (none recorded)")
        if self.sources:
            out.append("sources:")
            out += [s.line() for s in self.sources]
        if self.status_counts:
            counts = ", ".join(f"{self.status_counts.get(k, 0):,} {k}" for k in STATUSES)
            others = {k: v for k, v in self.status_counts.items() if k not in STATUSES}
            if others:
                counts += ", " + ", ".join(f"{v:,} {k}" for k, v in others.items())
            out.append(f"published values (fct_indicator_values): {counts}")
        if self.schema_changes:
            changes = ", ".join(
                f"{change} {table}{'.' + column if column else ''}"
                for change, table, column in self.schema_changes
            )
            out.append(f"schema changes in this release: {changes}")
        if self.exports_run_id:
            out.append(
                f"BI exports: {self.published.parent / 'exports'} (run {self.exports_run_id})"
            )
        if self.report_page:
            behind = (
                f"; drawn from run {self.report_run_id}, not the published run: "
                "`limwh report` redraws it"
                if self.report_run_id != self.published_run_id
                else ""
            )
            out.append(f"report:     {self.report_page}{behind}")
        problems = self.problems()
        out.append("check:      " + ("ok" if not problems else "; ".join(problems)))
        return out


def collect(paths: DataPaths, now: datetime | None = None, *, verify: bool = False) -> Status:
    """What `limwh status` shows, read from the published file's record: a BI tool may hold
    the file itself read-write. `verify` also reads every table of the published file in full
    (a damaged block fails its checksum), as `--check` does."""
    now = now or datetime.now(UTC)
    log = list(read_run_log(run_log_path(paths)))
    status = Status(
        published=paths.published, last_run=log[-1] if log else None, published_run=None
    )
    if not paths.published.is_file():
        return status
    if verify:
        status.damaged = unreadable_tables_of_copy(paths.published)
        if status.damaged:
            return status
    with readable_record(paths) as record:
        con = duckdb.connect(str(record), read_only=True)
        try:
            status.sources = _freshness(con, now)
            rows = _rows(con, "SELECT obs_status, n_values FROM facts.status_counts")
            status.status_counts = {str(k): int(v) for k, v in rows}
            status.file_facts = _file_facts(con)
        finally:
            con.close()
        status.schema_changes = meta_read.release_schema_changes(record)
        status.published_run_id = meta_read.published_run_id(record)
    status.exports_run_id = exports.active_run_id(paths)
    status.running = running_refresh(paths)
    page = default_out_dir(paths.root, DEFAULT_REGION, "nl") / PAGE
    if page.is_file():
        status.report_page = page
        status.report_run_id = report_run_id(page)
    return status


def _file_facts(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The record's facts on the published file: storage version, last run, marts."""
    version = _rows(con, "SELECT storage_version FROM facts.file")
    marts = _rows(con, "SELECT DISTINCT table_name FROM facts.mart_columns ORDER BY 1")
    return {
        "storage_version": version[0][0] if version else None,
        "last_run": meta_read.last_run_of(con),
        "marts": [r[0] for r in marts],
    }


def _freshness(con: duckdb.DuckDBPyConnection, now: datetime) -> list[SourceFreshness]:
    rows = _rows(con, "SELECT source_id, retrieved_at FROM facts.source_retrievals ORDER BY 1")
    cadences = _cadences()
    out = []
    for source_id, retrieved in rows:
        when = retrieved.replace(tzinfo=UTC) if isinstance(retrieved, datetime) else None
        cadence = cadences.get(source_id)
        out.append(
            SourceFreshness(
                source_id=source_id,
                retrieved_at=when,
                cadence=cadence,
                age=(now - when) if when else None,
                max_age=MAX_AGE.get(cadence or ""),
            )
        )
    return out


def _cadences() -> dict[str, str]:
    try:
        return {d.id: d.release_cadence for d in load_catalog()}
    except Exception:  # a broken catalog must not hide the rest of the status
        return {}


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    try:
        cur = con.cursor()
        cur.execute(sql)
        return cur.fetchall()
    except duckdb.Error:
        return []


def _first_line(text: Any) -> str:
    lines = str(text or "").strip().splitlines()
    return lines[0] if lines else "(no reason recorded)"


def published_file_lines(paths: DataPaths, status: Status) -> list[str]:
    """The published file itself: where, size, sha256 (its bytes are read, the file is not
    opened as a database), storage version, the run that built it, its marts and the kept
    releases; the rest from the record `collect` read."""
    published = paths.published
    stat = published.stat()
    modified = datetime.fromtimestamp(stat.st_mtime, UTC).isoformat(timespec="seconds")
    facts = status.file_facts
    out = [
        f"published:  {published}",
        f"size:       {stat.st_size:,} bytes",
        f"sha256:     {file_sha256(published)}",
        f"modified:   {modified}",
        f"storage:    {facts.get('storage_version') or '?'} (readable by DuckDB >= 1.0)",
    ]
    last = facts.get("last_run")
    if last:
        out.append(
            f"built by:   run {last['run_id']} started {last['started_at']:%Y-%m-%d %H:%M:%S} UTC "
            f"({last['seconds_total']:.0f} s), git {last['git_sha'] or '-'}"
        )
        out.append(f"stages (s): {last['stage_seconds']}")
        out.append(f"lock file:  sha256 {last['lock_sha256'] or '-'}")
    else:
        out.append("built by:   (no meta.runs in this file)")
    marts = facts.get("marts") or []
    out.append(f"marts ({len(marts)}): {', '.join(marts) if marts else '(none)'}")
    kept = list_releases(paths)
    out.append(f"releases kept ({len(kept)}): {', '.join(p.name for p in kept) or '(none)'}")
    return out


def attempt_line(attempt: dict[str, Any]) -> str:
    """One line on a run from the run log (the last attempt, when nothing is published)."""
    line = f"last run:   {attempt.get('run_id')} {attempt.get('outcome')}"
    if attempt.get("outcome") == "failed":
        line += f" at stage {attempt.get('failed_stage')}: {attempt.get('reason')}"
    return line


def last_attempt(paths: DataPaths) -> dict[str, Any] | None:
    log = list(read_run_log(run_log_path(paths)))
    return log[-1] if log else None
