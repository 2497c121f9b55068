"""After a crash: what killed runs left behind is cleared under the run lock before a new run
starts, and the BI exports are brought in line with the published file."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from warehouse.config import DataPaths
from warehouse.meta.published_record import repair_record
from warehouse.meta.read import published_run_id
from warehouse.meta.run_log import (
    RUNNING,
    TERMINAL,
    append_record,
    read_run_log,
    run_log_path,
)
from warehouse.publish import exports

__all__ = ["Cleanup", "cleanup_after_crashes", "prepare_run"]


def prepare_run(paths: DataPaths, run_id: str, echo: Callable[[str], None] = print) -> str | None:
    """Under the run lock, before a run: clear what killed runs left behind, and bring the
    exports in line with the published file (a run killed between the two swaps). Returns the
    published file's run id (None when nothing is published), read once for the whole run."""
    record = repair_record(paths)  # raises while the file is held read-write and unrecorded
    published_id = published_run_id(record) if record is not None else None
    cleanup = cleanup_after_crashes(paths, run_id, published_id)
    for line in cleanup.lines():
        echo(line)
    if paths.published.is_file() and exports.ensure_current(paths, published_id):
        echo(f"  BI exports brought in line with {paths.published.name}")
    return published_id


@dataclass(frozen=True)
class Cleanup:
    abandoned: list[str]  # run ids of killed runs whose build folder was removed
    recovered: list[str]  # run ids killed after their os.replace (their file is published)
    removed: list[Path]  # temporary files removed

    def lines(self) -> list[str]:
        out = []
        for run_id in self.abandoned:
            out.append(f"  run {run_id} died before publishing: its build folder is removed")
        for run_id in self.recovered:
            out.append(f"  run {run_id} died just after publishing: its file stays published")
        if self.removed:
            out.append(f"  removed {len(self.removed)} leftover temporary file(s)")
        return out


def cleanup_after_crashes(
    paths: DataPaths, current_run_id: str, published_id: str | None
) -> Cleanup:
    """Call under the run lock, before a run starts: no other run can be alive.

    A build folder whose run never wrote its outcome to runs.jsonl belongs to a killed run.
    If that run's file is the published one (killed just after the os.replace), the run is
    recorded as published; otherwise as abandoned, and its folder (with any DuckDB .wal) goes.
    Half-written release copies, raw-store files and export folders are removed too.
    """
    log = run_log_path(paths)
    records = list(read_run_log(log))
    finished = {r.get("run_id") for r in records if r.get("outcome") in TERMINAL}
    abandoned, recovered, removed = [], [], []
    # A run killed before it made a build folder left only its "running" line.
    started = {r.get("run_id") for r in records if r.get("outcome") == RUNNING}
    for run_id in sorted(started - finished - {current_run_id, None}):
        if paths.builds.joinpath(run_id).is_dir():
            continue  # handled below, with its folder
        abandoned.append(run_id)
        append_record(
            log,
            {
                "run_id": run_id,
                "outcome": "abandoned",
                "finished_at": datetime.now(UTC).isoformat(),
                "reason": "the process died before publishing (killed or crashed)",
                "recorded_by": current_run_id,
            },
        )
    if paths.builds.exists():
        for folder in sorted(p for p in paths.builds.iterdir() if p.is_dir()):
            run_id = folder.name
            if run_id == current_run_id or run_id in finished:
                continue
            now = datetime.now(UTC).isoformat()
            if run_id == published_id:
                recovered.append(run_id)
                record = {"run_id": run_id, "outcome": "published", "finished_at": now}
                record["reason"] = "the process died after its os.replace; recovered"
            else:
                abandoned.append(run_id)
                shutil.rmtree(folder, ignore_errors=True)
                record = {"run_id": run_id, "outcome": "abandoned", "finished_at": now}
                record["reason"] = "the process died before publishing (killed or crashed)"
            record["recorded_by"] = current_run_id
            append_record(log, record)
    for pattern_root, pattern in (
        (paths.releases, "*.partial"),
        (paths.raw_store, "**/.*.partial"),
        (paths.root, ".exports.*"),
        (paths.root, f"{paths.published_record.name}.partial"),
        (paths.root / "exports.d", ".*.tmp"),
    ):
        if pattern_root.exists():
            for leftover in pattern_root.glob(pattern):
                if leftover.is_dir() and not leftover.is_symlink():
                    shutil.rmtree(leftover, ignore_errors=True)
                else:
                    leftover.unlink(missing_ok=True)
                removed.append(leftover)
    return Cleanup(abandoned, recovered, removed)
