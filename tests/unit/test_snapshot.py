"""The snapshot manifest: checked reads and the modelled-series patterns."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from extract.paths import SNAPSHOT_DIR
from extract.snapshot import SnapshotError, is_modelled, load_manifest, parse_timestamp

CONTENT = b'{"meta": {}, "data": {}}'


def entry(path: str = "nbb/file.json", data: bytes = CONTENT, **overrides: Any) -> dict:
    item = {
        "source_id": "nbb_regaca38",
        "path": path,
        "format": "sdmx-json-2.0",
        "url": "https://nsidisseminate-stat.nbb.be/rest/data/BE2,DF_REGACA38,1.0/A....",
        "retrieved_at": "2026-11-27T00:00:00Z",
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "licence": "NBB.Stat terms of use",
        "attribution": "Source: NBB.Stat",
        "modelled_series": ["A.EMPLOY.220.*"],
        "modelled_reason": "test",
        "generator": "tests",
    }
    item.update(overrides)
    return item


def make_snapshot(root: Path, files: list[dict], contents: dict[str, bytes] | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "manifest.json").write_text(
        json.dumps({"snapshot_id": "test-1", "files": files}), encoding="utf-8"
    )
    for rel, data in (contents or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


def test_loads_and_reads_a_verified_file(tmp_path: Path) -> None:
    root = make_snapshot(tmp_path / "snap", [entry()], {"nbb/file.json": CONTENT})
    snap = load_manifest(root)
    assert snap.snapshot_id == "test-1"
    assert snap.source_ids() == ["nbb_regaca38"]
    (item,) = snap.entries("nbb_regaca38")
    assert snap.entries("other") == []
    assert item.retrieved_at == datetime(2026, 11, 27, tzinfo=UTC)
    assert snap.read_bytes(item) == CONTENT
    snap.verify()


def test_sha256_mismatch_names_the_file(tmp_path: Path) -> None:
    tampered = CONTENT.replace(b"meta", b"mota")
    root = make_snapshot(tmp_path / "snap", [entry()], {"nbb/file.json": tampered})
    snap = load_manifest(root)
    with pytest.raises(SnapshotError, match=r"'nbb/file\.json'.*sha256"):
        snap.verify()


def test_size_mismatch_names_the_file(tmp_path: Path) -> None:
    root = make_snapshot(tmp_path / "snap", [entry()], {"nbb/file.json": CONTENT + b"\n"})
    with pytest.raises(SnapshotError, match=r"'nbb/file\.json'.*bytes"):
        load_manifest(root).verify()


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    root = make_snapshot(tmp_path / "snap", [entry()])
    with pytest.raises(SnapshotError, match=r"'nbb/file\.json'.*missing"):
        load_manifest(root).verify()


def test_missing_manifest(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match="manifest not found"):
        load_manifest(tmp_path)


def test_manifest_field_errors(tmp_path: Path) -> None:
    bad = entry()
    del bad["sha256"]
    with pytest.raises(SnapshotError, match=r"nbb/file\.json.*'sha256'"):
        load_manifest(make_snapshot(tmp_path / "a", [bad]))
    with pytest.raises(SnapshotError, match="relative"):
        load_manifest(make_snapshot(tmp_path / "b", [entry(path="../outside.json")]))
    with pytest.raises(SnapshotError, match="ISO-8601"):
        load_manifest(make_snapshot(tmp_path / "c", [entry(retrieved_at="yesterday")]))
    with pytest.raises(SnapshotError, match="listed twice"):
        load_manifest(make_snapshot(tmp_path / "d", [entry(), entry()]))


def test_is_modelled_patterns(tmp_path: Path) -> None:
    assert is_modelled("A.EMPLOY.220.CA.NP.S1", ["*"])
    assert not is_modelled("A.EMPLOY.220.CA.NP.S1", [])
    assert is_modelled("A.EMPLOY.220.CA.NP.S1", ["A.EMPLOY.220.*"])
    assert not is_modelled("A.EMPLOY.210.CA.NP.S1", ["A.EMPLOY.220.*"])
    assert is_modelled("A.B1G000.220.29.CU.S1", ["A.*.220.29.*", "A.*.220.30.*"])
    assert not is_modelled("a.employ.220.ca.np.s1", ["A.EMPLOY.*"])  # codes are case-sensitive
    root = make_snapshot(tmp_path / "snap", [entry()], {"nbb/file.json": CONTENT})
    (item,) = load_manifest(root).entries()
    assert item.is_modelled("A.EMPLOY.220.TOT.NP.S1")
    assert not item.is_modelled("A.EMPLOY.200.TOT.NP.S1")


def test_parse_timestamp() -> None:
    assert parse_timestamp("2026-11-27T00:00:00Z") == datetime(2026, 11, 27, tzinfo=UTC)
    assert parse_timestamp("2026-11-27T01:00:00+01:00") == datetime(2026, 11, 27, tzinfo=UTC)
    assert parse_timestamp("2026-11-27T00:00:00").tzinfo is UTC


def test_embedded_snapshot_matches_its_manifest() -> None:
    if not (SNAPSHOT_DIR / "manifest.json").exists():
        pytest.skip("the embedded snapshot has no manifest yet")
    snap = load_manifest()
    assert snap.files
    snap.verify()
