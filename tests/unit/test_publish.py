"""Write-audit-publish: build files, the run lock, the atomic swap, releases, run metadata."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from warehouse.config import DataPaths
from warehouse.files import BuildFileError, file_sha256, new_build_file, storage_version, wal_path
from warehouse.meta import record, run_log
from warehouse.meta.read import published_run_id
from warehouse.publish.lock import RunLockedError, run_lock
from warehouse.publish.swap import PublishError, list_releases, publish


@pytest.fixture
def paths(tmp_path: Path) -> DataPaths:
    p = DataPaths(tmp_path / "data")
    p.ensure()
    return p


def make_build(paths: DataPaths, run_id: str, value: int) -> Path:
    """A build file holding marts.t(value), with this run in meta.runs."""
    build_file = new_build_file(paths, run_id)
    con = duckdb.connect(str(build_file))
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.t AS SELECT ? AS value", [value])
    con.close()
    run = run_log.RunInfo(run_id=run_id, started_at=datetime.now(UTC), data_dir=str(paths.root))
    record.write_run_meta(build_file, run, previous=paths.published)
    return build_file


def read_value(db_file: Path) -> int:
    con = duckdb.connect(str(db_file), read_only=True)
    try:
        return con.execute("SELECT value FROM marts.t").fetchall()[0][0]
    finally:
        con.close()


def test_new_build_is_readable_by_duckdb_1x(paths: DataPaths) -> None:
    build_file = new_build_file(paths, "r1")
    assert build_file == paths.builds / "r1" / paths.published.name
    assert storage_version(build_file) == "v1.0.0"
    # Writing with a default (DuckDB 2.0) connection keeps the file's format.
    con = duckdb.connect(str(build_file))
    con.execute("CREATE TABLE t AS SELECT 1 AS a")
    con.close()
    assert storage_version(build_file) == "v1.0.0"
    with pytest.raises(BuildFileError, match="already exists"):
        new_build_file(paths, "r1")


def test_publish_swaps_build_over_published(paths: DataPaths) -> None:
    result = publish(make_build(paths, "r1", 1), paths)
    assert result.published == paths.published
    assert read_value(paths.published) == 1
    assert result.sha256 == file_sha256(paths.published)
    assert result.release is None
    assert not (paths.builds / "r1" / "warehouse.duckdb").exists()
    assert not wal_path(paths.published).exists()
    assert storage_version(paths.published) == "v1.0.0"

    build2 = make_build(paths, "r2", 2)
    result2 = publish(build2, paths)
    assert read_value(paths.published) == 2
    assert not build2.exists()
    # The file it replaced is kept as a release, named after the run that made it.
    assert result2.release is not None and result2.release.name.endswith("_r1.duckdb")
    assert read_value(result2.release) == 1
    # meta.runs carries the history forward.
    assert published_run_id(paths.published) == "r2"
    con = duckdb.connect(str(paths.published), read_only=True)
    runs = {r[0] for r in con.execute("SELECT run_id FROM meta.runs").fetchall()}
    con.close()
    assert runs == {"r1", "r2"}


def test_releases_keep_the_last_n(paths: DataPaths) -> None:
    for n in range(1, 9):
        publish(make_build(paths, f"r{n}", n), paths, keep_releases=3)
    releases = list_releases(paths)
    assert [p.name.split("_", 1)[1] for p in releases] == ["r5.duckdb", "r6.duckdb", "r7.duckdb"]
    assert read_value(paths.published) == 8


def test_failed_publish_leaves_published_file_unchanged(paths: DataPaths) -> None:
    publish(make_build(paths, "r1", 1), paths)
    before = file_sha256(paths.published)

    # A build in DuckDB 2.0's default format would lock out DuckDB 1.x clients: refused.
    bad = paths.build_file("r2")
    bad.parent.mkdir(parents=True)
    con = duckdb.connect(str(bad))
    con.execute("CREATE TABLE t AS SELECT 2 AS value")
    con.close()
    with pytest.raises(BuildFileError, match="storage version"):
        publish(bad, paths)
    assert file_sha256(paths.published) == before
    assert bad.exists(), "a failed build is kept for inspection"

    with pytest.raises(PublishError, match="no build file"):
        publish(paths.build_file("missing"), paths)
    wrong_name = paths.builds / "r3" / "other.duckdb"
    wrong_name.parent.mkdir(parents=True)
    wrong_name.write_bytes(b"")
    with pytest.raises(PublishError, match="basename"):
        publish(wrong_name, paths)
    assert file_sha256(paths.published) == before
    assert list_releases(paths) == []


def test_stale_wal_is_folded_in_and_never_left_behind(paths: DataPaths) -> None:
    publish(make_build(paths, "r1", 1), paths)
    # Someone wrote to the published file and left a WAL (no checkpoint on shutdown).
    con = duckdb.connect(str(paths.published))
    con.execute("PRAGMA disable_checkpoint_on_shutdown")
    con.execute("UPDATE marts.t SET value = 10")
    con.close()
    assert wal_path(paths.published).exists()

    result = publish(make_build(paths, "r2", 2), paths)
    assert not wal_path(paths.published).exists()
    assert read_value(paths.published) == 2
    assert result.release is not None
    assert not wal_path(result.release).exists()
    assert read_value(result.release) == 10  # the WAL's change reached the kept release


def test_build_wal_is_checkpointed_before_publishing(paths: DataPaths) -> None:
    build_file = make_build(paths, "r1", 1)
    con = duckdb.connect(str(build_file))
    con.execute("PRAGMA disable_checkpoint_on_shutdown")
    con.execute("UPDATE marts.t SET value = 5")
    con.close()
    assert wal_path(build_file).exists()
    publish(build_file, paths)
    assert not wal_path(build_file).exists()
    assert not wal_path(paths.published).exists()
    assert read_value(paths.published) == 5


def _hold_lock_in_subprocess(paths: DataPaths) -> subprocess.Popen[str]:
    code = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from warehouse.config import DataPaths
        from warehouse.publish.lock import run_lock
        with run_lock(DataPaths(Path({str(paths.root)!r})), run_id="holder-run"):
            print("locked", flush=True)
            sys.stdin.readline()
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "locked"
    return proc


def _release(proc: subprocess.Popen[str]) -> None:
    assert proc.stdin is not None
    proc.stdin.write("\n")
    proc.stdin.flush()
    proc.wait(timeout=30)


def test_second_run_is_refused_at_once_naming_the_holder(paths: DataPaths) -> None:
    holder = _hold_lock_in_subprocess(paths)
    try:
        started = datetime.now(UTC)
        with pytest.raises(RunLockedError) as info, run_lock(paths):
            pass
        assert datetime.now(UTC) - started < timedelta(seconds=2)
        message = str(info.value)
        assert f"pid={holder.pid}" in message
        assert "holder-run" in message
    finally:
        _release(holder)
    # Released: the next run gets the lock.
    with run_lock(paths, run_id="next"):
        assert "run_id=next" in paths.run_lock.read_text()


def test_run_lock_is_reentrant_within_a_process(paths: DataPaths) -> None:
    with run_lock(paths, run_id="outer"), run_lock(paths, run_id="inner"):
        assert "run_id=outer" in paths.run_lock.read_text()
    holder = _hold_lock_in_subprocess(paths)  # fully released afterwards
    _release(holder)


def test_run_log_records_failed_runs(paths: DataPaths) -> None:
    run = run_log.RunInfo(run_id="r9", started_at=datetime.now(UTC), data_dir=str(paths.root))
    run.outcome, run.failed_stage, run.reason = "failed", "dbt_build", "boom"
    run_log.append_run_log(run_log.run_log_path(paths), run)
    (last,) = run_log.read_run_log(run_log.run_log_path(paths))
    assert (last["run_id"], last["outcome"], last["failed_stage"]) == ("r9", "failed", "dbt_build")


def test_write_check_results(paths: DataPaths) -> None:
    report = pytest.importorskip("expectations.report")
    build_file = new_build_file(paths, "r1")
    checks = report.CheckReport(
        build_path=build_file,
        results=[
            report.CheckResult("totals_match", True, "ok", rows_checked=3),
            report.CheckResult("growth_in_range", False, "1 row", [{"x": float("nan")}], 5, 1),
        ],
    )
    record.write_check_results(build_file, checks.to_rows("r1"), "r1")
    con = duckdb.connect(str(build_file), read_only=True)
    rows = con.execute(
        "SELECT check_name, success, failed_row_count FROM meta.check_results ORDER BY 1"
    ).fetchall()
    con.close()
    assert rows == [("growth_in_range", False, 1), ("totals_match", True, 0)]
