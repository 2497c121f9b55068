"""Retention removes old builds and unused raw files, never a raw version a release used;
`limwh refresh --live` options are checked before a run starts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from extract import raw_store as rs
from flows.cli import main
from warehouse.config import DataPaths
from warehouse.publish.retention import apply_retention


def store(
    paths: DataPaths, body: bytes, day: int, source_id: str = "nbb_regaca38", part: str = ""
) -> str:
    sha = rs.sha256_hex(body)
    rs.store_live(
        paths.raw_store,
        run_id=f"r{day}",
        source_id=source_id,
        fmt="sdmx-json-2.0",
        body=body,
        sha256=sha,
        size=len(body),
        url="https://nsidisseminate-stat.nbb.be/rest/data/x",
        query="",
        origin="http",
        retrieved_at=datetime(2026, 11, day, tzinfo=UTC),
        http_status=200,
        etag=None,
        last_modified=None,
        licence="l",
        attribution="Source: NBB.Stat",
        fingerprint=None,
        part=part,
    )
    return sha


def release_using(path: Path, shas: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema raw")
        con.execute("create table raw.source_files (sha256 varchar)")
        for sha in shas:
            con.execute("insert into raw.source_files values (?)", [sha])
    finally:
        con.close()


@pytest.fixture
def paths(tmp_path: Path) -> DataPaths:
    paths = DataPaths(tmp_path / "data")
    paths.ensure()
    return paths


def test_raw_version_a_release_used_is_never_removed(paths: DataPaths) -> None:
    used_by_old_release = store(paths, b'{"v": 1}', 1)
    never_published = store(paths, b'{"v": 2}', 2)
    used_by_published = store(paths, b'{"v": 3}', 3)
    latest = store(paths, b'{"v": 4}', 4)  # last good, not yet published: kept as fallback
    release_using(paths.releases / "20261101T000000Z_r1.duckdb", [used_by_old_release])
    release_using(paths.published, [used_by_published])

    dry = apply_retention(paths, prune_raw=True, dry_run=True)
    assert [p.name.split(".")[0] for p in dry.removed_raw] == [never_published]
    assert len(rs.raw_files(paths.raw_store)) == 4  # a dry run removes nothing

    report = apply_retention(paths, prune_raw=True)
    left = {p.name.split(".")[0] for p in rs.raw_files(paths.raw_store)}
    assert left == {used_by_old_release, used_by_published, latest}
    assert [p.name.split(".")[0] for p in report.removed_raw] == [never_published]
    # The removal is recorded, and the version no longer offered to the loader.
    assert never_published not in {v.sha256 for v in rs.live_versions(paths.raw_store)}
    assert any(r.get("kind") == "removed" for r in rs.read_records(paths.raw_store))


def test_every_file_of_a_multi_file_last_good_version_is_kept(paths: DataPaths) -> None:
    """Statbel's yearly ZIPs fetched together are one version: none of them is pruned."""
    old_2024 = store(paths, b"2024 v1", 1, "statbel_vat_enterprises", "2024")
    current = [
        store(paths, f"{year} v1".encode(), 2, "statbel_vat_enterprises", year)
        for year in ("2023",)
    ] + [store(paths, b"2024 v2", 2, "statbel_vat_enterprises", "2024")]
    release_using(paths.published, [])
    report = apply_retention(paths, prune_raw=True)
    assert [p.name.split(".")[0] for p in report.removed_raw] == [old_2024]
    assert {p.name.split(".")[0] for p in rs.raw_files(paths.raw_store)} == set(current)


def test_unreadable_release_keeps_every_raw_file(paths: DataPaths) -> None:
    store(paths, b'{"v": 1}', 1)
    store(paths, b'{"v": 2}', 2)
    paths.releases.mkdir(parents=True, exist_ok=True)
    (paths.releases / "20261101T000000Z_r1.duckdb").write_bytes(b"not a database")
    report = apply_retention(paths, prune_raw=True)
    assert report.removed_raw == [] and report.unreadable
    assert len(rs.raw_files(paths.raw_store)) == 2


def test_old_builds_are_removed(paths: DataPaths, capsys: pytest.CaptureFixture[str]) -> None:
    for run_id in ("20261101T0000Z_a", "20261102T0000Z_b", "20261103T0000Z_c"):
        (paths.builds / run_id).mkdir(parents=True)
    assert main(["retention", "--data-dir", str(paths.root), "--keep-builds", "1"]) == 0
    assert [p.name for p in paths.builds.iterdir()] == ["20261103T0000Z_c"]
    assert "removed 2 build folder(s)" in capsys.readouterr().out


def test_live_options_need_live(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["refresh", "--data-dir", str(tmp_path), "--source", "nbb_regaca38"])
    assert code == 2
    assert "--live" in capsys.readouterr().err


def test_bad_live_config_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "live.json"
    config.write_text('{"http": {"verify": false}}')
    code = main(["refresh", "--live", "--live-config", str(config), "--data-dir", str(tmp_path)])
    assert code == 2
    assert "unknown HTTP setting" in capsys.readouterr().err
