"""The raw store: content-addressed, immutable copies of the files a build reads."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from extract.raw_store import RAW_MANIFEST, raw_relpath, store_snapshot
from extract.snapshot import SnapshotError, load_manifest


def make_snapshot(root: Path, payload: bytes = b'{"data": 1}') -> Path:
    (root / "nbb").mkdir(parents=True)
    (root / "nbb" / "BE2_DF_REGACA38_1.0.json").write_bytes(payload)
    manifest = {
        "snapshot_id": "test-snapshot",
        "files": [
            {
                "source_id": "nbb_regaca38",
                "path": "nbb/BE2_DF_REGACA38_1.0.json",
                "format": "sdmx-json-2.0",
                "url": "https://example.invalid/data",
                "retrieved_at": "2026-11-27T00:00:00Z",
                "sha256": hashlib.sha256(payload).hexdigest(),
                "bytes": len(payload),
                "licence": "test",
                "attribution": "Source: NBB.Stat",
                "modelled_series": ["*"],
            }
        ],
    }
    (root / "manifest.json").write_text(json.dumps(manifest))
    return root


def test_store_is_content_addressed_and_rerooted(tmp_path: Path) -> None:
    snapshot = load_manifest(make_snapshot(tmp_path / "snap"))
    store = tmp_path / "raw"
    stored = store_snapshot(snapshot, store, "run1")

    (entry,) = stored.files
    sha = snapshot.files[0].sha256
    assert entry.path == f"{sha[:2]}/{sha}.json" == raw_relpath(snapshot.files[0])
    assert stored.root == store
    assert stored.read_bytes(entry) == b'{"data": 1}'  # re-checked against the manifest
    assert (store / entry.path).stat().st_mode & 0o222 == 0  # stored read-only

    # A second run stores nothing new but records its use.
    store_snapshot(snapshot, store, "run2")
    records = [json.loads(line) for line in (store / RAW_MANIFEST).read_text().splitlines()]
    assert [r["run_id"] for r in records] == ["run1", "run2"]
    assert records[0]["origin"].endswith("nbb/BE2_DF_REGACA38_1.0.json")
    assert records[0]["raw_path"] == entry.path
    assert len(list(store.rglob("*.json"))) == 1


def test_changed_snapshot_file_is_rejected(tmp_path: Path) -> None:
    root = make_snapshot(tmp_path / "snap")
    snapshot = load_manifest(root)
    (root / "nbb" / "BE2_DF_REGACA38_1.0.json").write_bytes(b'{"data": 2}')
    with pytest.raises(SnapshotError, match="sha256"):
        store_snapshot(snapshot, tmp_path / "raw", "run1")
    assert not (tmp_path / "raw" / RAW_MANIFEST).exists()


def test_corrupt_raw_store_file_is_detected(tmp_path: Path) -> None:
    snapshot = load_manifest(make_snapshot(tmp_path / "snap"))
    store = tmp_path / "raw"
    (entry,) = store_snapshot(snapshot, store, "run1").files
    target = store / entry.path
    target.chmod(0o644)
    target.write_bytes(b"tampered")
    with pytest.raises(SnapshotError, match="corrupt"):
        store_snapshot(snapshot, store, "run2")


def test_extract_task_runs_without_prefect(tmp_path: Path) -> None:
    from flows.nightly_refresh import extract_task

    root = make_snapshot(tmp_path / "snap")
    stored = extract_task.fn(str(tmp_path), "run1", False, None, str(root))
    assert stored.mode == "snapshot"
    assert stored.snapshot_id == "test-snapshot"
    assert stored.raw_store == tmp_path / "raw"
    assert all((tmp_path / "raw" / e.path).is_file() for e in stored.entries)
