"""The committed snapshot is exactly what its generator makes, nothing edited by hand: every
file and the manifest, which describes each file with its catalog origin."""

from __future__ import annotations

import shutil

import pytest

from extract.catalog import load_catalog
from extract.paths import SNAPSHOT_DIR
from extract.snapshot import load_manifest
from tools.snapshot_generator.__main__ import build, differing


@pytest.fixture(scope="module")
def generated():
    lines: list[str] = []
    built = build(echo=lines.append)
    assert built is not None, "\n".join(line for line in lines if "MISS" in line)
    return built[0], lines


def test_generator_reproduces_the_committed_snapshot_byte_for_byte(generated):
    outputs, lines = generated
    assert "180 of 180 regional-accounts figures reproduced" in lines
    assert not [line for line in lines if line.startswith("MISS")]
    assert differing(outputs, SNAPSHOT_DIR) == []
    # NBB 1, Statbel 16 yearly files and the be.STAT view, RSZ 17 workbooks, VDAB 1, Eurostat 3
    assert len(outputs) == 42


def test_manifest_lists_every_generated_file_with_its_catalog_origin(generated):
    outputs, _ = generated
    catalog = load_catalog()
    snapshot = load_manifest()
    listed = {entry.path: entry for entry in snapshot.files}
    assert set(listed) == {o.path for o in outputs}
    for output in outputs:
        entry = listed[output.path]
        dataset = catalog.get(output.source_id)
        assert entry.sha256 == output.manifest_entry()["sha256"], output.path
        assert (entry.format, entry.licence, entry.attribution) == (
            dataset.format,
            dataset.licence,
            dataset.attribution,
        )
        # a file from an older table of the publisher (nama_10r_2gdp) names its own URL
        expected_url = output.url or dataset.url(**output.url_parameters)
        assert entry.url == expected_url, output.path
        assert tuple(entry.modelled_series) == tuple(output.modelled_series)
    snapshot.verify()


def test_verify_fails_on_a_file_edited_by_hand(tmp_path, generated):
    snapshot = tmp_path / "snapshot"
    shutil.copytree(SNAPSHOT_DIR, snapshot)
    target = snapshot / "vdab" / "arvastat_werkzoekendengraad_18_64.xlsx"
    target.write_bytes(target.read_bytes() + b"\0")
    assert differing(generated[0], snapshot) == ["vdab/arvastat_werkzoekendengraad_18_64.xlsx"]
    (snapshot / "manifest.json").write_text("{}")
    assert "manifest.json" in differing(generated[0], snapshot)
