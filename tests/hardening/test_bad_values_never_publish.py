"""A negative population in the raw data (a copy of the embedded snapshot, its manifest
updated) never publishes: the refresh fails at the checks naming the indicator, the region
and the year, and the published file stays byte-identical."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from extract.paths import SNAPSHOT_DIR
from extract.snapshot import sha256_hex
from tests.hardening.conftest import limwh, text
from warehouse.config import DataPaths
from warehouse.files import file_sha256

NBB_FILE = "nbb/BE2_DF_REGACA38_1.0.json"


def _negate_population(snapshot: Path, nuts: str, year: str) -> None:
    path = snapshot / NBB_FILE
    doc = json.loads(path.read_text(encoding="utf-8"))
    dims = doc["data"]["structures"][0]["dimensions"]
    series_dims = dims["series"]
    wanted = {"ITEM": "POPULA", "NUTS": nuts}
    position = {
        d["id"]: [v["id"] for v in d["values"]].index(wanted[d["id"]])
        for d in series_dims
        if d["id"] in wanted
    }
    order = [d["id"] for d in series_dims]
    t = str([v["id"] for v in dims["observation"][0]["values"]].index(year))
    for key, series in doc["data"]["dataSets"][0]["series"].items():
        parts = key.split(":")
        if all(parts[order.index(d)] == str(i) for d, i in position.items()):
            series["observations"][t][0] = -series["observations"][t][0]
            break
    else:
        raise AssertionError("no population series in the snapshot")
    body = json.dumps(doc).encode()
    path.write_bytes(body)
    manifest_path = snapshot / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        if entry["path"] == NBB_FILE:
            entry["sha256"], entry["bytes"] = sha256_hex(body), len(body)
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")


def test_a_negative_population_fails_the_checks_and_is_not_published(
    published: Path, tmp_path: Path, hard_env: dict
) -> None:
    snapshot = tmp_path / "snapshot"
    shutil.copytree(SNAPSHOT_DIR, snapshot)
    _negate_population(snapshot, "000", "2005")
    before = file_sha256(DataPaths(published).published)
    proc = limwh(
        "refresh", "--data-dir", str(published), "--snapshot-dir", str(snapshot), env=hard_env
    )
    out = text(proc)
    assert proc.returncode == 1, out
    assert "failed at stage expectations" in out
    assert "population BE TOTAL 2005" in out and "not negative" in out
    assert "the published warehouse is unchanged" in out
    assert file_sha256(DataPaths(published).published) == before
