"""The committed Statbel, RSZ, VDAB and Eurostat snapshot files are exactly what their generator
makes, and the manifest describes every one of them."""

from __future__ import annotations

from extract.snapshot import load_manifest
from tools.snapshot_generator import other_publishers


def test_generator_reproduces_the_committed_files_byte_for_byte(capsys):
    assert other_publishers.main(["--verify"]) == 0
    out = capsys.readouterr().out
    assert "MISS" not in out
    assert "22 files are the generator's output, byte for byte" in out


def test_manifest_lists_every_generated_file_with_its_hash():
    outputs, calibration = other_publishers.build()
    assert not calibration.misses
    snapshot = load_manifest()
    listed = {entry.path: entry for entry in snapshot.files}
    for output in outputs:
        entry = listed[output.path]
        assert entry.sha256 == output.manifest_entry()["sha256"], output.path
        assert entry.source_id == output.source_id
        assert entry.format == output.format
        assert tuple(entry.modelled_series) == tuple(output.modelled_series)
    snapshot.verify()
