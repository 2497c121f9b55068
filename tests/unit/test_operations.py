"""Nightly operations: cleanup after killed runs, fingerprints, schema diffs, rollback, exports
and status, on small hand-made warehouse files."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from flows.cli import EXIT_FAILED, main
from warehouse.config import DataPaths
from warehouse.files import file_sha256, new_build_file, wal_path
from warehouse.load import fingerprint as wfp
from warehouse.meta import record, run_log
from warehouse.meta.published_record import current_record, record_columns
from warehouse.meta.read import published_inputs, published_run_id
from warehouse.publish import exports as wx
from warehouse.publish.recovery import Cleanup, cleanup_after_crashes
from warehouse.publish.rollback import RollbackError, choose, rollback
from warehouse.publish.schema_diff import columns, schema_diff
from warehouse.publish.swap import (
    KEEP_RELEASES,
    KEEP_RELEASES_ENV,
    keep_releases,
    prune_releases,
    publish,
    releases,
)
from warehouse.read import status as ws


@pytest.fixture
def paths(tmp_path: Path) -> DataPaths:
    p = DataPaths(tmp_path / "data")
    p.ensure()
    return p


def make_build(
    paths: DataPaths, run_id: str, value: int, *, extra_column: bool = False, retrieved=None
) -> Path:
    """A build with marts.t(value[, note]), raw.source_files and fct_indicator_values."""
    build_file = new_build_file(paths, run_id)
    con = duckdb.connect(str(build_file))
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE SCHEMA raw")
    note = ", 'x' AS note" if extra_column else ""
    con.execute(f"CREATE TABLE marts.t AS SELECT ? AS value{note}", [value])
    con.execute(
        "CREATE TABLE marts.fct_indicator_values AS SELECT * FROM (VALUES "
        "('employees', 'BE22', 'TOTAL', 2023, 1.0, 'modelled', 'nbb_regaca38', DATE '2026-11-27'),"
        "('employees', 'BE22', 'C', 2023, 2.0, 'official', 'nbb_regaca38', DATE '2026-11-27'),"
        "('employees', 'BE21', 'C', 2023, 3.0, 'official', 'nbb_regaca38', DATE '2026-11-27')"
        ") v(indicator_id, region_code, sector_code, year, value, obs_status, source_id, vintage)"
    )
    retrieved = retrieved or datetime.now(UTC).replace(tzinfo=None)
    con.execute(
        "CREATE TABLE raw.source_files AS SELECT 'nbb_regaca38' AS source_id, "
        "'Source: NBB.Stat' AS attribution, 'terms' AS licence, 'https://x' AS url, "
        "'ab' AS sha256, ?::TIMESTAMP AS retrieved_at",
        [retrieved],
    )
    con.close()
    run = run_log.RunInfo(run_id=run_id, started_at=datetime.now(UTC), data_dir=str(paths.root))
    record.write_run_meta(build_file, run, previous=paths.published)
    return build_file


def record_release(
    build_file: Path, run_id: str, inputs, paths: DataPaths, log: Path | None = None
) -> list[dict]:
    """What publishing records in the build's meta: its inputs, its schema changes against
    the published file, the runs of the log that never reached a file."""
    previous = current_record(paths)
    changes = schema_diff(columns(build_file), record_columns(previous)) if previous else []
    record.write_build_record(
        build_file,
        run_id,
        inputs,
        schema_changes=changes,
        previous=previous,
        previous_run_id=published_run_id(previous) if previous else None,
        run_log=log,
    )
    return changes


def publish_run(paths: DataPaths, run_id: str, value: int, **kw) -> None:
    build_file = make_build(paths, run_id, value, **kw)
    record_release(build_file, run_id, None, paths, run_log.run_log_path(paths))
    wx.write_exports(build_file, paths, run_id)
    publish(build_file, paths)
    wx.activate(paths, run_id)
    run_log.append_run_log(run_log.run_log_path(paths), _run(paths, run_id, "published"))


def _run(paths: DataPaths, run_id: str, outcome: str, **kw) -> run_log.RunInfo:
    run = run_log.RunInfo(run_id=run_id, started_at=datetime.now(UTC), data_dir=str(paths.root))
    run.outcome = outcome
    for k, v in kw.items():
        setattr(run, k, v)
    return run


def value_of(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT value FROM marts.t").fetchall()[0][0]
    finally:
        con.close()


# --- cleanup after crashes -----------------------------------------------------------------


def test_cleanup_removes_killed_builds_and_temporary_files(paths: DataPaths) -> None:
    publish_run(paths, "r1", 1)
    # A run killed during dbt build: its build file and WAL, no line in runs.jsonl.
    killed = make_build(paths, "r2", 2)
    con = duckdb.connect(str(killed))
    con.execute("PRAGMA disable_checkpoint_on_shutdown")
    con.execute("UPDATE marts.t SET value = 3")
    con.close()
    assert wal_path(killed).exists()
    (paths.releases / "x.duckdb.partial").write_bytes(b"half")
    (paths.raw_store / "ab").mkdir(parents=True)
    (paths.raw_store / "ab" / ".abc.json.1.partial").write_bytes(b"half")
    (paths.root / "exports.d" / ".r2.tmp").mkdir()
    before = file_sha256(paths.published)

    cleanup = cleanup_after_crashes(paths, "r3", published_run_id(paths.published))

    assert cleanup.abandoned == ["r2"] and cleanup.recovered == []
    assert not killed.parent.exists()
    assert len(cleanup.removed) == 3
    assert list(paths.root.rglob("*.partial")) == [] and list(paths.root.rglob("*.wal")) == []
    assert file_sha256(paths.published) == before
    last = list(run_log.read_run_log(run_log.run_log_path(paths)))[-1]
    assert (last["run_id"], last["outcome"]) == ("r2", "abandoned")
    # Finished runs' folders are left to the normal pruning; a second cleanup finds nothing.
    assert cleanup_after_crashes(paths, "r4", published_run_id(paths.published)) == Cleanup(
        [], [], []
    )


def test_cleanup_recognises_a_run_killed_after_its_replace(paths: DataPaths) -> None:
    publish_run(paths, "r1", 1)
    build_file = make_build(paths, "r2", 2)
    publish(build_file, paths)  # ... and the process died before logging its outcome
    cleanup = cleanup_after_crashes(paths, "r3", published_run_id(paths.published))
    assert cleanup.recovered == ["r2"] and cleanup.abandoned == []
    assert value_of(paths.published) == 2
    log = {r["run_id"]: r["outcome"] for r in run_log.read_run_log(run_log.run_log_path(paths))}
    assert log["r2"] == "published"
    # Its exports were never swapped in: ensure_current brings them in line.
    assert wx.active_run_id(paths) == "r1"
    assert wx.ensure_current(paths, "r2") is True
    assert wx.active_run_id(paths) == "r2"


# --- fingerprint ------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    source_id: str
    sha256: str
    modelled_series: tuple[str, ...] = ()


def test_fingerprint_follows_raw_files_code_seeds_and_lock(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "warehouse").mkdir(parents=True)
    (root / "dbt_project" / "seeds").mkdir(parents=True)
    (root / "warehouse" / "a.py").write_text("x = 1\n")
    (root / "dbt_project" / "seeds" / "s.csv").write_text("a\n1\n")
    entries = [Entry("b", "2" * 64), Entry("a", "1" * 64)]
    base = wfp.compute(entries, "lock1", root)
    assert base.digest == wfp.compute(list(reversed(entries)), "lock1", root).digest
    assert [s[:2] for s in base.sources] == [("a", "1" * 64), ("b", "2" * 64)]
    assert base.differences(base.to_json()) == []

    changed = wfp.compute([Entry("a", "3" * 64), entries[0]], "lock1", root)
    assert changed.digest != base.digest
    assert changed.differences(base.to_json()) == [f"source a: {'1' * 12} -> {'3' * 12}"]
    # The same bytes with other modelled-series flags build other marts: a change too.
    flagged = wfp.compute([Entry("a", "1" * 64, ("*",)), entries[0]], "lock1", root)
    assert flagged.differences(base.to_json()) == ["source a: manifest metadata changed"]
    assert wfp.compute(entries, "lock2", root).differences(base.to_json()) == ["lock changed"]
    (root / "dbt_project" / "seeds" / "s.csv").write_text("a\n2\n")
    assert wfp.compute(entries, "lock1", root).differences(base.to_json()) == ["seeds changed"]
    (root / "warehouse" / "a.py").write_text("x = 2\n")
    assert "code changed" in wfp.compute(entries, "lock1", root).differences(base.to_json())


def test_a_fault_alone_rebuilds_nothing(tmp_path: Path) -> None:
    # Same bytes (the last good version): a run whose only news is a fetch fault is a no-op,
    # so the published file stays byte-identical; the run log and status report the fault.
    root = tmp_path / "project"
    (root / "warehouse").mkdir(parents=True)
    entries = [Entry("nbb", "1" * 64)]
    fresh = wfp.compute(entries, "lock", root)
    stale = wfp.compute(entries, "lock", root, stale_sources=["nbb"])
    assert stale.digest == fresh.digest
    assert stale.to_json()["stale_sources"] == ["nbb"]  # recorded with a build that happens
    assert "stale_sources" not in fresh.to_json()
    # When something else changed too, the reasons say which source fell back.
    other = wfp.compute([Entry("nbb", "2" * 64)], "lock", root, stale_sources=["nbb"])
    assert other.digest != fresh.digest
    assert "source nbb: stale now (its fetch failed)" in other.differences(fresh.to_json())


def test_published_inputs_round_trip(paths: DataPaths) -> None:
    fp = wfp.Fingerprint((("nbb", "a" * 64, "m"),), "c", "s", "l")
    build_file = make_build(paths, "r1", 1)
    record_release(build_file, "r1", fp.build_inputs(), paths)
    publish(build_file, paths)
    recorded = published_inputs(paths.published, published_run_id(paths.published))
    assert recorded is not None and recorded["run_id"] == "r1"
    assert recorded["fingerprint"] == fp.digest
    assert fp.differences(recorded) == []


# --- schema diff and run history -----------------------------------------------------------


def test_schema_diff_is_recorded_in_meta(paths: DataPaths) -> None:
    publish_run(paths, "r1", 1)
    run_log.append_run_log(
        run_log.run_log_path(paths),
        _run(paths, "r1b", "failed", failed_stage="expectations", reason="boom"),
    )
    build_file = make_build(paths, "r2", 2, extra_column=True)
    con = duckdb.connect(str(build_file))
    con.execute("DROP TABLE marts.fct_indicator_values")
    con.execute("CREATE TABLE marts.new_mart AS SELECT 1 AS a")
    con.execute("ALTER TABLE marts.t ALTER value TYPE DOUBLE")
    con.close()
    changes = record_release(build_file, "r2", None, paths, run_log.run_log_path(paths))
    got = {(c["change"], c["table_name"], c["column_name"]) for c in changes}
    assert got == {
        ("table_added", "new_mart", None),
        ("table_removed", "fct_indicator_values", None),
        ("column_added", "t", "note"),
        ("column_retyped", "t", "value"),
    }
    con = duckdb.connect(str(build_file), read_only=True)
    try:
        stored = con.execute(
            "SELECT change, table_name, column_name, old_type, new_type, previous_run_id "
            "FROM meta.schema_changes WHERE run_id = 'r2' AND change = 'column_retyped'"
        ).fetchall()
        runs = dict(con.execute("SELECT run_id, outcome FROM meta.runs").fetchall())
        failures = con.execute("SELECT failed_stage, reason FROM meta.run_failures").fetchall()
    finally:
        con.close()
    assert stored == [("column_retyped", "t", "value", "INTEGER", "DOUBLE", "r1")]
    # SQL users see the failed run that never reached a published file.
    assert runs == {"r1": "published", "r1b": "failed", "r2": "published"}
    assert failures == [("expectations", "boom")]
    publish(build_file, paths)
    text = "\n".join(ws.collect(paths).lines())
    assert "schema changes in this release: column_added t.note" in text


# --- rollback ----------------------------------------------------------------------------


def test_rollback_walks_back_through_releases_and_can_be_undone(paths: DataPaths) -> None:
    with pytest.raises(RollbackError, match="no release"):
        choose(paths)
    for n in (1, 2, 3):
        publish_run(paths, f"2026112{n}T000000Z_aaaaa{n}", n)
    assert value_of(paths.published) == 3

    release, result = rollback(paths)
    assert release.run_id == "20261122T000000Z_aaaaa2"
    assert value_of(paths.published) == 2
    assert result.sha256 == file_sha256(paths.published)
    assert not wal_path(paths.published).exists()
    assert wx.active_run_id(paths) == release.run_id  # the exports follow
    assert published_run_id(paths.published) == release.run_id

    rollback(paths)
    assert value_of(paths.published) == 1
    with pytest.raises(RollbackError, match="no release older"):
        rollback(paths)
    # The rolled-away files were kept: roll forward by naming one.
    rollback(paths, to="20261123T000000Z_aaaaa3")
    assert value_of(paths.published) == 3
    assert [r["outcome"] for r in run_log.read_run_log(run_log.run_log_path(paths))][-3:] == [
        "rolled_back"
    ] * 3


def test_rollback_command(
    paths: DataPaths, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # These toy builds hold no article: the refresh's checks, which the command runs on the
    # release first, are stood in for here (tests/hardening runs them on real releases).
    checked: list[Path] = []
    monkeypatch.setattr("flows.cli.rollback._failed_checks", lambda f: checked.append(f) or [])
    assert main(["rollback", "--data-dir", str(paths.root)]) == EXIT_FAILED
    assert "nothing to roll back to" in capsys.readouterr().err
    publish_run(paths, "20261121T000000Z_aaaaa1", 1)
    publish_run(paths, "20261122T000000Z_aaaaa2", 2)
    assert main(["rollback", "--list", "--data-dir", str(paths.root)]) == 0
    assert "20261121T000000Z_aaaaa1" in capsys.readouterr().out
    assert main(["rollback", "--data-dir", str(paths.root)]) == 0
    assert "restored release" in capsys.readouterr().out
    assert value_of(paths.published) == 1
    assert len(checked) == 1 and checked[0].name == paths.published.name


# --- exports -------------------------------------------------------------------------------


def test_exports_every_mart_with_a_manifest(paths: DataPaths) -> None:
    publish_run(paths, "r1", 1)
    link = paths.root / "exports"
    assert link.is_symlink() and not Path(link.readlink()).is_absolute()
    manifest = json.loads((link / "manifest.json").read_text())
    assert manifest["run_id"] == "r1"
    assert manifest["attribution"] == ["Source: NBB.Stat"]
    assert manifest["sources"][0]["sha256"] == "ab"
    assert manifest["vintages"] == [
        {"source_id": "nbb_regaca38", "vintage": "2026-11-27", "values": 3}
    ]
    assert manifest["warehouse"] == str(paths.published)
    assert {m["mart"] for m in manifest["marts"]} == {"t", "fct_indicator_values"}
    con = duckdb.connect()
    try:
        for m in manifest["marts"]:
            for kind in ("parquet", "csv"):
                f = link / m["files"][kind]["file"]
                assert file_sha256(f) == m["files"][kind]["sha256"]
                n = con.execute(f"SELECT count(*) FROM '{f}'").fetchall()[0][0]
                assert n == m["rows"]
    finally:
        con.close()


def test_csv_exports_write_counts_as_integers_and_round_the_rest(paths: DataPaths) -> None:
    build_file = new_build_file(paths, "r1")
    con = duckdb.connect(str(build_file))
    con.execute("CREATE SCHEMA marts")
    con.execute(
        "CREATE TABLE marts.t AS SELECT * FROM (VALUES "
        "(1, '000', 2080051.0::DOUBLE, 1.0/3, TIMESTAMP '2026-11-27 10:11:12'), "
        "(2, '21000', -3.5::DOUBLE, 0.0000001, NULL), "
        "(3, NULL, NULL, 12.0, NULL)) v(n, nuts_code, employees, ratio, retrieved)"
    )
    con.execute("COMMENT ON COLUMN marts.t.nuts_code IS 'NBB''s NUTS code, kept as text'")
    con.close()
    folder = wx.write_exports(build_file, paths, "r1")
    lines = (folder / "t.csv").read_text(encoding="utf-8").splitlines()
    assert lines == [
        "n,nuts_code,employees,ratio,retrieved",
        "1,000,2080051,0.333333,2026-11-27T10:11:12",
        "2,21000,-3.5,0,",
        "3,,,12,",
    ]
    # Parquet keeps full precision.
    con = duckdb.connect()
    try:
        ratio = con.execute(f"SELECT ratio FROM '{folder / 't.parquet'}' WHERE n = 1").fetchone()[0]
    finally:
        con.close()
    assert ratio == 1.0 / 3
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    (resource,) = [r for r in package["resources"] if r["name"] == "t"]
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    assert {n: f["type"] for n, f in fields.items()} == {
        "n": "integer",
        "nuts_code": "string",
        "employees": "number",
        "ratio": "number",
        "retrieved": "datetime",
    }
    assert fields["nuts_code"]["description"] == "NBB's NUTS code, kept as text"
    assert resource["hash"] == "sha256:" + file_sha256(folder / "t.csv")


# --- status ------------------------------------------------------------------------------


def test_status_counts_freshness_and_last_run(paths: DataPaths) -> None:
    publish_run(paths, "r1", 1)
    status = ws.collect(paths)
    assert status.status_counts == {"modelled": 1, "official": 2}
    (source,) = status.sources
    assert source.source_id == "nbb_regaca38" and source.cadence == "annual"
    assert not source.stale
    assert status.problems() == []
    text = "\n".join(status.lines())
    counts = "2 official, 0 provisional, 0 estimated, 0 derived, 1 modelled"
    assert counts in text and "check:      ok" in text

    later = datetime.now(UTC) + timedelta(days=500)
    stale = ws.collect(paths, now=later)
    assert stale.sources[0].stale
    assert any("nbb_regaca38 is stale" in p for p in stale.problems())


def test_status_check_fails_on_a_failed_last_run_or_stale_source(
    paths: DataPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    publish_run(paths, "r1", 1)
    assert main(["status", "--check", "--data-dir", str(paths.root)]) == 0
    capsys.readouterr()
    run_log.append_run_log(
        run_log.run_log_path(paths),
        _run(paths, "r2", "failed", failed_stage="dbt_build", reason="dbt build failed"),
    )
    assert main(["status", "--check", "--data-dir", str(paths.root)]) == EXIT_FAILED
    captured = capsys.readouterr()
    assert "last run r2 failed at stage dbt_build" in captured.err
    assert "r2: failed" in captured.out

    publish_run(paths, "r3", 3, retrieved=datetime(2020, 1, 1))
    assert main(["status", "--check", "--data-dir", str(paths.root)]) == EXIT_FAILED
    assert "stale" in capsys.readouterr().err
    # Without --check, status only reports.
    assert main(["status", "--data-dir", str(paths.root)]) == 0


def test_keep_releases_is_configurable(paths: DataPaths, monkeypatch) -> None:
    assert keep_releases() == KEEP_RELEASES
    monkeypatch.setenv(KEEP_RELEASES_ENV, "2")
    assert keep_releases() == 2
    for n in range(1, 6):
        publish_run(paths, f"2026112{n}T000000Z_aaaaa{n}", n)
    # publish_run uses the default; the flow passes keep_releases(): prune as it would.
    prune_releases(paths, keep_releases())
    assert [r.run_id[-1] for r in releases(paths)] == ["3", "4"]
    for bad in ("0", "two"):
        monkeypatch.setenv(KEEP_RELEASES_ENV, bad)
        with pytest.raises(ValueError, match=KEEP_RELEASES_ENV):
            keep_releases()


def test_status_names_a_running_refresh_and_ignores_a_dead_holder(paths: DataPaths) -> None:
    from warehouse.publish.lock import run_lock

    publish_run(paths, "r1", 1)
    with run_lock(paths, run_id="r2"):
        assert "run_id=r2" in (ws.collect(paths).running or "")
    assert ws.collect(paths).running is None  # released: the lock file is emptied
    paths.run_lock.write_text("pid=999999999 run_id=dead since=x\n")  # a SIGKILLed holder
    assert ws.collect(paths).running is None


def test_status_check_flags_exports_of_another_run(paths: DataPaths) -> None:
    publish_run(paths, "r1", 1)
    build_file = make_build(paths, "r2", 2)
    publish(build_file, paths)  # published, exports not swapped (as if killed in between)
    problems = ws.collect(paths).problems()
    assert any("BI exports are of run r1" in p for p in problems), problems


# --- the published file's record -----------------------------------------------------------


def test_each_publish_writes_the_record_of_the_file_it_publishes(paths: DataPaths) -> None:
    publish_run(paths, "r1", 1)
    record = current_record(paths)
    assert record == paths.published_record
    assert published_run_id(record) == "r1"
    assert ("marts", "t", "value") in record_columns(record)
    con = duckdb.connect(str(record), read_only=True)
    try:
        counts = dict(con.execute("SELECT * FROM facts.status_counts").fetchall())
        sha = con.execute("SELECT sha256 FROM facts.file").fetchone()[0]
    finally:
        con.close()
    assert counts == {"modelled": 1, "official": 2}
    assert sha == file_sha256(paths.published)
    publish_run(paths, "r2", 2, extra_column=True)
    assert published_run_id(current_record(paths)) == "r2"


def test_a_record_of_another_file_is_not_used_and_is_made_again(paths: DataPaths) -> None:
    from warehouse.meta.published_record import readable_record, repair_record

    publish_run(paths, "r1", 1)
    kept = paths.root / "kept.duckdb"
    shutil.copyfile(paths.published, kept)
    os.replace(kept, paths.published)  # same bytes, another file: as after a copy by hand
    assert current_record(paths) is None
    with readable_record(paths) as record:  # for readers: made aside, the data dir untouched
        assert record is not None and record.parent != paths.root
        assert published_run_id(record) == "r1"
    assert current_record(paths) is None
    assert repair_record(paths) == paths.published_record  # under the run lock: made again
    assert published_run_id(current_record(paths)) == "r1"


def test_a_publish_without_a_usable_record_refuses_rather_than_lose_history(
    paths: DataPaths,
) -> None:
    from warehouse.meta.run_log import RunInfo
    from warehouse.publish.release import publish_release
    from warehouse.publish.swap import PublishError

    publish_run(paths, "r1", 1)
    paths.published_record.unlink()
    before = file_sha256(paths.published)
    build = make_build(paths, "r2", 2)
    run = RunInfo(run_id="r2", started_at=datetime.now(UTC), data_dir=str(paths.root))
    with pytest.raises(PublishError, match="run history"):
        publish_release(build, paths, run, None, published_run_id="r1", echo=lambda _: None)
    assert file_sha256(paths.published) == before
