"""Operations say the truth: `status --check` fails after a killed refresh until a run
succeeds; a refresh's liveness is judged by the lock, never by a pid; no process outlives a
killed refresh past the next one; a failure names its stage and run even when the disk is
full; a load error names the operator's file beside the raw store's hash."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from extract.errors import SourceFormatError
from extract.snapshot import ManifestEntry, sha256_hex
from flows import nightly_refresh
from flows.leftovers import OWNER_ENV
from tests.hardening.conftest import limwh, limwh_cmd, text
from warehouse.config import DataPaths
from warehouse.faults import PAUSE_AT_ENV, READY_FILE_ENV
from warehouse.load.raw_tables import load_files_into
from warehouse.meta.run_log import RunInfo, StageTiming
from warehouse.publish.lock import running_refresh


def _marked(data: Path) -> list[int]:
    """Processes carrying a refresh's mark for this data directory."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and any(v.startswith(f"{OWNER_ENV}={data}:".encode()) for v in environ):
            found.append(int(entry.name))
    return found


def test_a_killed_refresh_fails_status_and_leaves_nothing_running(
    published: Path, tmp_path: Path, hard_env: dict
) -> None:
    ready = tmp_path / "paused"
    env = dict(hard_env, **{PAUSE_AT_ENV: "dbt_build", READY_FILE_ENV: str(ready)})
    proc = subprocess.Popen(
        [*limwh_cmd(), "refresh", "--force", "--data-dir", str(published)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 600
    while not ready.exists():
        assert proc.poll() is None, "the refresh ended before its pause point"
        assert time.monotonic() < deadline
        time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)  # the refresh only: its children are orphaned
    proc.wait()
    left = [pid for pid in _marked(published) if pid != proc.pid]
    try:
        status = limwh("status", "--check", "--data-dir", str(published), env=hard_env)
        assert status.returncode == 1, text(status)
        assert "did not finish: it was killed or crashed" in text(status)

        following = limwh("refresh", "--data-dir", str(published), env=hard_env)
        assert following.returncode == 0, text(following)
        assert left, "the killed refresh left no process behind (no Prefect API server?)"
        assert "left behind by a killed refresh" in text(following)
        time.sleep(0.5)
        assert [pid for pid in _marked(published) if pid in left] == []
        status = limwh("status", "--check", "--data-dir", str(published), env=hard_env)
        assert status.returncode == 0, text(status)
    finally:
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def test_a_lock_line_naming_a_live_pid_is_not_a_running_refresh(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "data")
    paths.root.mkdir()
    # The line of a killed run whose pid now belongs to another live process (this one).
    paths.run_lock.write_text(f"pid={os.getpid()} run_id=r0 since=2026-01-01\n")
    assert running_refresh(paths) is None


def test_a_full_disk_still_names_the_stage_and_the_run(tmp_path: Path, monkeypatch) -> None:
    def disk_full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(nightly_refresh, "append_run_log", disk_full)
    run = RunInfo(run_id="r1", started_at=datetime.now(UTC), data_dir=str(tmp_path))
    now = datetime.now(UTC)
    run.stages.append(StageTiming("dbt_build", now, now, "failed"))
    error = nightly_refresh._failed(run, tmp_path / "absent", OSError(28, "disk full"), [])
    line = error.one_line()
    assert "refresh r1 failed at stage dbt_build" in line
    assert "the published warehouse is unchanged" in line


def test_a_load_error_names_the_operators_file(tmp_path: Path) -> None:
    body = b"<html><title>login</title></html>"
    sha = sha256_hex(body)
    entry = ManifestEntry(
        source_id="rsz_establishments",
        path=f"{sha[:2]}/{sha}.xlsx",
        format="rsz-xlsx",
        url="inbox:/srv/limwh/data/inbox/rsz_establishments/localunit-val-nl-20244.xlsx",
        retrieved_at=datetime.now(UTC),
        sha256=sha,
        bytes=len(body),
        licence="x",
        attribution="x",
    )
    with pytest.raises(SourceFormatError) as info:
        load_files_into(tmp_path / "build.duckdb", [(entry, body)])
    message = str(info.value)
    assert "localunit-val-nl-20244.xlsx" in message and f"stored as {entry.path}" in message
