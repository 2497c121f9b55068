"""Write-audit-publish under readers and under SIGKILL.

A refresh runs while another process holds the published file open read-only; and a refresh is
killed (SIGKILL, via the fault-injection hook in warehouse.faults) during each stage and just
before and just after the os.replace. The published file must stay intact every time, and the
next refresh must succeed without a stale lock, a leftover .wal or piling-up temporary files.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from tests.duckdb_clients import client_dir
from tests.ops.conftest import describe, kill_group, limwh_cmd, run_limwh, wait_for_file
from warehouse.config import DataPaths
from warehouse.faults import PAUSE_AT_ENV, POINTS, READY_FILE_ENV
from warehouse.files import file_sha256, wal_path
from warehouse.meta import run_log
from warehouse.meta.read import published_run_id
from warehouse.publish.lock import run_lock

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def data(ops_env: dict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with one good publish."""
    root = tmp_path_factory.mktemp("crash") / "data"
    first = run_limwh("refresh", "--data-dir", str(root), env=ops_env)
    assert first.returncode == 0, describe(first)
    return root


READER = textwrap.dedent(
    """
    import sys, duckdb
    def look(con):
        run = con.execute("SELECT max(run_id) FILTER (WHERE outcome = 'published') "
                          "FROM meta.runs").fetchall()[0][0]
        n = con.execute("SELECT count(*) FROM marts.fct_indicator_values").fetchall()[0][0]
        return f"{run} {n}"
    con = duckdb.connect(sys.argv[1], read_only=True)
    print("open", look(con), flush=True)
    sys.stdin.readline()
    print("same-connection", look(con), flush=True)
    con.close()
    con = duckdb.connect(sys.argv[1], read_only=True)
    print("reconnected", look(con), flush=True)
    con.close()
    """
)


def test_refresh_under_a_reader_neither_fails_nor_waits(ops_env: dict, data: Path) -> None:
    paths = DataPaths(data)
    before = published_run_id(paths.published)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(paths.published)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout is not None and reader.stdin is not None
        opened = reader.stdout.readline().split()
        assert opened[:2] == ["open", before], opened
        # The reader holds the file open for the whole refresh: the refresh must publish.
        refresh = run_limwh("refresh", "--force", "--data-dir", str(data), env=ops_env)
        assert refresh.returncode == 0, describe(refresh)
        assert reader.poll() is None, "the reader is still connected"
        reader.stdin.write("\n")
        reader.stdin.flush()
        out, err = reader.communicate(timeout=120)
    finally:
        if reader.poll() is None:
            reader.kill()
    assert reader.returncode == 0, err
    lines = dict(line.split(" ", 1) for line in out.strip().splitlines())
    after = published_run_id(paths.published)
    assert after != before
    # Its open connection keeps the old snapshot; after reconnecting it sees the new build.
    assert lines["same-connection"].split()[0] == before
    assert lines["reconnected"].split()[0] == after
    assert lines["same-connection"].split()[1] == opened[2]
    assert not wal_path(paths.published).exists()


@pytest.mark.parametrize("point", POINTS)
def test_sigkill_at_each_stage_leaves_the_published_file_intact(
    ops_env: dict, data: Path, tmp_path: Path, point: str
) -> None:
    paths = DataPaths(data)
    before_sha = file_sha256(paths.published)
    before_run = published_run_id(paths.published)
    ready = tmp_path / "paused"
    env = dict(ops_env, **{PAUSE_AT_ENV: point, READY_FILE_ENV: str(ready)})
    proc = subprocess.Popen(
        [*limwh_cmd(), "refresh", "--force", "--data-dir", str(data)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        wait_for_file(ready, proc)
    finally:
        if proc.poll() is None:
            kill_group(proc)  # SIGKILL: no handler, no cleanup
    killed_pid = int(ready.read_text().split()[0])
    assert killed_pid == proc.pid
    killed_run = _run_ids_in_builds(paths) - _finished_runs(paths)

    # The published file: untouched, or (killed after the swap) the complete new one.
    if point == "publish:after_replace":
        assert file_sha256(paths.published) != before_sha
        new_run = published_run_id(paths.published)
        assert new_run != before_run and new_run in killed_run
        _assert_readable(paths.published)
    else:
        assert file_sha256(paths.published) == before_sha
        assert published_run_id(paths.published) == before_run
    assert not wal_path(paths.published).exists()
    with run_lock(paths, run_id="probe"):  # the kernel released the dead run's lock
        pass

    # The next refresh succeeds and cleans up after the killed one.
    after = run_limwh("refresh", "--data-dir", str(data), env=ops_env)
    assert after.returncode == 0, describe(after)
    assert list(data.rglob("*.wal")) == []
    assert list(data.rglob("*.partial")) == [] and list(data.rglob("*.tmp")) == []
    assert not (killed_run & _run_ids_in_builds(paths)) or point == "publish:after_replace"
    log = {r["run_id"]: r for r in run_log.read_run_log(run_log.run_log_path(paths))}
    for run_id in killed_run:
        expected = "published" if point == "publish:after_replace" else "abandoned"
        assert log[run_id]["outcome"] == expected, log[run_id]
    # The BI exports follow the published file, whatever the kill point.
    manifest = json.loads((data / "exports" / "manifest.json").read_text())
    assert manifest["run_id"] == published_run_id(paths.published)
    _assert_readable(paths.published)


def test_a_forced_refresh_after_the_crashes_publishes(ops_env: dict, data: Path) -> None:
    paths = DataPaths(data)
    before = published_run_id(paths.published)
    result = run_limwh("refresh", "--force", "--data-dir", str(data), env=ops_env)
    assert result.returncode == 0, describe(result)
    assert published_run_id(paths.published) != before
    builds = {p.name for p in paths.builds.iterdir()}
    finished = _finished_runs(paths)
    assert builds <= finished, builds - finished  # no orphaned build folder is left


def _assert_readable(db: Path) -> None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM marts.fct_indicator_values").fetchall()[0][0]
    finally:
        con.close()


def _run_ids_in_builds(paths: DataPaths) -> set[str]:
    return {p.name for p in paths.builds.iterdir() if p.is_dir()}


def _finished_runs(paths: DataPaths) -> set[str]:
    """Runs with an outcome in the run log (a run's `running` line at its start is none)."""
    return {
        r["run_id"]
        for r in run_log.read_run_log(run_log.run_log_path(paths))
        if r.get("outcome") in run_log.TERMINAL
    }


def test_noop_refresh_rebuilds_nothing_and_status_says_so(ops_env: dict, data: Path) -> None:
    paths = DataPaths(data)
    sha = file_sha256(paths.published)
    builds = _run_ids_in_builds(paths)
    result = run_limwh("refresh", "--data-dir", str(data), env=ops_env)
    assert result.returncode == 0, describe(result)
    assert "no-op" in result.stdout and "nothing rebuilt" in result.stdout
    assert "[2/6] load" not in result.stdout  # no stage after extract ran
    assert file_sha256(paths.published) == sha
    assert _run_ids_in_builds(paths) == builds
    status = run_limwh("status", "--check", "--data-dir", str(data), env=ops_env)
    assert status.returncode == 0, describe(status)
    assert "noop" in status.stdout and "no-op: nothing rebuilt" in status.stdout
    assert "nbb_regaca38" in status.stdout and "fresh" in status.stdout
    assert "modelled" in status.stdout


def test_duckdb_1_1_reads_every_exported_mart(data: Path, tmp_path: Path) -> None:
    """A BI tool's bundled DuckDB 1.x reads the Parquet exports, from any working directory."""
    duckdb_1_1 = client_dir("1.1")
    if not duckdb_1_1.is_dir():
        pytest.fail(f"DuckDB 1.1 is not installed at {duckdb_1_1}: run `make install`")
    manifest = json.loads((data / "exports" / "manifest.json").read_text())
    script = textwrap.dedent(
        """
        import json, sys, duckdb
        folder, marts = sys.argv[1], json.loads(sys.argv[2])
        out = {m: duckdb.sql(f"SELECT count(*) FROM '{folder}/{m}.parquet'").fetchall()[0][0]
               for m in marts}
        print(json.dumps({"version": duckdb.__version__, "rows": out}))
        """
    )
    marts = [m["mart"] for m in manifest["marts"]]
    proc = subprocess.run(
        [sys.executable, "-c", script, str(data / "exports"), json.dumps(marts)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(duckdb_1_1), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["version"].startswith("1.1.")
    assert result["rows"] == {m["mart"]: m["rows"] for m in manifest["marts"]}
    assert "fct_indicator_values" in result["rows"]
